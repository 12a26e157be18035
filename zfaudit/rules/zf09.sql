-- ZF09 evidence media documented — RULES.md ZF09; 001 §38; 002 §27; 003 §8, §11
-- Item: a media item with evidence true whose recorded_end is in the period.
-- Violation: made_by, method or proves empty; or an audio item without transcript true.
-- A dangling reference (case, step, device or officer not found, DQ01) never yields pass.
with

scope as (select period_start, period_end from audit.scope),

-- every media item with its unit and its dangling-reference flags (rules/shared/media_linked.sql)
media_src as (
    select media_id, case_id, step_id, officer_id, kind, recorded_end,
           evidence, made_by, method, proves, transcript,
           unit_id, case_missing, step_missing, device_missing, officer_missing
    from audit.media_linked
),

media_in_scope as (
    -- the period as scalar subqueries on audit.scope: DuckDB pushes them into the media scan,
    -- below the view's joins, so only the period's media are linked (docs/engine.md)
    select m.*
    from media_src m
    where m.evidence
      and m.recorded_end >= (select period_start from scope)
      and m.recorded_end < (select period_end from scope)
),

linked as (
    select
        m.*,
        case_missing or step_missing or device_missing or officer_missing as dangling
    from media_in_scope m
),

checked as (
    select
        *,
        nullif(trim(made_by), '') is null as no_made_by,
        nullif(trim(method), '') is null as no_method,
        nullif(trim(proves), '') is null as no_proves,
        -- 001 §38: sound recordings need a written transcript of their content
        kind = 'audio' and transcript is not true as no_transcript
    from linked
),

final as (
    select
        'ZF09' as rule_id,
        case
            when no_made_by or no_method or no_proves or no_transcript then 'violation'
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
            when no_made_by or no_method or no_proves or no_transcript then
                '作为证据的音像记录' || concat_ws('、',
                    case when no_made_by then '未注明制作人' end,
                    case when no_method then '未注明制作方法' end,
                    case when no_proves then '未注明证明对象' end,
                    case when no_transcript then '音频未附文字记录' end)
            when dangling then '关联的案件、环节、设备或人员不存在，无法确认'
        end as detail
    from checked
)

select * from final
