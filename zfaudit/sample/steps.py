"""Steps and step officers of one chunk, with the step-level defects (ZF01–03, 06, 07, 16, DQ).

Also decides each step's recording plan (how many video segments, photos, …), which
sample/media.py turns into media rows; step-level defects that concern recordings (no media,
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
    """Flatten the case × slot matrix into steps; returns (steps, step_officers, context).

    The parts below draw from `rng` in a fixed order (plan, documents, injections, the
    orphan step and its officers): the same seed gives the same bytes."""
    s = _layout(c, stage_names)
    _plan(rng, s)
    _documents(rng, s, stage_names)
    _officers(org, c, s)
    picks = _inject(rng, org, s)
    ghost_off = np.where(picks["DQ01off"], 1, 0)  # steps that name an officer who does not exist
    steps, step_id = _assemble(rng, c, s, first_step, man)
    step_officers, so_off = _step_officers(rng, org, s, step_id, ghost_off)
    _record(man, org, s, picks, step_id, so_off, ghost_off)
    ctx = dict(n=s.n, ci=s.ci, names=s.names, start=s.start, end=s.end, step_id=step_id,
               case_id=s.case_id, o1=s.o1, o2=s.o2, field=s.field, plan=s.plan, is_=s.is_)
    return steps, step_officers, ctx


class _S:
    """The steps being generated: one numpy array per attribute, one element per step."""


def _layout(c: dict, stage_names: list[str]) -> _S:
    s = _S()
    s.ci, s.slot = np.nonzero(c["M"])
    s.st = c["stage"][s.ci, s.slot]
    s.names = np.array(stage_names, dtype=object)[s.st]
    s.start, s.end = c["start"][s.ci, s.slot], c["end"][s.ci, s.slot]
    s.n = len(s.ci)
    s.is_ = {x: s.names == x for x in set(stage_names)}
    s.field = np.isin(s.names, list(FIELD))
    s.full = np.isin(s.names, list(FULL_001))
    s.office = np.isin(s.names, list(OFFICE))
    s.simple_dec = s.is_["decision"] & c["simple"][s.ci]
    s.photo_stage = s.is_["service_left"] | s.is_["service_notice"]
    return s


def _plan(rng, s: _S) -> None:
    """The recording plan (baseline: compliant for zhuzhou_cgzf) and the notice flags."""
    n, names, is_ = s.n, s.names, s.is_
    s.plan = dict(
        full=s.full.copy(),
        audio=is_["inquiry"] & (rng.random(n) < 0.25),
        one_vid=((np.isin(names, ["release", "rectification_check", "destruction"]) & (rng.random(n) < 0.7))
                 | (is_["hearing"] & (rng.random(n) < 0.8)) | (is_["service_direct"] & (rng.random(n) < 0.6))
                 | s.simple_dec | (is_["service_left"] & (rng.random(n) < 0.3))),
        one_audio=is_["statement"] & (rng.random(n) < 0.3),
        photos=np.where(s.field, _u(rng, 1, 3, n), np.where(s.photo_stage, _u(rng, 1, 3, n), 0)),
        interrupt=s.full & (s.end - s.start >= 1200) & (rng.random(n) < 0.15),
        s0=_u(rng, -30, 60, n), e0=-_u(rng, -30, 60, n),
        blank_note=np.zeros(n, bool), secondary=s.full & (rng.random(n) < 0.2),
    )
    s.notice = np.isin(names, ["inquiry", "seizure", "demolition", "enforcement"]) | s.simple_dec
    s.has_av = s.plan["full"] | s.plan["one_vid"] | s.plan["one_audio"]
    s.recording_notice = np.where(s.has_av, 1, -1).astype(np.int8)


def _documents(rng, s: _S, stage_names: list[str]) -> None:
    """Document numbers, party signatures, remote work and its return."""
    n, names = s.n, s.names
    s.doc = np.array([DOC_PREFIX.get(x, "") for x in stage_names], dtype=object)[s.st]
    s.has_doc = s.doc != ""
    signed = np.where(rng.random(n) < 0.92, 0, np.where(rng.random(n) < 0.6, 1, 2))
    signed = np.where(s.is_["service_left"], 1, signed)
    s.sign = np.isin(names, list(SIGN_STAGES))
    s.party_signed = np.where(s.sign, signed, -1)
    s.refusal_noted = np.where(s.sign & (signed > 0), 1, -1).astype(np.int8)
    s.remote = np.where(np.isin(names, ["inspection", "inquiry"]) & (rng.random(n) < 0.03), 1, 0).astype(np.int8)
    returned = np.where(s.remote == 1, s.end + _u(rng, 120, 1800, n) * 60, -1)
    s.returned = np.where(returned < AS_OF, returned, -1)


def _officers(org, c: dict, s: _S) -> None:
    """o1 on every step, o2 on non-office steps, 法制审核科 on legal review."""
    s.o1, s.o2 = c["o1"][s.ci], c["o2"][s.ci]
    is_lr, is_cd = s.is_["legal_review"], s.is_["collective_discussion"]
    s.sq = c["squad"][s.ci]
    s.a_off = np.where(is_lr, org.legal[0], np.where(is_cd, org.leaders[0], s.o1))
    s.b_off = np.where(is_lr, org.legal[1], np.where(is_cd, org.leaders[1], s.o2))
    s.b_on = ~s.office | is_lr | is_cd
    s.shown = np.where(s.office, -1, 1).astype(np.int8)
    s.b_shown = s.shown.copy()
    s.extra_off = np.full(s.n, -1)
    s.extra_shown = np.zeros(s.n, np.int8)


def _inject(rng, org, s: _S) -> dict[str, np.ndarray]:
    """The listed defects, each on its own steps (`taken`): which steps got which."""
    n, field, full, plan, start, sq = s.n, s.field, s.full, s.plan, s.start, s.sq
    taken = np.zeros(n, bool)
    picks = {}
    picks["ZF01"] = pick(rng, field, 0.02, taken)
    s.b_on &= ~picks["ZF01"]
    plan["secondary"] &= ~picks["ZF01"]
    m = picks["ZF02aux"] = pick(rng, field, 0.01, taken)
    s.extra_off[m] = org.aux[sq[m]]
    m = picks["ZF02exp"] = pick(rng, field & (start >= ts("2026-04-02 00:00:00")), 0.01, taken)
    s.b_off[m] = org.expired[sq[m]]
    m = picks["ZF02new"] = pick(rng, field & (start < ts("2026-08-31 00:00:00")), 0.01, taken)
    s.b_off[m] = org.not_yet[sq[m]]
    m = picks["ZF02shown"] = pick(rng, field, 0.01, taken)
    s.b_shown[m] = np.where(rng.random(m.sum()) < 0.5, 0, -1)
    m = picks["ZF03none"] = pick(rng, full | s.photo_stage, 0.015, taken)
    for k in ("full", "one_vid", "one_audio", "secondary"):
        plan[k] &= ~m
    plan["photos"][m] = 0
    m = picks["ZF03photo"] = pick(rng, full, 0.015, taken)
    for k in ("full", "one_vid", "one_audio", "secondary"):
        plan[k] &= ~m
    plan["photos"][m] = _u(rng, 1, 3, m.sum())
    s.recording_notice = np.where(picks["ZF03none"] | picks["ZF03photo"], -1,
                                  s.recording_notice).astype(np.int8)
    m = picks["ZF06"] = pick(rng, s.notice & s.has_av, 0.03, taken)
    s.recording_notice[m] = np.where(rng.random(m.sum()) < 0.5, 0, -1)
    m = picks["ZF07start"] = pick(rng, plan["full"], 0.015, taken)
    plan["s0"][m] = _u(rng, 200, 400, m.sum())
    plan["secondary"] &= ~m
    m = picks["ZF07end"] = pick(rng, plan["full"], 0.015, taken)
    plan["e0"][m] = -_u(rng, 200, 400, m.sum())
    m = picks["ZF07gap"] = pick(rng, plan["full"] & plan["interrupt"], 0.3, taken)
    plan["blank_note"] |= m
    m = picks["ZF16"] = pick(rng, s.sign & s.has_doc, 0.02, taken)
    s.party_signed[m] = rng.integers(1, 3, m.sum())  # refused / absent (never NULL: unambiguous)
    s.refusal_noted[m] = np.where(rng.random(m.sum()) < 0.5, 0, -1)
    m = picks["DQ02"] = pick(rng, s.slot == SL["start"], 0.003, taken)
    s.end = np.where(m, start - _u(rng, 10, 60, n) * 60, s.end)
    picks["DQ01off"] = pick(rng, s.is_["decision"], 0.003, taken)
    return picks


def _assemble(rng, c: dict, s: _S, first_step: int, man):
    """The steps table, plus one extra step whose case does not exist (DQ01), copied from a
    decision step: (steps, step ids of the real steps)."""
    n = s.n
    step_id = _ids("HJ", first_step, n, 9)
    s.case_id = c["case_id"].take(pa.array(s.ci))
    ghost = pick(rng, s.is_["decision"], 0.002, np.zeros(n, bool))
    g = np.flatnonzero(ghost)
    ghost_case = pc.binary_join_element_wise(
        "湘江城管罚〔2025〕", pc.cast(pa.array(900_000 + g), pa.string()), "号", "")
    allr = np.concatenate([np.arange(n), g])
    ids_all = _ids("HJ", first_step, len(allr), 9)
    steps = dict(
        step_id=ids_all, case_id=pa.concat_arrays([s.case_id, ghost_case]), stage=s.st[allr],
        started_at=s.start[allr], ended_at=s.end[allr],
        location=pc.if_else(pa.array(s.office[allr]), "湘江市天元区神农大道1号局机关",
                            c["location"].take(pa.array(s.ci[allr]))),
        doc_no=pc.if_else(pa.array(s.has_doc[allr]), pc.binary_join_element_wise(
            pa.array(s.doc[allr], pa.string()), "〔2026〕", ids_all, "号", ""), pa.scalar(None, pa.string())),
        recording_notice=s.recording_notice[allr], party_signed=s.party_signed[allr],
        refusal_noted=s.refusal_noted[allr], remote=s.remote[allr], returned_at=s.returned[allr],
    )
    man.add("DQ01", "dq", "steps", ids_all.slice(n), note="环节所属案件不存在 / step's case not found")
    return steps, step_id


def _step_officers(rng, org, s: _S, step_id, ghost_off):
    """step_officers sorted by step; a few decision steps name an officer who does not exist."""
    off = org.officer_id
    b_on, extra_off = s.b_on, s.extra_off
    so_step = np.concatenate([np.arange(s.n), np.flatnonzero(b_on), np.flatnonzero(extra_off >= 0),
                              np.flatnonzero(ghost_off)])
    so_off = np.concatenate([off[s.a_off], off[s.b_off[b_on]], off[extra_off[extra_off >= 0]],
                             np.array([f"00{x:03d}" for x in rng.integers(0, 1000, ghost_off.sum())], dtype=object)])
    so_shown = np.concatenate([s.shown, s.b_shown[b_on], s.extra_shown[extra_off >= 0],
                               np.full(ghost_off.sum(), -1, np.int8)])
    order = np.argsort(so_step, kind="stable")
    step_officers = dict(step_id=step_id.take(pa.array(so_step[order])),
                         officer_id=pa.array(so_off[order], pa.string()), cert_shown=so_shown[order])
    return step_officers, so_off


def _record(man, org, s: _S, picks: dict, step_id, so_off, ghost_off) -> None:
    """Every injected defect into the manifest (_injected.csv)."""
    off = org.officer_id

    def mark(key, rule, outcome, note, officers=None):
        m = picks[key]
        man.add(rule, outcome, "steps", step_id.filter(pa.array(m)),
                scope=s.start[m], note=note, officer_ids=None if officers is None else off[officers[m]])

    mark("ZF01", "ZF01", "violation", "现场执法仅一名执法人员 / one officer on a field step")
    mark("ZF02aux", "ZF02", "violation", "无执法证人员参与现场执法 / officer without certificate", s.extra_off)
    mark("ZF02exp", "ZF02", "violation", "执法证已过期 / certificate expired", s.b_off)
    mark("ZF02new", "ZF02", "violation", "执法证尚未生效 / certificate not yet valid", s.b_off)
    mark("ZF02shown", "ZF02", "violation", "未出示执法证件 / certificate not shown", s.b_off)
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
    man.add("DQ01", "dq", "step_officers", step_id.filter(pa.array(m)), scope=s.start[m],
            officer_ids=ghost_ids, note="环节执法人员不存在 / step officer not found")
