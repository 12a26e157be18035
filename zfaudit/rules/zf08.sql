-- ZF08 media labelled — RULES.md ZF08; 000 §9; 001 §48; 002 §25
-- Item: a media item with a case_id whose recorded_end is in the period.
-- Violation: label_case_no differs from case_id, or label_party / label_officer empty.
-- A dangling reference (case, step, device or officer not found, DQ01) never yields pass:
-- the label can only be confirmed against a case that exists (docs/decisions.md).
with

scope as (select period_start, period_end from audit.scope),

-- every media item with its unit and its dangling-reference flags (rules/shared/media_linked.sql)
media_src as (
    select media_id, case_id, step_id, officer_id, recorded_end,
           label_case_no, label_party, label_officer,
           unit_id, case_missing, step_missing, device_missing, officer_missing
    from audit.media_linked
),

media_in_scope as (
    -- the period as scalar subqueries on audit.scope: DuckDB pushes them into the media scan,
    -- below the view's joins, so only the period's media are linked (docs/engine.md)
    select m.*
    from media_src m
    where m.case_id is not null
      and m.recorded_end >= (select period_start from scope)
      and m.recorded_end < (select period_end from scope)
),

linked as (
    select
        m.*,
        -- every item has a case_id, so a case that cannot be found is dangling
        case_missing or step_missing or device_missing or officer_missing as dangling
    from media_in_scope m
),

checked as (
    select
        *,
        trim(coalesce(label_case_no, '')) is distinct from trim(case_id) as bad_case_no,
        nullif(trim(label_party), '') is null as no_party,
        nullif(trim(label_officer), '') is null as no_officer
    from linked
),

final as (
    select
        'ZF08' as rule_id,
        case
            when bad_case_no or no_party or no_officer then 'violation'
            when dangling then 'not_checked'
            else 'pass'
        end as outcome,
        case_id,
        step_id,
        media_id,
        null::varchar as access_id,
        officer_id,
        unit_id,
        null::timestamp as due_at,
        null::timestamp as observed_at,
        case
            when bad_case_no or no_party or no_officer then concat_ws('；',
                case when bad_case_no then
                    '标注案号 ' || coalesce(nullif(trim(label_case_no), ''), '（空）')
                    || ' 与案件编号 ' || case_id || ' 不符' end,
                case when no_party then '未标注当事人' end,
                case when no_officer then '未标注承办人' end)
            when dangling then '关联的案件、环节、设备或人员不存在，无法核对标注'
        end as detail
    from checked
)

select * from final
