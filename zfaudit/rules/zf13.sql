-- ZF13 originals intact — RULES.md ZF13; 000 §15; 001 §55; 002 §30; 003 §15; 004 §37
-- Item: every media item whose recorded_end is in the period.
-- Always a violation: sha256 NULL or not a recognised digest (hex of 32 = MD5, 40 = SHA-1,
-- 64 = SHA-256, 128 = SHA-512 characters): integrity can never be shown.
-- Without a media store (audit.scope.media_store_checked false) the file cannot be verified:
-- not_checked, never pass. With a store (audit.media_files): path NULL → not_checked; the file
-- missing, unreadable, not a regular file, reached through a link that leaves the store, or
-- its digest (by the recorded one's algorithm) differing → violation; a media item the engine
-- did not list in audit.media_files → not_checked.
-- A dangling reference (case, step, device or officer not found, DQ01) never yields pass.
with

scope as (select period_start, period_end, media_store_checked from audit.scope),

-- every media item with its unit and its dangling-reference flags (rules/shared/media_linked.sql)
media_src as (
    select media_id, case_id, step_id, officer_id, recorded_end, path, sha256,
           unit_id, case_missing, step_missing, device_missing, officer_missing
    from audit.media_linked
),

files_src as (select media_id, present, sha256_actual, problem from audit.media_files),

media_in_scope as (
    -- the period as scalar subqueries on audit.scope: DuckDB pushes them into the media scan,
    -- below the view's joins, so only the period's media are linked (docs/engine.md)
    select m.*, (select media_store_checked from scope) as media_store_checked,
           nullif(trim(m.path), '') is null as no_path,
           lower(trim(m.sha256)) as digest
    from media_src m
    where m.recorded_end >= (select period_start from scope)
      and m.recorded_end < (select period_end from scope)
),

linked as (
    select
        m.*,
        case_missing or step_missing or device_missing or officer_missing as dangling,
        f.media_id is not null as listed,
        f.present,
        f.sha256_actual,
        f.problem
    from media_in_scope m
    left join files_src f on f.media_id = m.media_id
),

checked as (
    select
        *,
        digest is null or digest = '' as no_hash,
        digest is not null and digest <> ''
            and (length(digest) not in (32, 40, 64, 128)
                 or not regexp_full_match(digest, '[0-9a-f]+')) as bad_digest,
        media_store_checked and not no_path and listed and present is not true as missing,
        -- CASE, so that the string work runs only for files actually hashed
        case when media_store_checked and listed and present and digest is not null and digest <> ''
            then digest is distinct from lower(sha256_actual)
            else false end as altered
    from linked
),

final as (
    select
        'ZF13' as rule_id,
        case
            when no_hash or bad_digest or missing or altered then 'violation'
            when not media_store_checked or no_path or not listed or dangling then 'not_checked'
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
            when no_hash or bad_digest or missing or altered then concat_ws('；',
                case when missing then case problem
                    when 'outside_store' then '存储路径 ' || path || ' 指向音像存储之外（链接或 ..），未打开'
                    when 'not_regular' then '存储路径 ' || path || ' 不是普通文件'
                    when 'unreadable' then '存储路径 ' || path || ' 下原始文件无法读取'
                    else '存储路径 ' || path || ' 下原始文件缺失' end end,
                case when no_hash then '上传时未记录文件哈希值（sha256 为空）' end,
                case when bad_digest then '记录的哈希值 ' || left(trim(sha256), 20)
                    || ' 不是可识别的摘要（应为 32/40/64/128 位十六进制）' end,
                case when altered then '原始文件哈希值与上传时记录不一致，文件可能被修改' end)
            when not media_store_checked then '未挂载音像存储，未核验原始文件'
            when no_path then '未记录存储路径，无法核验原始文件'
            when not listed then '音像存储中未核验该文件'
            when dangling then '关联的案件、环节、设备或人员不存在，无法确认'
        end as detail
    from checked
)

select * from final
