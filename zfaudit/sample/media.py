"""Media rows (segments, photos, patrol footage) and access-register rows of one chunk,
with the media-level defects (ZF04, 08–13, 15, DQ01/02) and access defects (ZF12).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .cases import AS_OF, YEAR_START, _u, pick
from .format import DAY, due_working_days, fmt_date, ts
from .names import person_names
from .steps import _ids

VIDEO, AUDIO, PHOTO = 0, 1, 2
NOTES = np.array(["设备电量不足，更换电池后继续录制", "当事人情绪激动，暂停后继续录制",
                  "执法记录仪存储已满，更换存储卡", "转移至室内继续询问", "暴雨暂停现场检查"], dtype=object)
METHOD = np.array(["执法记录仪现场摄录", "录音笔现场录音", "数码相机现场拍照"], dtype=object)
EXT = np.array([".mp4", ".wav", ".jpg"], dtype=object)
REASONS = {0: ["案件审核", "执法监督检查", "内部评查", "信访调查"],
           1: ["行政复议答复", "案件移送", "档案备份"],
           2: ["行政诉讼举证", "检察机关调取", "公安机关调取", "纪检监察调查"]}
RECIPIENTS = np.array(["湘江市中级人民法院", "湘江市天元区人民法院", "湘江市人民检察院",
                       "湘江市公安局天元分局", "湘江市纪委监委第三审查调查室"], dtype=object)


def content(media_id: str, altered: bool = False) -> bytes:
    """The tiny deterministic file the media store holds for one media item."""
    return f"zfaudit sample media {media_id}\n".encode() + (b"altered\n" if altered else b"")


def _segments(rng, ctx, org, c):
    """Video/audio segments covering each full-coverage step, plus single clips and photos."""
    p, start, end = ctx["plan"], ctx["start"], ctx["end"]
    sq = c["squad"][ctx["ci"]]
    bodycam = org.bodycam
    parts = []  # (step, kind, device, officer, rs, re, note)

    f = np.flatnonzero(p["full"])
    dur = end[f] - start[f]
    intr = p["interrupt"][f]
    k = 1 + (dur - 1) // 1800 + intr
    A, B = start[f] + p["s0"][f], end[f] + p["e0"][f]
    L = (B - A) // k
    s = np.repeat(np.arange(len(f)), k)
    first = np.repeat(np.cumsum(k) - k, k)
    j = np.arange(len(s)) - first
    ji = np.where(intr, (rng.random(len(f)) * (k - 1)).astype(int), -5)
    g = _u(rng, 1, 5, len(s))
    g = np.where(j == ji[s], np.clip(0.4 * L[s], 180, 900).astype(np.int64), g)
    rs = A[s] + j * L[s]
    re = np.where(j == k[s] - 1, B[s], A[s] + (j + 1) * L[s] - g)
    note = (j == ji[s] + 1) & ~p["blank_note"][f][s]
    audio = p["audio"][f][s]
    dev = np.where(audio, org.recorder[sq[f][s]], bodycam[ctx["o1"][f][s]])
    parts.append((f[s], np.where(audio, AUDIO, VIDEO), dev, ctx["o1"][f][s], rs, re, note))

    # second officer's camera, inside the first segment (does not change the covered time)
    sec = p["secondary"][f]
    fs = np.flatnonzero(sec)
    i0 = (np.cumsum(k) - k)[fs]
    r0, r1 = rs[i0], re[i0]
    parts.append((f[fs], np.full(len(fs), VIDEO), bodycam[ctx["o2"][f[fs]]], ctx["o2"][f[fs]],
                  r0 + (r1 - r0) // 10, r0 + (r1 - r0) * 6 // 10, np.zeros(len(fs), bool)))

    for key, kind in (("one_vid", VIDEO), ("one_audio", AUDIO)):
        o = np.flatnonzero(p[key])
        dev = org.recorder[sq[o]] if kind == AUDIO else bodycam[ctx["o1"][o]]
        parts.append((o, np.full(len(o), kind), dev, ctx["o1"][o], start[o] + _u(rng, 0, 60, len(o)),
                      end[o] - _u(rng, 0, 60, len(o)), np.zeros(len(o), bool)))

    ph = np.repeat(np.arange(len(start)), p["photos"])
    t = start[ph] + (rng.random(len(ph)) * (end[ph] - start[ph])).astype(np.int64)
    cam = rng.random(len(ph)) < 0.5
    parts.append((ph, np.full(len(ph), PHOTO), np.where(cam, org.camera[sq[ph]], bodycam[ctx["o1"][ph]]),
                  ctx["o1"][ph], t, t, np.zeros(len(ph), bool)))
    return [np.concatenate(x) for x in zip(*parts, strict=True)]


def gen_media(rng, org, c, ctx, first_media: int, first_access: int, man, other):
    """Media rows for the chunk's steps plus patrol footage; then the access register.

    The parts below draw from `rng` in a fixed order: the same seed gives the same bytes."""
    s = _rows(rng, org, c, ctx, first_media)
    _times(rng, s)
    _labels(rng, c, s)
    s.taken = np.zeros(s.n, bool)  # at most one defect per media row
    _inject_compliance(rng, c, ctx, s, man)
    _inject_dq(rng, s, man, other)
    media = _media_table(rng, s)
    access = gen_access(rng, org, s.media_id, s.on_case, s.up, s.deleted, first_access, man, other)
    return media, access, s.store


class _M:
    """The media rows being generated: one array per attribute, one element per row."""


def _rows(rng, org, c, ctx, first_media: int) -> _M:
    """The steps' segments plus patrol footage (no case; one clip per case on average),
    ordered by start time, and the facts each row inherits from its case and step."""
    step, kind, dev, officer, rs, re, has_note = _segments(rng, ctx, org, c)
    n_p = max(1, c["n"])
    psq = rng.integers(0, len(org.squads), n_p)
    pof = org.regular[psq, rng.integers(0, org.regular.shape[1], n_p)]
    prs = (rng.integers(YEAR_START // DAY, AS_OF // DAY - 1, n_p) * DAY + _u(rng, 9 * 3600, 17 * 3600, n_p))
    step = np.concatenate([step, np.full(n_p, -1)])
    kind = np.concatenate([kind, np.full(n_p, VIDEO)])
    dev = np.concatenate([dev, org.bodycam[pof]])
    officer = np.concatenate([officer, pof])
    rs = np.concatenate([rs, prs])
    re = np.concatenate([re, prs + _u(rng, 300, 2400, n_p)])
    has_note = np.concatenate([has_note, np.zeros(n_p, bool)])

    order = np.lexsort((np.arange(len(rs)), rs))
    s = _M()
    s.step, s.kind, s.dev, s.officer, s.rs, s.re, s.has_note = (
        a[order] for a in (step, kind, dev, officer, rs, re, has_note))
    step, kind = s.step, s.kind
    s.n = n = len(s.rs)
    s.media_id = _ids("YX", first_media, n, 10)
    s.patrol_row = step < 0
    s.ci = np.where(s.patrol_row, -1, ctx["ci"][np.maximum(step, 0)])
    s.on_case = on_case = s.ci >= 0
    s.cip = cip = np.maximum(s.ci, 0)
    s.case_id = pc.if_else(pa.array(on_case), c["case_id"].take(pa.array(cip)), pa.scalar(None, pa.string()))
    s.step_id = pc.if_else(pa.array(on_case), ctx["step_id"].take(pa.array(np.maximum(step, 0))), pa.scalar(None, pa.string()))
    s.holder = org.officer_name[s.officer]
    stage_field = np.where(on_case, ctx["field"][np.maximum(step, 0)], False)
    s.evidence = on_case & stage_field & np.isin(c["cat"][cip], [0, 2, 3]) & (rng.random(n) < 0.5)
    s.needs_lt = on_case & (c["disputed"] | c["obstructed"] | c["mass"] | (c["risk"] == 2))[cip]
    s.trigger_001 = on_case & (c["disputed"] | c["obstructed"] | c["mass"])[cip]
    s.long_term = np.where(s.needs_lt | (s.evidence & (rng.random(n) < 0.3)), 1, 0).astype(np.int8)
    s.patrol = np.where(s.patrol_row, 1, 0).astype(np.int8)
    s.transcript = np.where((kind == AUDIO) & s.evidence, 1, -1).astype(np.int8)
    s.dev_id = org.device_id[s.dev]
    s.off_id = org.officer_id[s.officer]
    return s


def _times(rng, s: _M) -> None:
    """Upload (mostly within the day, else by the next working day), deletion of old patrol
    footage, the storage path and the state of the file in the media store."""
    n, re = s.n, s.re
    s.due = due_working_days(re, 2)
    next_wd = due_working_days(re, 1) - DAY + 1 + _u(rng, 8 * 3600 + 1800, 11 * 3600, n)
    up = np.where(rng.random(n) < 0.9, re + _u(rng, 600, 20 * 3600, n), np.maximum(next_wd, re + 600))
    s.up = np.where(up < AS_OF, up, -1)
    s.deleted = np.full(n, -1)
    old = s.patrol_row & (re + 215 * DAY < AS_OF) & (rng.random(n) < 0.5)
    s.deleted[old] = re[old] + _u(rng, 190, 214, old.sum()) * DAY
    s.has_path = rng.random(n) < 0.95
    s.store = np.zeros(n, np.int8)  # 0 file present and intact, 1 missing, 2 altered


def _labels(rng, c, s: _M) -> None:
    """The labels (标注) and evidence fields as a compliant export would have them."""
    n, on_case, cip, evidence = s.n, s.on_case, s.cip, s.evidence
    s.label_case = s.case_id
    s.label_party = pc.if_else(pa.array(on_case), c["party"].take(pa.array(cip)), pa.scalar(None, pa.string()))
    s.label_officer = np.where(on_case, s.holder, None)
    s.made_by = np.where(evidence, s.holder, None)
    s.method = np.where(evidence, METHOD[s.kind], None)
    proves = pc.if_else(pa.array(evidence), pc.binary_join_element_wise(c["cause"].take(pa.array(cip)), "的违法事实", ""),
                        pa.scalar(None, pa.string()))
    s.proves = np.array(proves.to_pylist(), dtype=object)
    s.note = np.where(s.has_note, NOTES[rng.integers(0, len(NOTES), n)], None)


def _adder(man, s: _M):
    def add(m, rule, note_, outcome="violation", requires="", **kw):
        man.add(rule, outcome, "media", s.media_id.filter(pa.array(m)), scope=s.re[m], note=note_,
                requires=requires, **kw)
    return add


def _inject_compliance(rng, c, ctx, s: _M, man) -> None:
    """The listed compliance defects ZF04–ZF15 (_injected.csv)."""
    n, taken, up, due, deleted, re = s.n, s.taken, s.up, s.due, s.deleted, s.re
    on_case, cip, evidence, kind, step, patrol_row = s.on_case, s.cip, s.evidence, s.kind, s.step, s.patrol_row
    add = _adder(man, s)
    can_late = (up >= 0) & (due + 97 * 3600 < AS_OF) & (deleted < 0)
    holiday = (re >= ts("2026-09-22 00:00:00")) & (re < ts("2026-10-01 00:00:00"))
    m = pick(rng, can_late & holiday, 0.0, taken) | pick(rng, can_late, 0.02, taken)
    up[m] = due[m] + _u(rng, 3600, 96 * 3600, m.sum())
    add(m, "ZF04", "超过2个工作日上传 / uploaded after 2 working days")
    m = pick(rng, (due < AS_OF - DAY) & (deleted < 0), 0.01, taken)
    up[m] = -1
    add(m, "ZF04", "逾期未上传 / never uploaded")
    m = pick(rng, on_case, 0.01, taken)
    other_case = c["case_id"].take(pa.array((cip + 1 + rng.integers(0, max(1, c["n"] - 1), n)) % c["n"]))
    s.label_case = pc.if_else(pa.array(m), other_case, s.label_case)
    add(m, "ZF08", "标注案号与案件不符 / wrong case number label")
    m = pick(rng, on_case, 0.01, taken)
    s.label_party = pc.if_else(pa.array(m), pa.scalar(None, pa.string()), s.label_party)
    add(m, "ZF08", "未标注当事人 / party label missing")
    m = pick(rng, on_case, 0.01, taken)
    s.label_officer[m] = None
    add(m, "ZF08", "未标注承办人 / officer label missing")
    for col, arr, text in (("made_by", s.made_by, "制作人"), ("method", s.method, "制作方法"),
                           ("proves", s.proves, "证明对象")):
        m = pick(rng, evidence, 0.02, taken)
        arr[m] = None
        add(m, "ZF09", f"证据未注明{text} / evidence without {col}")
    m = pick(rng, evidence & (kind == AUDIO), 0.1, taken)
    s.transcript[m] = np.where(rng.random(m.sum()) < 0.5, 0, -1)
    add(m, "ZF09", "录音证据无文字记录 / audio evidence without transcript")
    m = pick(rng, patrol_row & (deleted < 0) & (re + 35 * DAY < AS_OF), 0.03, taken)
    deleted[m] = np.minimum(re[m] + _u(rng, 31, 150, m.sum()) * DAY, AS_OF - 3600)
    add(m, "ZF10", "未满6个月删除 / deleted before 6 months")
    step_has_av = np.zeros(ctx["n"], bool)
    step_has_av[step[(step >= 0) & (kind != PHOTO)]] = True
    s.photo_ok = on_case & (kind == PHOTO) & c["general"][cip] & step_has_av[np.maximum(step, 0)]
    m = pick(rng, s.photo_ok & (re + 5 * DAY < AS_OF), 0.01, taken)
    deleted[m] = np.minimum(re[m] + _u(rng, 3, 60, m.sum()) * DAY, AS_OF - 3600)
    add(m, "ZF10", "一般程序案件音像记录被删除 / media of a general-procedure case deleted")
    m = pick(rng, s.trigger_001 & (deleted < 0), 0.05, taken)
    s.long_term[m] = np.where(rng.random(m.sum()) < 0.5, 0, -1)
    add(m, "ZF11", "异议/阻碍/群体性事件案件未长期保存 / not kept long-term")
    m = pick(rng, s.has_path, 0.005, taken)
    s.sha_null = m
    add(m, "ZF13", "未记录文件哈希 / sha256 missing")  # a violation with or without the store
    m = pick(rng, s.has_path, 0.005, taken)
    s.store[m] = 1
    add(m, "ZF13", "原始文件缺失 / original file missing", requires="media_store")
    m = pick(rng, s.has_path, 0.005, taken)
    s.store[m] = 2
    add(m, "ZF13", "原始文件被改动 / original file altered", requires="media_store")
    m = pick(rng, patrol_row, 0.03, taken)
    s.patrol[m] = np.where(rng.random(m.sum()) < 0.5, 0, -1)
    add(m, "ZF15", "无案件且非日常巡查的音像记录 / footage unrelated to enforcement", outcome="advisory")


def _inject_dq(rng, s: _M, man, other) -> None:
    """Data-quality defects (DQ01 dangling references, DQ02 impossible times), and one defect
    that only another profile sees."""
    n, taken, patrol_row, up, re = s.n, s.taken, s.patrol_row, s.up, s.re
    add = _adder(man, s)
    m = pick(rng, patrol_row, 0.003, taken)
    s.dev_id = np.where(m, pc.binary_join_element_wise("DSJ9", pc.cast(pa.array(rng.integers(10000, 99999, n)), pa.string()), "").to_numpy(zero_copy_only=False), s.dev_id)
    add(m, "DQ01", "设备不存在 / device not found", outcome="dq")
    m = pick(rng, patrol_row, 0.003, taken)
    s.off_id = np.where(m, "00" + np.char.zfill(rng.integers(0, 1000, n).astype(str), 3).astype(object), s.off_id)
    add(m, "DQ01", "使用人不存在 / officer not found", outcome="dq")
    m = pick(rng, patrol_row, 0.003, taken)
    ghost = pc.binary_join_element_wise("湘江城管罚〔2025〕", pc.cast(pa.array(800_000 + np.arange(n)), pa.string()), "号", "")
    s.case_id = pc.if_else(pa.array(m), ghost, s.case_id)
    s.label_case = pc.if_else(pa.array(m), ghost, s.label_case)
    s.label_party = pc.if_else(pa.array(m), person_names(rng, n), s.label_party)
    s.label_officer[m] = s.holder[m]
    s.patrol[m] = 0
    add(m, "DQ01", "案件不存在 / case not found", outcome="dq")
    m = pick(rng, s.photo_ok, 0.003, taken)
    s.step_id = pc.if_else(pa.array(m), pc.binary_join_element_wise("HJ9", s.media_id, ""), s.step_id)
    add(m, "DQ01", "环节不存在 / step not found", outcome="dq")
    m = pick(rng, patrol_row & (up >= 0), 0.003, taken)
    re[m] = s.rs[m] - 60
    add(m, "DQ02", "拍摄结束早于开始 / recorded_end before recorded_start", outcome="dq")
    m = pick(rng, patrol_row & (up >= 0), 0.003, taken)
    up[m] = re[m] - _u(rng, 60, 600, m.sum())
    add(m, "DQ02", "上传早于拍摄结束 / uploaded before recorded_end", outcome="dq")
    # a defect under another profile only: high-risk case media not kept long-term (000 §11)
    m = pick(rng, s.needs_lt & ~s.trigger_001, 0.1, taken)
    s.long_term[m] = 0
    other.add("ZF11", "violation", "media", s.media_id.filter(pa.array(m)), scope=re[m], profile="shandong_district_zhzf",
              note="高风险案件未长期保存 / high-risk case media not kept long-term")


def _media_table(rng, s: _M) -> dict:
    """The media table: hashes of the stored content, paths, sizes and every column."""
    n, kind, rs, re = s.n, s.kind, s.rs, s.re
    ids = s.media_id.to_pylist()
    # the hash is recorded at upload, a path or not (RULES.md ZF13: a missing one is a violation)
    sha = [None if sn else hashlib.sha256(content(i)).hexdigest()
           for i, sn in zip(ids, s.sha_null, strict=True)]
    day = fmt_date(rs)
    path = pc.if_else(pa.array(s.has_path), pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(day, 0, 7), "/", pa.array(s.dev_id, pa.string()), "/", s.media_id,
        pa.array(EXT[kind], pa.string()), ""), pa.scalar(None, pa.string()))
    size = np.where(kind == PHOTO, _u(rng, 1_500_000, 6_000_000, n),
                    np.maximum(re - rs, 1) * np.where(kind == AUDIO, 16_000, _u(rng, 800_000, 1_200_000, n)))
    return dict(
        media_id=s.media_id, device_id=pa.array(s.dev_id, pa.string()), officer_id=pa.array(s.off_id, pa.string()),
        case_id=s.case_id, step_id=s.step_id, patrol=s.patrol, kind=kind, recorded_start=rs, recorded_end=re,
        uploaded_at=s.up, sha256=pa.array(sha, pa.string()), size_bytes=size, path=path,
        label_case_no=s.label_case, label_party=s.label_party, label_officer=pa.array(s.label_officer, pa.string()),
        evidence=np.where(s.on_case, s.evidence, -1).astype(np.int8), made_by=pa.array(s.made_by, pa.string()),
        method=pa.array(s.method, pa.string()), proves=pa.array(s.proves, pa.string()), transcript=s.transcript,
        interruption_note=pa.array(s.note, pa.string()), long_term=s.long_term, deleted_at=s.deleted,
    )


def gen_access(rng, org, media_id, on_case, up, deleted, first: int, man, other) -> dict:
    n_all = len(up)
    sel = (up >= 0) & (deleted < 0) & (rng.random(n_all) < np.where(on_case, 0.03, 0.005))
    mi = np.flatnonzero(sel)
    acc = (up[mi] // DAY + _u(rng, 1, 60, len(mi))) * DAY + _u(rng, 9 * 60, 17 * 60 + 30, len(mi)) * 60
    keep = acc < AS_OF - 3600
    mi, acc = mi[keep], acc[keep]
    n = len(mi)
    action = rng.choice(3, n, p=[0.55, 0.3, 0.15])
    access_id = _ids("DY", first, n, 8)
    reason = np.empty(n, dtype=object)
    for a, lst in REASONS.items():
        sel = action == a
        reason[sel] = np.array(lst, dtype=object)[rng.integers(0, len(lst), sel.sum())]
    requester = org.regular.ravel()[rng.integers(0, org.regular.size, n)]
    requested_by = np.where(rng.random(n) < 0.6, org.officer_id[requester], org.officer_name[requester])
    approved_by = org.officer_name[org.leaders[rng.integers(0, len(org.leaders), n)]].astype(object)
    approved_at = acc - _u(rng, 60, 48 * 60, n) * 60
    recipient = np.where(action == 2, RECIPIENTS[rng.integers(0, len(RECIPIENTS), n)], None)
    mid = media_id.take(pa.array(mi))
    taken = np.zeros(n, bool)

    def add(m, note, outcome="violation", rule="ZF12"):
        man.add(rule, outcome, "media_access", access_id.filter(pa.array(m)), scope=acc[m], note=note)

    m = pick(rng, np.ones(n, bool), 0.03, taken)
    approved_by[m] = None
    approved_at[m] = -1
    add(m, "未经审批调阅复制 / no approval")
    m = pick(rng, acc < AS_OF - 3 * DAY, 0.03, taken)
    approved_at[m] = acc[m] + _u(rng, 60, 48 * 60, m.sum()) * 60
    add(m, "先调阅后审批 / approved after access")
    m = pick(rng, np.ones(n, bool), 0.02, taken)
    approved_at[m] = -1
    add(m, "审批时间缺失 / approval time missing")
    m = pick(rng, np.ones(n, bool), 0.005, taken)
    mid = pc.if_else(pa.array(m), pc.binary_join_element_wise("YX9", access_id, ""), mid)
    add(m, "调阅的音像记录不存在 / media not found", outcome="dq", rule="DQ01")
    m = pick(rng, action == 2, 0.1, taken)
    recipient[m] = None
    other.add("ZF12", "violation", "media_access", access_id.filter(pa.array(m)), scope=acc[m], profile="linzi_amr",
              note="对外提供未登记接收单位 / external provision without recipient (full register)")
    return dict(access_id=access_id, media_id=mid, action=action, requested_by=pa.array(requested_by, pa.string()),
                approved_by=pa.array(approved_by, pa.string()), approved_at=approved_at, accessed_at=acc,
                reason=pa.array(reason, pa.string()), recipient=pa.array(recipient, pa.string()))
