-- ZF01 two officers — RULES.md ZF01; 《行政处罚法》第四十二条; 001 §12; 004 §10.
-- Item: a FIELD step whose started_at is in the period. Violation when fewer than 2 distinct
-- officers are listed in step_officers. Pass needs 2 officers found in the personnel
-- registry: an officer id that is not there (DQ01) cannot make up the second officer, so
-- such a step is not_checked; so is a step whose case is missing (DQ01). A dangling
-- reference only ever stops a pass: a step with one officer is a violation regardless.
with

scope as (
    select * from audit.scope
),

field_stages as (
    select stage from audit.field_stages
),

steps_src as (
    select step_id, case_id, stage, started_at, unit_id, case_found from audit.steps_linked
),

step_officers_src as (
    select step_id, officer_id from step_officers
),

officers_src as (
    select officer_id from officers
),

steps_in_scope as (
    select
        s.step_id,
        s.case_id,
        s.started_at,
        s.unit_id,
        s.case_found
    from steps_src as s
    inner join field_stages as f on f.stage = s.stage
    where s.started_at >= (select period_start from scope)
        and s.started_at < (select period_end from scope)
),

officer_counts as (
    select
        so.step_id,
        count(distinct so.officer_id) as n_listed,
        count(distinct o.officer_id) as n_known
    from steps_in_scope as s
    inner join step_officers_src as so on so.step_id = s.step_id
    left join officers_src as o on o.officer_id = so.officer_id
    group by so.step_id
),

checked as (
    select
        s.*,
        coalesce(n.n_listed, 0) as n_listed,
        coalesce(n.n_known, 0) as n_known
    from steps_in_scope as s
    left join officer_counts as n on n.step_id = s.step_id
),

final as (
    select
        'ZF01' as rule_id,
        case
            when n_listed < 2 then 'violation'
            when not case_found then 'not_checked'
            when n_known >= 2 then 'pass'
            else 'not_checked'
        end as outcome,
        case_id,
        step_id,
        null::varchar as media_id,
        null::varchar as access_id,
        null::varchar as officer_id,
        unit_id,
        null::timestamp as due_at,
        started_at as observed_at,
        case
            when n_listed = 0 then '环节未登记执法人员（应至少 2 名）'
            when n_listed < 2 then '环节仅登记 1 名执法人员（应至少 2 名）'
            when not case_found then
                '环节所属案件 ' || coalesce(case_id, '(空)') || ' 不存在（见 DQ01），未检查'
            when n_known < 2 then
                '登记的 ' || n_listed || ' 名执法人员中仅 ' || n_known
                || ' 名在人员表中（见 DQ01），无法确认 2 名执法人员'
        end as detail
    from checked
)

select * from final
