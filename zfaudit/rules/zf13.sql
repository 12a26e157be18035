-- ZF13 originals intact — RULES.md ZF13; 000 §15; 001 §55; 002 §30; 003 §15; 004 §37
-- Item: a media item with a path whose recorded_end is in the period.
-- Without a media store (audit.scope.media_store_checked false) the file cannot be verified:
-- not_checked, never pass — except that a NULL sha256 is a violation in any case.
-- With a store (audit.media_files): file missing or SHA-256 differing from sha256 is a violation;
-- a media item the engine did not list in audit.media_files is not_checked.
-- A dangling reference (case, step, device or officer not found, DQ01) never yields pass.
with

scope as (select period_start, period_end, media_store_checked from audit.scope),

-- every media item with its unit and its dangling-reference flags (rules/shared/media_linked.sql)
media_src as (
    select media_id, case_id, step_id, officer_id, recorded_end, path, sha256,
           unit_id, case_missing, step_missing, device_missing, officer_missing
    from audit.media_linked
),

files_src as (select media_id, present, sha256_actual from audit.media_files),

media_in_scope as (
    -- the period as scalar subqueries on audit.scope: DuckDB pushes them into the media scan,
    -- below the view's joins, so only the period's media are linked (docs/engine.md)
    select m.*, (select media_store_checked from scope) as media_store_checked
    from media_src m
    where nullif(trim(m.path), '') is not null
      and m.recorded_end >= (select period_start from scope)
      and m.recorded_end < (select period_end from scope)
),

linked as (
    select
        m.*,
        case_missing or step_missing or device_missing or officer_missing as dangling,
        f.media_id is not null as listed,
        f.present,
        f.sha256_actual
    from media_in_scope m
    left join files_src f on f.media_id = m.media_id
),

checked as (
    select
        *,
        nullif(trim(sha256), '') is null as no_hash,
        media_store_checked and listed and present is not true as missing,
        -- a NULL sha256 is its own violation, not evidence of alteration
        -- CASE, so that the string work runs only for files actually hashed
        case when media_store_checked and listed and present and nullif(trim(sha256), '') is not null
            then lower(trim(sha256)) is distinct from lower(trim(sha256_actual))
            else false end as altered
    from linked
),

final as (
    select
        'ZF13' as rule_id,
        case
            when no_hash or missing or altered then 'violation'
            when not media_store_checked or not listed or dangling then 'not_checked'
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
            when no_hash or missing or altered then concat_ws('；',
                case when missing then '存储路径 ' || path || ' 下原始文件缺失' end,
                case when no_hash then '上传时未记录文件哈希值（sha256 为空）' end,
                case when altered then '原始文件哈希值与上传时记录不一致，文件可能被修改' end)
            when not media_store_checked then '未挂载音像存储，未核验原始文件'
            when not listed then '音像存储中未核验该文件'
            when dangling then '关联的案件、环节、设备或人员不存在，无法确认'
        end as detail
    from checked
)

select * from final
