-- ZF14 emergency start approved in time — RULES.md ZF14; 001 §10; 004 §8
-- Item: a case with emergency_start true whose opened_at is in the period.
-- Due: opened_at + the profile's deadline (24 clock hours in the shipped profiles; a bureau's
-- profile may give days or working days: rules/shared/with_due_at.sql). An approval counts
-- only once it exists as of as_of. Pass: approved_at at or before due (met to the second).
-- Violation: approved after due, or not approved with due before as_of. Pending: not approved
-- and due at or after as_of. not_checked: the due time cannot be computed (calendar missing).
with

scope as (select period_start, period_end, as_of from audit.scope),

settings as (
    select emergency_approval_hours, emergency_approval_days, emergency_approval_working_days
    from audit.settings
),

cases_src as (
    select case_id, unit_id, opened_at, emergency_start, approved_at
    from cases
),

cases_in_scope as (
    select
        c.*,
        s.as_of,
        c.opened_at as due_from,
        st.emergency_approval_hours as n_hours,
        st.emergency_approval_days as n_days,
        st.emergency_approval_working_days as n_working_days,
        -- an approval recorded after as_of did not exist yet at the audited instant
        case when c.approved_at <= s.as_of then c.approved_at end as approved_seen
    from cases_src c, scope s, settings st
    where c.emergency_start
      -- a profile without the deadline has no items
      and coalesce(st.emergency_approval_hours, st.emergency_approval_days,
                   st.emergency_approval_working_days) is not null
      and c.opened_at >= s.period_start and c.opened_at < s.period_end
),

with_due as (
    select * from audit.with_due_at('cases_in_scope')
),

final as (
    select
        'ZF14' as rule_id,
        case
            when due_at is null then 'not_checked'
            when approved_seen is not null and approved_seen <= due_at then 'pass'
            when approved_seen is not null then 'violation'
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
        approved_seen as observed_at,
        case
            when due_at is null then '无法计算补办审批期限（工作日历缺失），未检查'
            when approved_seen is not null and approved_seen <= due_at then null
            when approved_seen is not null then
                '补办审批时间 ' || strftime(approved_seen, '%Y-%m-%d %H:%M:%S') || ' 晚于期限 '
                || strftime(due_at, '%Y-%m-%d %H:%M:%S')
            when due_at < as_of then
                '紧急启动后未补办审批，期限 ' || strftime(due_at, '%Y-%m-%d %H:%M:%S') || ' 已过'
            else '紧急启动待补办审批，期限 ' || strftime(due_at, '%Y-%m-%d %H:%M:%S')
        end as detail
    from with_due
)

select * from final
