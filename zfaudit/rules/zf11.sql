-- ZF11 long-term keeping — RULES.md ZF11; 000 §11; 001 §43; 002 §26; 003 §14
-- Item: a media item not deleted as of as_of, recorded_end in the period, that must be kept
-- long-term under the profile's triggers (audit.settings.lt_*): risk_level high, disputed,
-- obstructed, mass_incident or major on its case, or (002) evidence on the media itself.
-- Violation: long_term is not true. Deleted long-term media are ZF10's violations, not ZF11's.
-- A case that cannot be found (DQ01) may need long-term keeping: not_checked, never pass.
with

scope as (select period_start, period_end, as_of from audit.scope),

settings as (
    select lt_risk_high, lt_disputed, lt_obstructed, lt_mass_incident, lt_evidence, lt_major
    from audit.settings
),

-- every media item with its unit and its dangling-reference flags (rules/shared/media_linked.sql)
media_src as (
    select media_id, case_id, step_id, officer_id, recorded_end, evidence, long_term,
           deleted_at,
           unit_id, case_missing, step_missing, device_missing, officer_missing,
           case_risk_level as risk_level, case_disputed as disputed,
           case_obstructed as obstructed, case_mass_incident as mass_incident,
           case_major as major
    from audit.media_linked
),

kept_in_scope as (
    -- the period as scalar subqueries on audit.scope: DuckDB pushes them into the media scan,
    -- below the view's joins, so only the period's media are linked (docs/engine.md)
    select m.*
    from media_src m
    where (m.deleted_at is null or m.deleted_at > (select as_of from scope))
      and m.recorded_end >= (select period_start from scope)
      and m.recorded_end < (select period_end from scope)
),

linked as (
    select
        m.*,
        -- case_missing stays apart: a case that cannot be found may need long-term keeping
        step_missing or device_missing or officer_missing as other_dangling
    from kept_in_scope m
),

triggered as (
    select
        l.*,
        s.lt_risk_high and coalesce(l.risk_level = 'high', false) as t_risk_high,
        s.lt_disputed and coalesce(l.disputed, false) as t_disputed,
        s.lt_obstructed and coalesce(l.obstructed, false) as t_obstructed,
        s.lt_mass_incident and coalesce(l.mass_incident, false) as t_mass_incident,
        s.lt_major and coalesce(l.major, false) as t_major,
        s.lt_evidence and coalesce(l.evidence, false) as t_evidence
    from linked l, settings s
),

items as (
    select
        *,
        concat_ws('、',
            case when t_risk_high then '高风险' end,
            case when t_disputed then '当事人异议或投诉' end,
            case when t_obstructed then '阻碍执法' end,
            case when t_mass_incident then '群体性或突发事件' end,
            case when t_major then '重大执法活动' end,
            case when t_evidence then '作为证据使用' end) as reasons
    from triggered
    where t_risk_high or t_disputed or t_obstructed or t_mass_incident or t_major or t_evidence
       or case_missing
),

final as (
    select
        'ZF11' as rule_id,
        case
            when reasons <> '' and long_term is not true then 'violation'
            when case_missing or other_dangling then 'not_checked'
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
            when reasons <> '' and long_term is not true then
                '属应长期保存情形（' || reasons || '），未长期保存（刻录光盘或移动介质）'
            when case_missing then '关联案件不存在，无法确定是否须长期保存'
            when other_dangling then '关联的环节、设备或人员不存在，无法确认'
        end as detail
    from items
)

select * from final
