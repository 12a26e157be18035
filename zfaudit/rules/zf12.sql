-- ZF12 access approved and logged — RULES.md ZF12; copy/external: 001 §44, 002 §29, 003 §13,
-- 004 §34; view: 001 §47, 002 §29; full register: 002 §29
-- Item: a media_access row with accessed_at in the period, when the profile checks its action:
-- copy and external always; view only where viewing needs approval or a full register is kept
-- (elsewhere a view is outside the rule: no item — docs/decisions.md).
-- Violation: approval needed and approved_by / approved_at empty or approved after accessed_at;
-- with a full register also empty requested_by or reason, or external without recipient.
-- An access whose media item cannot be found (DQ01) is never a pass.
with

scope as (select period_start, period_end from audit.scope),

settings as (select view_needs_approval, full_register from audit.settings),

access_src as (
    select access_id, media_id, action, requested_by, approved_by, approved_at, accessed_at,
           reason, recipient
    from media_access
),

media_src as (select media_id, case_id, step_id, device_id, officer_id from media),
cases_src as (select case_id, unit_id from cases),
devices_src as (select device_id, unit_id from devices),

access_in_scope as (
    -- scalar subqueries, not a join with scope: keeps DuckDB's row estimates for the hash joins
    select
        a.*,
        (select view_needs_approval from settings) as view_needs_approval,
        (select full_register from settings) as full_register
    from access_src a
    where a.accessed_at >= (select period_start from scope)
      and a.accessed_at < (select period_end from scope)
      and (a.action in ('copy', 'external')
           or (a.action = 'view' and (select view_needs_approval or full_register from settings)))
),

linked as (
    select
        a.*,
        m.case_id,
        m.step_id,
        m.media_id is null as media_missing,
        -- 评议考核: the unit of the media item accessed (its case's, else its device's)
        case when c.case_id is not null then c.unit_id else d.unit_id end as unit_id
    from access_in_scope a
    left join media_src m on m.media_id = a.media_id
    left join cases_src c on c.case_id = m.case_id
    left join devices_src d on d.device_id = m.device_id
),

checked as (
    select
        *,
        action in ('copy', 'external') or (action = 'view' and view_needs_approval)
            as needs_approval,
        nullif(trim(approved_by), '') is null as no_approver,
        approved_at is null as no_approved_at,
        approved_at > accessed_at as approved_late,
        full_register and nullif(trim(requested_by), '') is null as no_requester,
        full_register and nullif(trim(reason), '') is null as no_reason,
        full_register and action = 'external' and nullif(trim(recipient), '') is null
            as no_recipient
    from linked
),

flagged as (
    select
        *,
        needs_approval and (no_approver or no_approved_at or coalesce(approved_late, false))
            as approval_bad,
        no_requester or no_reason or no_recipient as register_bad
    from checked
),

final as (
    select
        'ZF12' as rule_id,
        case
            when approval_bad or register_bad then 'violation'
            when media_missing then 'not_checked'
            else 'pass'
        end as outcome,
        case_id,
        step_id,
        media_id,
        access_id,
        null::varchar as officer_id,
        unit_id,
        case when needs_approval then accessed_at end as due_at,
        approved_at as observed_at,
        case
            when approval_bad or register_bad then concat_ws('；',
                case when needs_approval and no_approver and no_approved_at then
                    case action when 'view' then '查阅' when 'copy' then '复制'
                                else '对外提供' end || '未经审批' end,
                case when needs_approval and no_approver and not no_approved_at then
                    '未登记审批人' end,
                case when needs_approval and no_approved_at and not no_approver then
                    '未登记审批时间' end,
                case when needs_approval and not (no_approver or no_approved_at)
                          and approved_late then
                    '审批时间 ' || strftime(approved_at, '%Y-%m-%d %H:%M:%S') || ' 晚于调阅时间 '
                    || strftime(accessed_at, '%Y-%m-%d %H:%M:%S') end,
                case when no_requester then '未登记调阅人' end,
                case when no_reason then '未登记事由' end,
                case when no_recipient then '未登记接收单位' end)
            when media_missing then '调阅的音像记录不存在，无法确认'
        end as detail
    from flagged
)

select * from final
