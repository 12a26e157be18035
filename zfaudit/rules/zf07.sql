-- ZF07 continuous recording — RULES.md ZF07 and "Stage tables per profile"; 000 附件清单
-- "全过程记录"; 001 §15, §27; 002 §9; 003 §8, §9.
-- Item: a step with started_at in the period at a stage the profile marks full — or, where
-- the profile says so (002 §9), any FIELD step of an obstructed case — with at least one
-- video or audio linked by media.step_id. The linked recordings, clipped to the step's
-- [started_at, ended_at], are merged into their union; a gap longer than the tolerance is a
-- violation at the start (started_at to the first recording), at the end (last recording to
-- ended_at), or between two recordings unless a recording that resumes after the gap carries
-- an interruption_note. A gap of exactly the tolerance passes.
-- not_checked: a linked recording lacks its start or end, or ends before it starts, or the
-- step ends before it starts (DQ02); or no gap was found but the step's case is missing
-- (DQ01: never a pass) or ended_at is unknown (the end cannot be checked).
with

scope as (
    select * from audit.scope
),

settings as (
    select * from audit.settings
),

full_stages as (
    select stage from audit.stages where full_rec
),

field_stages as (
    select stage from audit.field_stages
),

steps_src as (
    select step_id, case_id, stage, started_at, ended_at, unit_id, case_found,
        case_obstructed
    from audit.steps_linked
),

media_src as (
    select media_id, step_id, recorded_start, recorded_end,
        nullif(trim(interruption_note), '') as note
    from media
    where step_id is not null and kind in ('video', 'audio')
),

full_steps as (
    select
        s.step_id,
        s.case_id,
        s.started_at,
        s.ended_at,
        s.unit_id,
        s.case_found
    from steps_src as s
    cross join settings
    left join full_stages as fs on fs.stage = s.stage
    left join field_stages as ff on ff.stage = s.stage
    where s.started_at >= (select period_start from scope)
        and s.started_at < (select period_end from scope)
        and (
            fs.stage is not null
            or (settings.obstructed_field_full and s.case_obstructed is true
                and ff.stage is not null)
        )
),

segments as (
    select m.*
    from media_src as m
    inner join full_steps as s on s.step_id = m.step_id
),

segment_stats as (
    select
        step_id,
        count(*) as n_segments,
        count(*) filter (
            where recorded_start is null or recorded_end is null
                or recorded_end < recorded_start
        ) as n_bad
    from segments
    group by step_id
),

items as (
    select s.*, st.n_segments, st.n_bad
    from full_steps as s
    inner join segment_stats as st on st.step_id = s.step_id
),

checkable as (
    select * from items
    where n_bad = 0 and (ended_at is null or ended_at >= started_at)
),

-- The step's start and end become zero-length marks on the same timeline as the recordings
-- (ord 0 = start mark, 1 = recording, 2 = end mark; ties sort in that order), so start, between
-- and end gaps all fall out of one sweep: a gap opens wherever an instant lies beyond the
-- furthest end reached by everything before it.
timeline as (
    select step_id, started_at as t0, started_at as t1, 0 as ord, false as noted
    from checkable
    union all
    select step_id, ended_at, ended_at, 2, false
    from checkable
    where ended_at is not null
    union all
    select
        g.step_id,
        greatest(g.recorded_start, c.started_at),
        case when c.ended_at is null then g.recorded_end
            else least(g.recorded_end, c.ended_at) end,
        1,
        g.note is not null
    from segments as g
    inner join checkable as c on c.step_id = g.step_id
    where g.recorded_end >= c.started_at
        and (c.ended_at is null or g.recorded_start <= c.ended_at)
),

-- Among recordings resuming at the same instant a noted one sorts first, so the row that
-- opens a gap carries a note whenever any recording resuming there has one.
swept as (
    select
        *,
        max(t1) over w as reach,
        sum(case when ord = 1 then 1 else 0 end) over w as recordings_before
    from timeline
    window w as (
        partition by step_id order by t0, ord, noted desc
        rows between unbounded preceding and 1 preceding
    )
),

classified as (
    select
        step_id,
        reach as gap_from,
        t0 as gap_to,
        date_diff('second', reach, t0) as gap_seconds,
        case
            when coalesce(recordings_before, 0) = 0 then 'start'
            when ord = 2 then 'end'
            else 'between'
        end as gap_kind,
        noted as resume_noted
    from swept
    where t0 > reach
),

offending as (
    select
        c.*,
        row_number() over (partition by c.step_id order by c.gap_from) as nth,
        count(*) over (partition by c.step_id) as n_offending
    from classified as c
    cross join settings
    where c.gap_seconds > settings.gap_tolerance_seconds
        and not (c.gap_kind = 'between' and c.resume_noted)
),

first_offence as (
    select * from offending where nth = 1
),

final as (
    select
        'ZF07' as rule_id,
        case
            when i.n_bad > 0 then 'not_checked'
            when i.ended_at < i.started_at then 'not_checked'
            when o.step_id is not null then 'violation'
            when not i.case_found then 'not_checked'
            when i.ended_at is null then 'not_checked'
            else 'pass'
        end as outcome,
        i.case_id,
        i.step_id,
        null::varchar as media_id,
        null::varchar as access_id,
        null::varchar as officer_id,
        i.unit_id,
        null::timestamp as due_at,
        o.gap_from as observed_at,
        case
            when i.n_bad > 0 then '关联录音录像的起止时间缺失或颠倒（见 DQ02），未检查'
            when i.ended_at < i.started_at then '环节结束时间早于开始时间（见 DQ02），未检查'
            when o.step_id is not null then
                case o.gap_kind
                    when 'start' then '环节开始后 '
                    when 'end' then '环节结束前 '
                    else '录制中断 '
                end
                || strftime(o.gap_from, '%Y-%m-%d %H:%M:%S') || ' 至 '
                || strftime(o.gap_to, '%Y-%m-%d %H:%M:%S') || ' 未录制 '
                || o.gap_seconds || ' 秒，超过容许的 ' || s.gap_tolerance_seconds || ' 秒'
                || case when o.gap_kind = 'between' then '，且恢复录制时未说明中断原因'
                    else '' end
                || case when o.n_offending > 1 then '（共 ' || o.n_offending || ' 处）'
                    else '' end
            when not i.case_found then
                '环节所属案件 ' || coalesce(i.case_id, '(空)') || ' 不存在（见 DQ01），未检查'
            when i.ended_at is null then '环节结束时间缺失，无法检查结尾是否连续录制'
        end as detail
    from items as i
    cross join settings as s
    left join first_offence as o on o.step_id = i.step_id
)

select * from final
