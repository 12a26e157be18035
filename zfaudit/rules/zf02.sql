-- ZF02 officers certified and identified — RULES.md ZF02; 《行政处罚法》第四十二条; 001 §12;
-- 004 §10. Item: (FIELD step with started_at in the period, officer listed on it).
-- Violation when the officer holds no certificate (cert_no empty), the step's date lies
-- outside cert_valid_from..cert_valid_to (inclusive), or cert_shown is not true (NULL: the
-- record does not show it, so a violation). Otherwise not_checked when the officer is not
-- in the registry or the step's case is missing (DQ01), or when a validity date is not
-- recorded (the certificate cannot be confirmed valid). The certificate is judged only for
-- officers found in the registry; cert_shown is a fact of the step and judged always.
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
    select step_id, officer_id, cert_shown from step_officers
),

officers_src as (
    select officer_id, cert_no, cert_valid_from, cert_valid_to from officers
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

pairs as (
    select
        s.*,
        so.officer_id,
        so.cert_shown,
        o.officer_id is not null as officer_found,
        o.cert_no,
        o.cert_valid_from,
        o.cert_valid_to,
        s.started_at::date as step_date
    from steps_in_scope as s
    inner join step_officers_src as so on so.step_id = s.step_id
    left join officers_src as o on o.officer_id = so.officer_id
),

checked as (
    select
        *,
        nullif(concat_ws('；',
            case when officer_found and coalesce(trim(cert_no), '') = '' then '无执法证号' end,
            case when step_date < cert_valid_from then
                '执法日期 ' || step_date || ' 早于证件有效期起 ' || cert_valid_from end,
            case when step_date > cert_valid_to then
                '执法日期 ' || step_date || ' 晚于证件有效期止 ' || cert_valid_to end,
            case when cert_shown is not true then '未记录出示执法证件' end
        ), '') as problem
    from pairs
),

final as (
    select
        'ZF02' as rule_id,
        case
            when problem is not null then 'violation'
            when not case_found or not officer_found then 'not_checked'
            when cert_valid_from is null or cert_valid_to is null then 'not_checked'
            else 'pass'
        end as outcome,
        case_id,
        step_id,
        null::varchar as media_id,
        null::varchar as access_id,
        officer_id,
        unit_id,
        null::timestamp as due_at,
        started_at as observed_at,
        case
            when problem is not null then problem
            when not case_found then
                '环节所属案件 ' || coalesce(case_id, '(空)') || ' 不存在（见 DQ01），未检查'
            when not officer_found then '执法人员不在人员表中（见 DQ01），未检查'
            when cert_valid_from is null or cert_valid_to is null then
                '人员表未登记证件有效期，无法确认证件有效'
        end as detail
    from checked
)

select * from final
