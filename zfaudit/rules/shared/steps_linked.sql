-- Staging model audit.steps_linked — grain: one row per step (every row of `steps`,
-- unfiltered). Shared by the step rules ZF01, ZF02, ZF03, ZF06 and ZF07, which filter it to
-- their stages and to the period.
-- Columns: the step's own columns the rules read, then
--   unit_id          评议考核 (RULES.md): the case's unit (NULL when the case cannot be found)
--   case_found       the step's case is in `cases` (never NULL); a step whose case is missing
--                    is never a pass (DQ01)
--   case_procedure, case_obstructed   facts of the case (ZF06 simple decisions, ZF07
--                    obstructed field steps); NULL when the case cannot be found
-- Rules filter this view on started_at with scalar subqueries on audit.scope, which DuckDB
-- pushes into the steps scan, below the join here (docs/engine.md).
create or replace view audit.steps_linked as

with

steps_src as (
    select step_id, case_id, stage, started_at, ended_at, recording_notice from steps
),

cases_src as (
    select case_id, unit_id, procedure, obstructed from cases
),

final as (
    select
        s.*,
        c.unit_id,
        c.case_id is not null as case_found,
        c.procedure as case_procedure,
        c.obstructed as case_obstructed
    from steps_src as s
    left join cases_src as c on c.case_id = s.case_id
)

select * from final
