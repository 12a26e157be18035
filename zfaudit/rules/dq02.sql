-- DQ02 impossible times — RULES.md "Data-quality checks" (DQ02): ended before started,
-- recorded_end before recorded_start, uploaded before recorded_end, archived before concluded.
-- One row per record in scope with at least one complete pair of times to compare; pass when
-- every complete pair is in order. Equal times are possible (a photo: end = start).
with

scope as (
    select * from audit.scope
),

cases_src as (
    select case_id, unit_id, concluded_at, archived_at from cases
),

steps_src as (
    select step_id, case_id, started_at, ended_at from steps
),

devices_src as (
    select device_id, unit_id from devices
),

media_src as (
    select media_id, device_id, officer_id, case_id, step_id,
        recorded_start, recorded_end, uploaded_at
    from media
),

-- a case is scoped as in ZF05, by concluded_at
case_items as (
    select
        c.case_id,
        c.unit_id,
        case when c.archived_at < c.concluded_at then
            '归档时间 ' || strftime(c.archived_at, '%Y-%m-%d %H:%M:%S')
            || ' 早于结案时间 ' || strftime(c.concluded_at, '%Y-%m-%d %H:%M:%S')
        end as problem
    from cases_src as c
    cross join scope
    where c.concluded_at >= scope.period_start and c.concluded_at < scope.period_end
        and c.archived_at is not null
),

step_items as (
    select
        s.step_id,
        s.case_id,
        c.unit_id,
        case when s.ended_at < s.started_at then
            '环节结束时间 ' || strftime(s.ended_at, '%Y-%m-%d %H:%M:%S')
            || ' 早于开始时间 ' || strftime(s.started_at, '%Y-%m-%d %H:%M:%S')
        end as problem
    from steps_src as s
    cross join scope
    left join cases_src as c on c.case_id = s.case_id
    where s.started_at >= scope.period_start and s.started_at < scope.period_end
        and s.ended_at is not null
),

media_items as (
    select
        m.media_id,
        m.case_id,
        m.step_id,
        m.officer_id,
        -- RULES.md 评议考核: the case's unit; the device's unit only when there is no case
        case when c.case_id is not null then c.unit_id else d.unit_id end as unit_id,
        nullif(concat_ws('；',
            case when m.recorded_end < m.recorded_start then
                '拍摄结束时间 ' || strftime(m.recorded_end, '%Y-%m-%d %H:%M:%S')
                || ' 早于开始时间 ' || strftime(m.recorded_start, '%Y-%m-%d %H:%M:%S') end,
            case when m.uploaded_at < m.recorded_end then
                '上传时间 ' || strftime(m.uploaded_at, '%Y-%m-%d %H:%M:%S')
                || ' 早于拍摄结束时间 ' || strftime(m.recorded_end, '%Y-%m-%d %H:%M:%S') end
        ), '') as problem
    from media_src as m
    cross join scope
    left join cases_src as c on c.case_id = m.case_id
    left join devices_src as d on d.device_id = m.device_id
    where m.recorded_end >= scope.period_start and m.recorded_end < scope.period_end
        and (m.recorded_start is not null or m.uploaded_at is not null)
),

unioned as (
    select case_id, null::varchar as step_id, null::varchar as media_id,
        null::varchar as officer_id, unit_id, problem
    from case_items
    union all
    select case_id, step_id, null, null, unit_id, problem
    from step_items
    union all
    select case_id, step_id, media_id, officer_id, unit_id, problem
    from media_items
),

final as (
    select
        'DQ02' as rule_id,
        case when problem is null then 'pass' else 'violation' end as outcome,
        case_id,
        step_id,
        media_id,
        null::varchar as access_id,
        officer_id,
        unit_id,
        null::timestamp as due_at,
        null::timestamp as observed_at,
        problem as detail
    from unioned
)

select * from final
