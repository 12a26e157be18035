-- Staging model audit.media_linked — grain: one row per media item (every row of `media`,
-- unfiltered). Shared by the media rules ZF08, ZF09, ZF10, ZF11 and ZF13, which filter it to
-- their items; each composes its own "dangling" from the flags (RULES.md: a rule never counts
-- an item as pass on the strength of a dangling reference, DQ01).
-- Columns: the media row, then
--   unit_id          评议考核 (RULES.md): the case's unit; the device's unit when the case
--                    cannot be found (or the item has none)
--   case_missing     case_id given, no such case      (a NULL case_id is not "missing")
--   step_missing     step_id given, no such step
--   device_missing   device_id given, no such device
--   officer_missing  officer_id given, no such officer
--   case_*           facts of the case (NULL when it cannot be found): procedure, category,
--                    risk_level, disputed, obstructed, mass_incident, major (ZF10, ZF11)
-- The flags are never NULL. Rules filter this view with scalar subqueries on audit.scope;
-- DuckDB pushes those filters into the media scan, below the joins here (docs/engine.md).
create or replace view audit.media_linked as

with

media_src as (select * from media),

cases_src as (
    select case_id, unit_id, procedure, category, risk_level, disputed, obstructed,
           mass_incident, major
    from cases
),
steps_src as (select step_id from steps where step_id is not null),
devices_src as (select device_id, unit_id from devices),
officers_src as (select officer_id from officers where officer_id is not null),

final as (
    select
        m.*,
        case when c.case_id is not null then c.unit_id else d.unit_id end as unit_id,
        -- existence tests as IN (mark joins): the hash table is built on the looked-up table
        m.case_id is not null and c.case_id is null as case_missing,
        m.step_id is not null and m.step_id not in (select step_id from steps_src)
            as step_missing,
        m.device_id is not null and d.device_id is null as device_missing,
        m.officer_id is not null and m.officer_id not in (select officer_id from officers_src)
            as officer_missing,
        c.procedure as case_procedure,
        c.category as case_category,
        c.risk_level as case_risk_level,
        c.disputed as case_disputed,
        c.obstructed as case_obstructed,
        c.mass_incident as case_mass_incident,
        c.major as case_major
    from media_src m
    left join cases_src c on c.case_id = m.case_id
    left join devices_src d on d.device_id = m.device_id
)

select * from final
