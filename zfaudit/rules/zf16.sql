-- ZF16 record signed or refusal noted — RULES.md ZF16; 000 附件清单; 001 §14; 004 §12
-- Item: a step at inquiry, inspection, sampling, preservation, seizure, service_direct,
-- service_left, statement or hearing with a doc_no, started_at in the period. The stage list is
-- the rule's own (RULES.md), the same for every profile that runs it.
-- Violation: party_signed is not 'signed' and refusal_noted is not true.
-- A step whose case cannot be found (DQ01) is never a pass.
with

scope as (select period_start, period_end from audit.scope),

signing_stages as (
    select * from (values
        ('inquiry'), ('inspection'), ('sampling'), ('preservation'), ('seizure'),
        ('service_direct'), ('service_left'), ('statement'), ('hearing')
    ) as t(stage)
),

steps_src as (
    select step_id, case_id, stage, started_at, doc_no, party_signed, refusal_noted
    from steps
),

cases_src as (select case_id, unit_id from cases),

steps_in_scope as (
    -- scalar subqueries, not a join with scope: keeps DuckDB's row estimates for the hash joins
    select st.*
    from steps_src st
    inner join signing_stages g on g.stage = st.stage
    where nullif(trim(st.doc_no), '') is not null
      and st.started_at >= (select period_start from scope)
      and st.started_at < (select period_end from scope)
),

linked as (
    select st.*, c.unit_id, c.case_id is null as case_missing
    from steps_in_scope st
    left join cases_src c on c.case_id = st.case_id
),

final as (
    select
        'ZF16' as rule_id,
        case
            when party_signed is distinct from 'signed' and refusal_noted is not true
                then 'violation'
            when case_missing then 'not_checked'
            else 'pass'
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
            when party_signed is distinct from 'signed' and refusal_noted is not true then
                '文书 ' || doc_no || ' ' || case party_signed
                    when 'refused' then '当事人拒签'
                    when 'absent' then '当事人未到场'
                    else '未记录当事人签字' end
                || '，执法人员未在文书上注明'
            when case_missing then
                '环节所属案件 ' || coalesce(case_id, '(空)') || ' 不存在（见 DQ01），未检查'
        end as detail
    from linked
)

select * from final
