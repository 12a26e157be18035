-- ZF15 recording unrelated to enforcement — RULES.md ZF15; 000 §15(四); 001 §55(四)
-- Item: a media item with no case_id and patrol not true, recorded_end in the period.
-- Always advisory: footage tied to neither a case nor daily patrol is listed for review
-- (it may be recording of activities unrelated to enforcement); it is never a violation.
-- 评议考核: no case, so the device's unit.
with

scope as (select period_start, period_end from audit.scope),

media_src as (
    select media_id, case_id, step_id, device_id, officer_id, patrol, kind, recorded_start,
           recorded_end
    from media
),

devices_src as (select device_id, unit_id from devices),

media_in_scope as (
    -- scalar subqueries, not a join with scope: keeps DuckDB's row estimates for the hash join
    select m.*
    from media_src m
    where m.case_id is null and m.patrol is not true
      and m.recorded_end >= (select period_start from scope)
      and m.recorded_end < (select period_end from scope)
),

final as (
    select
        'ZF15' as rule_id,
        'advisory' as outcome,
        m.case_id,
        m.step_id,
        m.media_id,
        null::varchar as access_id,
        m.officer_id,
        d.unit_id,
        null::timestamp as due_at,
        m.recorded_end as observed_at,
        '未关联案件且未标注日常巡查的音像记录（' || coalesce(strftime(m.recorded_start,
            '%Y-%m-%d %H:%M:%S'), '?') || ' 至 ' || strftime(m.recorded_end, '%Y-%m-%d %H:%M:%S')
        || '），请复核是否与执法无关' as detail
    from media_in_scope m
    left join devices_src d on d.device_id = m.device_id
)

select * from final
