-- Table macro audit.with_due_at(events) — grain: one row per row of `events`, unchanged, plus
-- due_at. The deadline of RULES.md "Deadlines" (docs/decisions.md "ZF04, ZF05 deadlines"),
-- defined once for ZF04 (upload) and ZF05 (archive).
-- `events` names a CTE or table of the calling query, as a string: select * from
-- audit.with_due_at('deadline_terms'). Its columns due_from (TIMESTAMP, the event) and n_hours,
-- n_days, n_working_days (the profile's deadline: one of them not NULL) give
--   N hours          due_from + N clock hours, to the second
--   N days           23:59:59 of the N-th calendar day after due_from's date
--   N working days   23:59:59 of the workday whose workday_seq is seq(due_from's date) + N
--                    (audit.calendar_seq: the event day is not counted; an event on a holiday
--                    counts from the next workday; 调休 days count)
-- due_at is NULL when no N is given or the calendar does not cover the dates.
-- A table macro, not a scalar one: the working-day lookup stays two equality joins on the
-- calendar; a scalar macro needs a correlated subquery, which DuckDB plans as a grouping over
-- every distinct due_from (2–3× slower on a million media items). No CTEs in here: a CTE of
-- the macro would hide a caller's CTE of the same name from query_table.
create or replace macro audit.with_due_at(events) as table

select
    t.*,
    case
        when t.n_hours is not null then t.due_from + to_hours(t.n_hours)
        when t.n_days is not null then
            (t.due_from::date + t.n_days)::timestamp + interval '23:59:59'
        when t.n_working_days is not null then w.date::timestamp + interval '23:59:59'
    end as due_at
from query_table(events) as t
left join audit.calendar_seq as e on e.date = t.due_from::date
left join audit.calendar_seq as w
    on w.workday_seq = e.workday_seq + t.n_working_days and w.is_workday
