-- DQ01 dangling references — RULES.md "Data-quality checks" (DQ01): a step's case, a step
-- officer, a media item's device, officer, case or step, an access's media, not found; and a
-- media item whose step belongs to a case other than its own (docs/decisions.md "DQ01").
-- One row per record in scope that carries references; pass when every reference resolves.
-- NULL counts as dangling only where the contract makes the reference mandatory (a step
-- belongs to a case, an access is to a media item); media may legitimately lack a case
-- (patrol footage) or step ("when known"). See docs/decisions.md "DQ01".
with

scope as (
    select * from audit.scope
),

cases_src as (
    select case_id, unit_id from cases
),

steps_src as (
    select step_id, case_id, started_at from steps
),

step_officers_src as (
    select step_id, officer_id from step_officers
),

officers_src as (
    select officer_id from officers
),

devices_src as (
    select device_id, unit_id from devices
),

media_src as (
    select media_id, device_id, officer_id, case_id, step_id, recorded_end from media
),

media_access_src as (
    select access_id, media_id, accessed_at from media_access
),

-- a second, narrow import of media for the accesses: a CTE used twice would be materialised
accessed_media_src as (
    select media_id, device_id, case_id from media
),

step_items as (
    select
        s.step_id,
        s.case_id,
        c.unit_id,
        case when c.case_id is null then
            '环节所属案件 ' || coalesce(s.case_id, '(空)') || ' 在案件表中不存在'
        end as problem
    from steps_src as s
    cross join scope
    left join cases_src as c on c.case_id = s.case_id
    where s.started_at >= scope.period_start and s.started_at < scope.period_end
),

-- a step_officers row has no time of its own: it is in scope with its step; a row whose
-- step is missing can never be scoped, so every audit reports it until the data is fixed
step_officer_items as (
    select
        so.step_id,
        so.officer_id,
        st.case_id,
        st.unit_id,
        case when o.officer_id is null then
            '执法人员 ' || so.officer_id || ' 在人员表中不存在'
        end as problem
    from step_items as st
    inner join step_officers_src as so on so.step_id = st.step_id
    left join officers_src as o on o.officer_id = so.officer_id
    union all
    select
        so.step_id,
        so.officer_id,
        null,
        null,
        concat_ws('；',
            '环节 ' || so.step_id || ' 在环节表中不存在',
            case when o.officer_id is null then
                '执法人员 ' || so.officer_id || ' 在人员表中不存在' end
        )
    from step_officers_src as so
    anti join steps_src as st on st.step_id = so.step_id
    left join officers_src as o on o.officer_id = so.officer_id
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
            case when m.device_id is not null and d.device_id is null then
                '设备 ' || m.device_id || ' 在设备表中不存在' end,
            case when m.officer_id is not null and o.officer_id is null then
                '使用人 ' || m.officer_id || ' 在人员表中不存在' end,
            case when m.case_id is not null and c.case_id is null then
                '案件 ' || m.case_id || ' 在案件表中不存在' end,
            case when m.step_id is not null and st.step_id is null then
                '环节 ' || m.step_id || ' 在环节表中不存在' end,
            -- a step of another case: rules by step (ZF03) and by case (ZF08) would disagree
            case when m.case_id is not null and st.case_id is distinct from m.case_id
                and st.step_id is not null then
                '环节 ' || m.step_id || ' 属于案件 ' || coalesce(st.case_id, '(空)')
                || '，与登记的案件 ' || m.case_id || ' 不一致' end
        ), '') as problem
    from media_src as m
    cross join scope
    left join devices_src as d on d.device_id = m.device_id
    left join officers_src as o on o.officer_id = m.officer_id
    left join cases_src as c on c.case_id = m.case_id
    left join steps_src as st on st.step_id = m.step_id
    where m.recorded_end >= scope.period_start and m.recorded_end < scope.period_end
),

access_items as (
    select
        a.access_id,
        a.media_id,
        m.case_id,
        -- RULES.md 评议考核: the case's unit; the device's unit only when there is no case
        case when c.case_id is not null then c.unit_id else d.unit_id end as unit_id,
        case when m.media_id is null then
            '调阅的音像记录 ' || coalesce(a.media_id, '(空)') || ' 在音像记录表中不存在'
        end as problem
    from media_access_src as a
    cross join scope
    left join accessed_media_src as m on m.media_id = a.media_id
    left join cases_src as c on c.case_id = m.case_id
    left join devices_src as d on d.device_id = m.device_id
    where a.accessed_at >= scope.period_start and a.accessed_at < scope.period_end
),

unioned as (
    select case_id, step_id, null::varchar as media_id, null::varchar as access_id,
        null::varchar as officer_id, unit_id, problem
    from step_items
    union all
    select case_id, step_id, null, null, officer_id, unit_id, problem
    from step_officer_items
    union all
    select case_id, step_id, media_id, null, officer_id, unit_id, problem
    from media_items
    union all
    select case_id, null, media_id, access_id, null, unit_id, problem
    from access_items
),

final as (
    select
        'DQ01' as rule_id,
        case when problem is null then 'pass' else 'violation' end as outcome,
        case_id,
        step_id,
        media_id,
        access_id,
        officer_id,
        unit_id,
        null::timestamp as due_at,
        null::timestamp as observed_at,
        problem as detail
    from unioned
)

select * from final
