"""Steps and step officers of one chunk, with the step-level defects (ZF01–03, 06, 07, 16, DQ).

Also decides each step's recording plan (how many video segments, photos, …), which
sample_media turns into media rows; step-level defects that concern recordings (no media,
photo only, gaps) are expressed in that plan.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .cases import AS_OF, DOC_PREFIX, FIELD, FULL_001, OFFICE, SIGN_STAGES, SL, _u, pick
from .format import ts


def _ids(prefix: str, first: int, n: int, width: int) -> pa.Array:
    nums = pc.utf8_lpad(pc.cast(pa.array(np.arange(first, first + n)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, nums, "")


def gen_steps(rng, org, c: dict, stage_names: list[str], first_step: int, man) -> tuple[dict, dict, dict]:
    """Flatten the case × slot matrix into steps; returns (steps, step_officers, context)."""
    ci, slot = np.nonzero(c["M"])
    st = c["stage"][ci, slot]
    names = np.array(stage_names, dtype=object)[st]
    start, end = c["start"][ci, slot], c["end"][ci, slot]
    n = len(ci)
    is_ = {s: names == s for s in set(stage_names)}
    field = np.isin(names, list(FIELD))
    full = np.isin(names, list(FULL_001))
    office = np.isin(names, list(OFFICE))
    simple_dec = is_["decision"] & c["simple"][ci]
    photo_stage = is_["service_left"] | is_["service_notice"]

    # recording plan (baseline: compliant for zhuzhou_cgzf)
    plan = dict(
        full=full.copy(),
        audio=is_["inquiry"] & (rng.random(n) < 0.25),
        one_vid=((np.isin(names, ["release", "rectification_check", "destruction"]) & (rng.random(n) < 0.7))
                 | (is_["hearing"] & (rng.random(n) < 0.8)) | (is_["service_direct"] & (rng.random(n) < 0.6))
                 | simple_dec | (is_["service_left"] & (rng.random(n) < 0.3))),
        one_audio=is_["statement"] & (rng.random(n) < 0.3),
        photos=np.where(field, _u(rng, 1, 3, n), np.where(photo_stage, _u(rng, 1, 3, n), 0)),
        interrupt=full & (end - start >= 1200) & (rng.random(n) < 0.15),
        s0=_u(rng, -30, 60, n), e0=-_u(rng, -30, 60, n),
        blank_note=np.zeros(n, bool), secondary=full & (rng.random(n) < 0.2),
    )
    notice = np.isin(names, ["inquiry", "seizure", "demolition", "enforcement"]) | simple_dec
    has_av = plan["full"] | plan["one_vid"] | plan["one_audio"]
    recording_notice = np.where(has_av, 1, -1).astype(np.int8)

    doc = np.array([DOC_PREFIX.get(s, "") for s in stage_names], dtype=object)[st]
    has_doc = doc != ""
    signed = np.where(rng.random(n) < 0.92, 0, np.where(rng.random(n) < 0.6, 1, 2))
    signed = np.where(is_["service_left"], 1, signed)
    sign = np.isin(names, list(SIGN_STAGES))
    party_signed = np.where(sign, signed, -1)
    refusal_noted = np.where(sign & (signed > 0), 1, -1).astype(np.int8)
    remote = np.where(np.isin(names, ["inspection", "inquiry"]) & (rng.random(n) < 0.03), 1, 0).astype(np.int8)
    returned = np.where(remote == 1, end + _u(rng, 120, 1800, n) * 60, -1)
    returned = np.where(returned < AS_OF, returned, -1)

    # officers: o1 on every step, o2 on non-office steps, 法制审核科 on legal review
    o1, o2 = c["o1"][ci], c["o2"][ci]
    is_lr, is_cd = is_["legal_review"], is_["collective_discussion"]
    sq = c["squad"][ci]
    a_off = np.where(is_lr, org.legal[0], np.where(is_cd, org.leaders[0], o1))
    b_off = np.where(is_lr, org.legal[1], np.where(is_cd, org.leaders[1], o2))
    b_on = ~office | is_lr | is_cd
    shown = np.where(office, -1, 1).astype(np.int8)
    b_shown = shown.copy()
    extra_off = np.full(n, -1)
    extra_shown = np.zeros(n, np.int8)

    taken = np.zeros(n, bool)
    picks = {}
    picks["ZF01"] = pick(rng, field, 0.02, taken)
    b_on &= ~picks["ZF01"]
    plan["secondary"] &= ~picks["ZF01"]
    m = picks["ZF02aux"] = pick(rng, field, 0.01, taken)
    extra_off[m] = org.aux[sq[m]]
    m = picks["ZF02exp"] = pick(rng, field & (start >= ts("2026-04-02 00:00:00")), 0.01, taken)
    b_off[m] = org.expired[sq[m]]
    m = picks["ZF02new"] = pick(rng, field & (start < ts("2026-08-31 00:00:00")), 0.01, taken)
    b_off[m] = org.not_yet[sq[m]]
    m = picks["ZF02shown"] = pick(rng, field, 0.01, taken)
    b_shown[m] = np.where(rng.random(m.sum()) < 0.5, 0, -1)
    m = picks["ZF03none"] = pick(rng, full | photo_stage, 0.015, taken)
    for k in ("full", "one_vid", "one_audio", "secondary"):
        plan[k] &= ~m
    plan["photos"][m] = 0
    m = picks["ZF03photo"] = pick(rng, full, 0.015, taken)
    for k in ("full", "one_vid", "one_audio", "secondary"):
        plan[k] &= ~m
    plan["photos"][m] = _u(rng, 1, 3, m.sum())
    recording_notice = np.where(picks["ZF03none"] | picks["ZF03photo"], -1, recording_notice).astype(np.int8)
    m = picks["ZF06"] = pick(rng, notice & has_av, 0.03, taken)
    recording_notice[m] = np.where(rng.random(m.sum()) < 0.5, 0, -1)
    m = picks["ZF07start"] = pick(rng, plan["full"], 0.015, taken)
    plan["s0"][m] = _u(rng, 200, 400, m.sum())
    plan["secondary"] &= ~m
    m = picks["ZF07end"] = pick(rng, plan["full"], 0.015, taken)
    plan["e0"][m] = -_u(rng, 200, 400, m.sum())
    m = picks["ZF07gap"] = pick(rng, plan["full"] & plan["interrupt"], 0.3, taken)
    plan["blank_note"] |= m
    m = picks["ZF16"] = pick(rng, sign & has_doc, 0.02, taken)
    party_signed[m] = rng.integers(1, 3, m.sum())  # refused / absent (never NULL: unambiguous)
    refusal_noted[m] = np.where(rng.random(m.sum()) < 0.5, 0, -1)
    m = picks["DQ02"] = pick(rng, slot == SL["start"], 0.003, taken)
    end = np.where(m, start - _u(rng, 10, 60, n) * 60, end)
    m = picks["DQ01off"] = pick(rng, is_["decision"], 0.003, taken)
    ghost_off = np.where(m, 1, 0)

    step_id = _ids("HJ", first_step, n, 9)
    case_id = c["case_id"].take(pa.array(ci))
    # one extra step whose case does not exist (DQ01), copied from a reminder/decision step
    ghost = pick(rng, is_["decision"], 0.002, np.zeros(n, bool))
    g = np.flatnonzero(ghost)
    ghost_case = pc.binary_join_element_wise(
        "湘江城管罚〔2025〕", pc.cast(pa.array(900_000 + g), pa.string()), "号", "")

    def rows(idx):
        return np.concatenate([np.arange(n), idx])

    allr = rows(g)
    ids_all = _ids("HJ", first_step, len(allr), 9)
    steps = dict(
        step_id=ids_all, case_id=pa.concat_arrays([case_id, ghost_case]), stage=st[allr],
        started_at=start[allr], ended_at=end[allr],
        location=pc.if_else(pa.array(office[allr]), "湘江市天元区神农大道1号局机关",
                            c["location"].take(pa.array(ci[allr]))),
        doc_no=pc.if_else(pa.array(has_doc[allr]), pc.binary_join_element_wise(
            pa.array(doc[allr], pa.string()), "〔2026〕", ids_all, "号", ""), pa.scalar(None, pa.string())),
        recording_notice=recording_notice[allr], party_signed=party_signed[allr],
        refusal_noted=refusal_noted[allr], remote=remote[allr], returned_at=returned[allr],
    )
    man.add("DQ01", "dq", "steps", ids_all.slice(n), note="环节所属案件不存在 / step's case not found")

    # step officers (sorted by step)
    off = org.officer_id
    so_step = np.concatenate([np.arange(n), np.flatnonzero(b_on), np.flatnonzero(extra_off >= 0),
                              np.flatnonzero(ghost_off)])
    so_off = np.concatenate([off[a_off], off[b_off[b_on]], off[extra_off[extra_off >= 0]],
                             np.array([f"00{x:03d}" for x in rng.integers(0, 1000, ghost_off.sum())], dtype=object)])
    so_shown = np.concatenate([shown, b_shown[b_on], extra_shown[extra_off >= 0],
                               np.full(ghost_off.sum(), -1, np.int8)])
    order = np.argsort(so_step, kind="stable")
    step_officers = dict(step_id=step_id.take(pa.array(so_step[order])),
                         officer_id=pa.array(so_off[order], pa.string()), cert_shown=so_shown[order])

    def mark(key, rule, outcome, note, officers=None):
        m = picks[key]
        man.add(rule, outcome, "steps", step_id.filter(pa.array(m)),
                scope=start[m], note=note, officer_ids=None if officers is None else off[officers[m]])

    mark("ZF01", "ZF01", "violation", "现场执法仅一名执法人员 / one officer on a field step")
    mark("ZF02aux", "ZF02", "violation", "无执法证人员参与现场执法 / officer without certificate", extra_off)
    mark("ZF02exp", "ZF02", "violation", "执法证已过期 / certificate expired", b_off)
    mark("ZF02new", "ZF02", "violation", "执法证尚未生效 / certificate not yet valid", b_off)
    mark("ZF02shown", "ZF02", "violation", "未出示执法证件 / certificate not shown", b_off)
    mark("ZF03none", "ZF03", "violation", "应记录环节无音像记录 / required stage not recorded")
    mark("ZF03photo", "ZF03", "violation", "应录音录像环节仅有照片 / photo only where video or audio is required")
    mark("ZF06", "ZF06", "violation", "未告知当事人录音录像 / party not told of recording")
    mark("ZF07start", "ZF07", "violation", "开始阶段未记录超过120秒 / gap at the start")
    mark("ZF07end", "ZF07", "violation", "结束前停止记录超过120秒 / gap at the end")
    mark("ZF07gap", "ZF07", "violation", "中断超过120秒且无中断说明 / unexplained interruption")
    mark("ZF16", "ZF16", "violation", "文书未签字且未注明拒签 / record unsigned, refusal not noted")
    mark("DQ02", "DQ02", "dq", "环节结束时间早于开始时间 / step ended before it started")
    m = picks["DQ01off"]
    ghost_ids = so_off[len(so_off) - ghost_off.sum():]
    man.add("DQ01", "dq", "step_officers", step_id.filter(pa.array(m)), scope=start[m],
            officer_ids=ghost_ids, note="环节执法人员不存在 / step officer not found")

    ctx = dict(n=n, ci=ci, names=names, start=start, end=end, step_id=step_id, case_id=case_id,
               o1=o1, o2=o2, field=field, plan=plan, is_=is_)
    return steps, step_officers, ctx
