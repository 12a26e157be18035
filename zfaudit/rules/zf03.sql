-- ZF03 required stage recorded — RULES.md ZF03 and "Stage tables per profile"; 000 附件清单;
-- 001 §14, §15, §27, §31, §35; 002 §12, §19, §22, §24; 003 §8; 004 §13, §15, §25, §27, §28, §30.
-- Item: a step with started_at in the period at a stage the profile marks req or photo
-- (required). Only media linked by media.step_id count (a file linked only to the case
-- cannot show which step it records). req: video or audio needed, a photo alone is a
-- violation; photo: photo, video or audio suffice. A step at a stage marked only rec
-- (recommended) is an item only when it is NOT recorded, with outcome advisory: a
-- recommendation that was followed is no opportunity of the required-recording rate.
-- A step whose case is missing (DQ01) is never a pass: not_checked when recorded; an
-- unrecorded one is still a violation (or advisory).
with

scope as (
    select * from audit.scope
),

stage_marks as (
    select stage, req, photo, rec from audit.stages where req or photo or rec
),

steps_src as (
    select step_id, case_id, stage, started_at, unit_id, case_found from audit.steps_linked
),

media_src as (
    select step_id, kind from media where step_id is not null
),

steps_in_scope as (
    select
        s.step_id,
        s.case_id,
        s.stage,
        s.started_at,
        s.unit_id,
        s.case_found,
        -- should a bureau's profile mark a stage several ways, req wins over photo and rec
        m.req or m.photo as required,
        m.photo and not m.req as photo_ok
    from steps_src as s
    inner join stage_marks as m on m.stage = s.stage
    where s.started_at >= (select period_start from scope)
        and s.started_at < (select period_end from scope)
),

linked as (
    select
        step_id,
        count(*) filter (where kind in ('video', 'audio')) as n_av,
        count(*) filter (where kind = 'photo') as n_photo
    from media_src
    semi join steps_in_scope using (step_id)
    group by step_id
),

checked as (
    select
        s.*,
        coalesce(l.n_av, 0) as n_av,
        coalesce(l.n_photo, 0) as n_photo,
        coalesce(l.n_av, 0) > 0 or (s.photo_ok and coalesce(l.n_photo, 0) > 0) as recorded
    from steps_in_scope as s
    left join linked as l on l.step_id = s.step_id
),

final as (
    select
        'ZF03' as rule_id,
        case
            when recorded and not case_found then 'not_checked'
            when recorded then 'pass'
            when required then 'violation'
            else 'advisory'
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
            when recorded and not case_found then
                '环节所属案件 ' || coalesce(case_id, '(空)') || ' 不存在（见 DQ01），未检查'
            when recorded then null
            when not required then '建议音像记录的环节未关联音像记录'
            when n_photo > 0 then '仅关联照片，本环节应当录音或录像'
            when photo_ok then '应当音像记录的环节未关联任何照片、录音或录像'
            else '应当录音录像的环节未关联任何录音或录像'
        end as detail
    from checked
    -- a recommended stage that was recorded is not an item (see header)
    where required or not recorded
)

select * from final
