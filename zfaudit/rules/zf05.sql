-- ZF05 archive deadline — RULES.md ZF05 and "Deadlines per profile"; 000 §12; 001 §39;
-- 002 §25; 003 §11; 004 §32.
-- Item: a case whose concluded_at is in the period. Due: 23:59:59 of the N-th calendar day
-- after concluded_at's date (or N hours / N working days where a bureau's profile says so).
-- An archive at the due second passes; "done" is judged as of as_of. not_checked when
-- archived_at precedes concluded_at (DQ02: the time cannot be trusted).
with

scope as (
    select * from audit.scope
),

settings as (
    select * from audit.settings
),

cases_src as (
    select case_id, unit_id, concluded_at, archived_at from cases
),

cases_in_scope as (
    select
        c.*,
        c.concluded_at as due_from,
        s.archive_hours as n_hours,
        s.archive_days as n_days,
        s.archive_working_days as n_working_days
    from cases_src as c
    cross join scope
    cross join settings as s
    where c.concluded_at >= scope.period_start and c.concluded_at < scope.period_end
),

-- due_at: N hours / N days / N working days from concluded_at (rules/shared/with_due_at.sql)
with_due as (
    select * from audit.with_due_at('cases_in_scope')
),

checked as (
    select
        c.*,
        scope.as_of,
        c.archived_at is not null and c.archived_at <= scope.as_of as done
    from with_due as c
    cross join scope
),

final as (
    select
        'ZF05' as rule_id,
        case
            when archived_at < concluded_at then 'not_checked'
            when due_at is null then 'not_checked'
            when done and archived_at <= due_at then 'pass'
            when done then 'violation'
            when due_at < as_of then 'violation'
            else 'pending'
        end as outcome,
        case_id,
        null::varchar as step_id,
        null::varchar as media_id,
        null::varchar as access_id,
        null::varchar as officer_id,
        unit_id,
        due_at,
        archived_at as observed_at,
        case
            when archived_at < concluded_at then '归档时间早于结案时间（见 DQ02），未检查'
            when due_at is null then '无法计算归档期限（配置或工作日历缺失），未检查'
            when done and archived_at <= due_at then null
            when done then
                '归档时间 ' || strftime(archived_at, '%Y-%m-%d %H:%M:%S') || ' 晚于期限 '
                || strftime(due_at, '%Y-%m-%d %H:%M:%S')
            when due_at < as_of then
                '截至 ' || strftime(as_of, '%Y-%m-%d %H:%M:%S') || ' 未归档，期限 '
                || strftime(due_at, '%Y-%m-%d %H:%M:%S') || ' 已过'
            else '尚未归档，期限 ' || strftime(due_at, '%Y-%m-%d %H:%M:%S') || ' 未到'
        end as detail
    from checked
)

select * from final
