-- ZF06 party told of recording — RULES.md ZF06 and "Stage tables per profile"; 000 §7;
-- 001 §50; 003 §6, §9.
-- Item: a step with started_at in the period at a stage the profile marks notice — or, where
-- the profile says so, a decision step of a simple-procedure case — that has at least one
-- video or audio linked by media.step_id (without a recording there is nothing to tell the
-- party about; ZF03 deals with the missing recording). Violation when recording_notice is
-- not true (NULL: the record does not show the party was told). A step whose case is
-- missing (DQ01) is never a pass (not_checked); a missing notice is a violation regardless.
with

scope as (
    select * from audit.scope
),

settings as (
    select * from audit.settings
),

notice_stages as (
    select stage from audit.stages where notice
),

steps_src as (
    select step_id, case_id, stage, started_at, recording_notice, unit_id, case_found,
        case_procedure
    from audit.steps_linked
),

media_src as (
    select step_id from media where step_id is not null and kind in ('video', 'audio')
),


steps_in_scope as (
    select
        s.step_id,
        s.case_id,
        s.started_at,
        s.recording_notice,
        s.unit_id,
        s.case_found
    from steps_src as s
    cross join settings
    left join notice_stages as n on n.stage = s.stage
    where s.started_at >= (select period_start from scope)
        and s.started_at < (select period_end from scope)
        and (
            n.stage is not null
            or (settings.simple_decision_notice and s.stage = 'decision'
                and s.case_procedure = 'simple')
        )
),

-- only steps with a video or audio linked are items; a decision step whose case is missing cannot be placed (simple procedure or not), so it is
-- not an item; a notice-stage step whose case is missing is not_checked
checked as (
    select s.*
    from steps_in_scope as s
    semi join media_src as m on m.step_id = s.step_id
),

final as (
    select
        'ZF06' as rule_id,
        case
            when recording_notice is not true then 'violation'
            when not case_found then 'not_checked'
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
            when recording_notice is null then '环节记录未载明已告知当事人正在录音录像'
            when not recording_notice then '未告知当事人正在录音录像'
            when not case_found then
                '环节所属案件 ' || coalesce(case_id, '(空)') || ' 不存在（见 DQ01），未检查'
        end as detail
    from checked
)

select * from final
