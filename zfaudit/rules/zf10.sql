-- ZF10 kept long enough — RULES.md ZF10; 001 §42, §43; 002 §26; 000 §11 and 003 §14 (long-term media only)
-- Item: a media item deleted (deleted_at on or before as_of) whose recorded_end is in the period.
--   Profiles with the 6-month floor (audit.settings.six_month_floor): every deleted media item.
--   Others: only deleted media that must be kept long-term (the ZF11 triggers of the profile).
-- Never deletable: long-term media (ZF11 triggers), and with the floor also evidence media and
-- media of a general-procedure or coercion case (RULES.md ZF10). Other media: deletion before
-- recorded_end + floor_months calendar months is a violation; at or after it is a pass.
-- A case that cannot be found (DQ01) leaves the minimum keeping unknown: not_checked unless the
-- media's own facts already make the deletion a violation.
with

scope as (select period_start, period_end, as_of from audit.scope),

settings as (
    select six_month_floor, floor_months, lt_risk_high, lt_disputed, lt_obstructed,
           lt_mass_incident, lt_evidence, lt_major
    from audit.settings
),

-- every media item with its unit and its dangling-reference flags (rules/shared/media_linked.sql)
media_src as (
    select media_id, case_id, step_id, officer_id, recorded_end, evidence, deleted_at,
           unit_id, case_missing, step_missing, device_missing, officer_missing,
           case_procedure as procedure, case_category as category,
           case_risk_level as risk_level, case_disputed as disputed,
           case_obstructed as obstructed, case_mass_incident as mass_incident,
           case_major as major
    from audit.media_linked
),

deleted_in_scope as (
    -- the period as scalar subqueries on audit.scope: DuckDB pushes them into the media scan,
    -- below the view's joins, so only the period's media are linked (docs/engine.md)
    select m.*
    from media_src m
    where m.deleted_at <= (select as_of from scope)
      and m.recorded_end >= (select period_start from scope)
      and m.recorded_end < (select period_end from scope)
),

linked as (
    select
        m.*,
        -- case_missing stays apart: a case that cannot be found leaves the minimum keeping unknown
        step_missing or device_missing or officer_missing as other_dangling
    from deleted_in_scope m
),

classified as (
    select
        l.*,
        s.six_month_floor,
        l.recorded_end + to_months(s.floor_months) as keep_until,
        -- ZF11 triggers: one on the media itself (002 evidence), the rest on its case
        (s.lt_evidence and coalesce(l.evidence, false)) as lt_media,
        (s.lt_risk_high and coalesce(l.risk_level = 'high', false))
            or (s.lt_disputed and coalesce(l.disputed, false))
            or (s.lt_obstructed and coalesce(l.obstructed, false))
            or (s.lt_mass_incident and coalesce(l.mass_incident, false))
            or (s.lt_major and coalesce(l.major, false)) as lt_case,
        s.six_month_floor and coalesce(l.evidence, false) as floor_evidence,
        s.six_month_floor and coalesce(l.procedure = 'general', false) as floor_general,
        s.six_month_floor and coalesce(l.category = 'coercion', false) as floor_coercion
    from linked l, settings s
),

items as (
    select
        *,
        lt_media or lt_case or floor_evidence or floor_general or floor_coercion as never_delete,
        six_month_floor and deleted_at < keep_until as before_floor
    from classified
    -- without the floor only long-term media are items; a missing case might make it one
    where six_month_floor or lt_media or lt_case or case_missing
),

final as (
    select
        'ZF10' as rule_id,
        case
            when never_delete or before_floor then 'violation'
            when case_missing or other_dangling then 'not_checked'
            else 'pass'
        end as outcome,
        case_id,
        step_id,
        media_id,
        null::varchar as access_id,
        officer_id,
        unit_id,
        case when six_month_floor and not never_delete then keep_until end as due_at,
        deleted_at as observed_at,
        case
            when never_delete then
                '应长期保存的音像记录（' || concat_ws('、',
                    case when lt_media or lt_case then '长期保存情形' end,
                    case when floor_evidence then '作为证据使用' end,
                    case when floor_general then '一般程序案件' end,
                    case when floor_coercion then '行政强制案件' end)
                || '）于 ' || strftime(deleted_at, '%Y-%m-%d %H:%M:%S') || ' 被删除'
            when before_floor then
                '删除时间 ' || strftime(deleted_at, '%Y-%m-%d %H:%M:%S') || ' 早于最短保存期限 '
                || strftime(keep_until, '%Y-%m-%d %H:%M:%S')
            when case_missing then '关联案件不存在，无法确定最短保存期限'
            when other_dangling then '关联的环节、设备或人员不存在，无法确认'
        end as detail
    from items
)

select * from final
