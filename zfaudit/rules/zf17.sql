-- ZF17 legal review before major decisions — RULES.md ZF17; 001 §20; 002 法制审核制度; 004 §17
-- Item: a case with major true and at least one decision step, whose first decision step
-- (earliest started_at; ties broken by step_id) started in the period.
-- Violation: legal_review_at NULL, or after that step's started_at. A review at the same
-- second as the decision is still before it: pass. Only decision steps with a started_at count.
with

scope as (select period_start, period_end from audit.scope),

cases_src as (select case_id, unit_id, major, legal_review_at from cases),

steps_src as (select step_id, case_id, stage, started_at from steps),

first_decisions as (
    -- a grouped min over (started_at, step_id) rather than a window: cheaper on 10M steps
    select case_id, first.started_at, first.step_id
    from (
        select case_id, min({'started_at': started_at, 'step_id': step_id}) as first
        from steps_src
        where stage = 'decision' and started_at is not null
        group by case_id
    )
),

cases_in_scope as (
    select c.*, d.step_id, d.started_at as decided_at
    from cases_src c
    inner join first_decisions d on d.case_id = c.case_id
    where c.major
      and d.started_at >= (select period_start from scope)
      and d.started_at < (select period_end from scope)
),

final as (
    select
        'ZF17' as rule_id,
        case
            when legal_review_at is null or legal_review_at > decided_at then 'violation'
            else 'pass'
        end as outcome,
        case_id,
        step_id,
        null::varchar as media_id,
        null::varchar as access_id,
        null::varchar as officer_id,
        unit_id,
        decided_at as due_at,
        legal_review_at as observed_at,
        case
            when legal_review_at is null then
                '重大执法决定（' || strftime(decided_at, '%Y-%m-%d %H:%M:%S') || '）前未经法制审核'
            when legal_review_at > decided_at then
                '法制审核时间 ' || strftime(legal_review_at, '%Y-%m-%d %H:%M:%S')
                || ' 晚于作出决定时间 ' || strftime(decided_at, '%Y-%m-%d %H:%M:%S')
        end as detail
    from cases_in_scope
)

select * from final
