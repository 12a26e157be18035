-- ZF04 upload deadline — RULES.md ZF04 and "Deadlines per profile"; 000 §8; 001 §37;
-- 002 §25; 003 §10; 004 §32.
-- Item: a media item whose recorded_end is in the period. Due: recorded_end + N hours,
-- or 23:59:59 of the N-th working day / calendar day after recorded_end's date; where the
-- profile has a remote deadline and the item's step has remote true and a returned_at,
-- the deadline runs from returned_at instead. An upload at the due second passes.
-- "Done" is judged as of as_of: an upload stamped after as_of had not happened yet then.
-- not_checked: uploaded_at precedes recorded_end (DQ02: the time cannot be trusted); the
-- item's step is missing (DQ01) where the profile has a remote deadline (the due time
-- depends on the step); an upload in time whose case or step is missing (DQ01: never a pass).
with

scope as (
    select * from audit.scope
),

settings as (
    select * from audit.settings
),

cases_src as (
    select case_id, unit_id from cases
),

steps_src as (
    select step_id, remote, returned_at from steps
),

devices_src as (
    select device_id, unit_id from devices
),

media_src as (
    select media_id, device_id, officer_id, case_id, step_id, recorded_end, uploaded_at
    from media
),

media_in_scope as (
    select
        m.*,
        -- RULES.md 评议考核: the case's unit; the device's unit only when there is no case
        case when c.case_id is not null then c.unit_id else d.unit_id end as unit_id,
        m.case_id is not null and c.case_id is null as case_missing,
        m.step_id is not null and st.step_id is null as step_missing,
        coalesce(s.upload_remote_hours, s.upload_remote_days,
            s.upload_remote_working_days) is not null as remote_possible,
        coalesce(st.remote, false) and st.returned_at is not null
            and coalesce(s.upload_remote_hours, s.upload_remote_days,
                s.upload_remote_working_days) is not null as remote_rule,
        st.returned_at
    from media_src as m
    cross join scope
    cross join settings as s
    left join cases_src as c on c.case_id = m.case_id
    left join devices_src as d on d.device_id = m.device_id
    left join steps_src as st on st.step_id = m.step_id
    where m.recorded_end >= scope.period_start and m.recorded_end < scope.period_end
),

deadline_terms as (
    select
        m.*,
        case when remote_rule then returned_at else recorded_end end as due_from,
        case when remote_rule then s.upload_remote_hours else s.upload_hours end as n_hours,
        case when remote_rule then s.upload_remote_days else s.upload_days end as n_days,
        case when remote_rule then s.upload_remote_working_days
            else s.upload_working_days end as n_working_days
    from media_in_scope as m
    cross join settings as s
),

-- due_at: N hours / N days / N working days from due_from (rules/shared/with_due_at.sql)
with_due as (
    select * from audit.with_due_at('deadline_terms')
),

checked as (
    select
        m.*,
        scope.as_of,
        m.uploaded_at is not null and m.uploaded_at <= scope.as_of as done
    from with_due as m
    cross join scope
),

final as (
    select
        'ZF04' as rule_id,
        case
            when step_missing and remote_possible then 'not_checked'
            when uploaded_at < recorded_end then 'not_checked'
            when due_at is null then 'not_checked'
            when done and uploaded_at <= due_at and (case_missing or step_missing)
                then 'not_checked'
            when done and uploaded_at <= due_at then 'pass'
            when done then 'violation'
            when due_at < as_of then 'violation'
            else 'pending'
        end as outcome,
        case_id,
        step_id,
        media_id,
        null::varchar as access_id,
        officer_id,
        unit_id,
        due_at,
        uploaded_at as observed_at,
        case
            when step_missing and remote_possible then
                '所属环节 ' || step_id || ' 不存在（见 DQ01），无法确定是否适用异地返回后的期限，未检查'
            when uploaded_at < recorded_end then
                '上传时间早于拍摄结束时间（见 DQ02），未检查'
            when due_at is null then '无法计算上传期限（配置或工作日历缺失），未检查'
            when done and uploaded_at <= due_at and case_missing then
                '所属案件 ' || case_id || ' 不存在（见 DQ01），未检查'
            when done and uploaded_at <= due_at and step_missing then
                '所属环节 ' || step_id || ' 不存在（见 DQ01），未检查'
            when done and uploaded_at <= due_at then null
            when done then
                '上传时间 ' || strftime(uploaded_at, '%Y-%m-%d %H:%M:%S') || ' 晚于期限 '
                || strftime(due_at, '%Y-%m-%d %H:%M:%S')
            when due_at < as_of then
                '截至 ' || strftime(as_of, '%Y-%m-%d %H:%M:%S') || ' 未上传，期限 '
                || strftime(due_at, '%Y-%m-%d %H:%M:%S') || ' 已过'
            else '尚未上传，期限 ' || strftime(due_at, '%Y-%m-%d %H:%M:%S') || ' 未到'
        end as detail
    from checked
)

select * from final
