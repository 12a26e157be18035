"""Cases and their steps for one chunk of the sample bureau, vectorised over cases.

Every case follows its category's template: a fixed list of slots (filing → inspection →
inquiry … → decision → service → enforcement → archive), each present with a probability.
Slot times are computed column by column (18 slots, each vectorised over the chunk), then the
case × slot matrix is flattened into steps. Nothing happens on or after AS_OF (the export date).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .format import DAY, ts
from .names import addresses, company_names, credit_codes, person_names, resident_ids

AS_OF = ts("2026-11-25 00:00:00")
YEAR_START = ts("2026-01-05 00:00:00")
Q4_START = ts("2026-10-01 00:00:00")

SLOTS = ["start", "inspection", "inquiry", "sampling", "preservation", "seizure", "statement",
         "hearing", "legal_review", "collective_discussion", "decision", "service", "reminder",
         "enforce", "release", "rectification_check", "destruction", "archive"]
SL = {s: i for i, s in enumerate(SLOTS)}
TEMPLATES = ["penalty_general", "penalty_simple", "permit", "coercion", "inspection", "confirmation", "levy"]
T_PROB = np.array([0.42, 0.18, 0.10, 0.08, 0.12, 0.05, 0.05])
CATEGORIES = ["penalty", "permit", "coercion", "inspection", "confirmation", "levy"]
T_CATEGORY = np.array([0, 0, 1, 2, 3, 4, 5])
# slot probability per template (columns follow SLOTS)
P_SLOT = np.array([
    # st  insp inq  samp pres seiz stat hear lr   cd  dec  serv rem  enf  rel  rect dest arch
    [1, .95, .85, .15, .12, .05, .8, .08, .4, 0, 1, 1, .1, .06, 0, .1, 0, 1],  # penalty general
    [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1],  # penalty simple (当场处罚)
    [1, .4, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1],  # permit
    [1, .9, .5, 0, 0, .8, .5, 0, .6, 0, 1, 1, .3, .4, .4, 0, .1, 1],  # coercion
    [1, 1, .2, .1, 0, 0, 0, 0, 0, 0, .3, 1, 0, 0, 0, .4, 0, 1],  # inspection
    [1, .3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1],  # confirmation
    [1, 0, 0, 0, 0, 0, 0, 0, .3, 0, 1, 1, .2, 0, 0, 0, 0, 1],  # levy
])
LAG_DAYS = {"start": (0, 0), "inspection": (0, 2), "inquiry": (1, 7), "sampling": (0, 0),
            "preservation": (0, 0), "seizure": (0, 1), "statement": (5, 15), "hearing": (3, 10),
            "legal_review": (1, 5), "collective_discussion": (1, 3), "decision": (1, 5),
            "service": (0, 3), "reminder": (10, 20), "enforce": (10, 30), "release": (10, 30),
            "rectification_check": (7, 20), "destruction": (10, 30), "archive": (1, 20)}
DUR_MIN = {"start": (10, 40), "inspection": (15, 120), "inquiry": (20, 90), "sampling": (10, 40),
           "preservation": (20, 60), "seizure": (30, 150), "statement": (20, 60),
           "hearing": (60, 150), "legal_review": (30, 120), "collective_discussion": (60, 120),
           "decision": (10, 30), "service": (5, 25), "reminder": (5, 20), "enforce": (30, 180),
           "release": (20, 60), "rectification_check": (15, 60), "destruction": (30, 90),
           "archive": (10, 30)}
CAUSES = {
    "penalty": ["未经批准擅自占道经营", "擅自设置户外广告", "违法建设", "随意倾倒建筑垃圾",
                "餐饮油烟直排", "夜间施工噪声扰民", "擅自挖掘城市道路", "渣土运输车辆未密闭",
                "损毁城市绿化", "乱贴乱画"],
    "permit": ["户外广告设置许可", "临时占用城市道路许可", "城市建筑垃圾处置核准", "大型户外活动许可"],
    "coercion": ["违法建设强制拆除", "暂扣占道经营物品", "查封违法施工现场", "代履行清除违法广告"],
    "inspection": ["市容环境卫生责任区检查", "建筑工地扬尘检查", "餐饮油烟净化设施检查", "渣土运输专项检查"],
    "confirmation": ["违法建设认定", "门前三包责任确认"],
    "levy": ["城市道路占用费征收", "城市生活垃圾处理费征收"],
}
SOURCE = ["application", "ex_officio", "complaint", "referral", "patrol"]
# source probabilities per category
P_SOURCE = np.array([
    [0, .25, .35, .1, .3], [1, 0, 0, 0, 0], [0, .5, .2, .1, .2], [0, .6, .15, .05, .2],
    [.7, .3, 0, 0, 0], [.3, .7, 0, 0, 0],
])
FULL_001 = {"inquiry", "inspection", "sampling", "preservation", "seizure", "demolition", "enforcement"}
FIELD = {"inquiry", "inspection", "sampling", "preservation", "seizure", "release", "demolition",
         "enforcement", "random_inspection", "spot_sampling", "rectification_check", "destruction"}
SIGN_STAGES = {"inquiry", "inspection", "sampling", "preservation", "seizure", "service_direct",
               "service_left", "statement", "hearing"}  # ZF16
DOC_PREFIX = {"filing": "立案审批表", "acceptance": "受理通知书", "inquiry": "询问笔录",
              "inspection": "现场检查笔录", "sampling": "抽样取证凭证", "preservation": "先行登记保存通知书",
              "seizure": "查封扣押决定书", "release": "解除查封扣押决定书", "demolition": "强制拆除决定书",
              "statement": "陈述申辩笔录", "hearing": "听证笔录", "legal_review": "法制审核意见书",
              "collective_discussion": "集体讨论记录", "decision": "行政决定书",
              "service_direct": "送达回证", "service_left": "送达回证", "service_post": "邮寄送达回执",
              "service_notice": "公告", "reminder": "催告书", "enforcement": "强制执行决定书",
              "rectification_check": "整改复查记录", "destruction": "销毁记录"}
OFFICE = {"filing", "acceptance", "legal_review", "collective_discussion", "decision", "archive",
          "service_post", "service_notice", "reminder"}


def _u(rng, lo, hi, n):
    return rng.integers(lo, hi + 1, n)


def pick(rng: np.random.Generator, cand: np.ndarray, p: float, taken: np.ndarray, force: bool = True) -> np.ndarray:
    """Choose items for one injected defect kind: candidates not yet used, rate p, at least one."""
    c = cand & ~taken
    m = c & (rng.random(len(c)) < p)
    if force and not m.any() and c.any():
        m[rng.choice(np.flatnonzero(c))] = True
    taken |= m
    return m


def gen_cases(rng, org, first: int, n: int, stage_index: dict[str, int]) -> dict:
    """Case attributes and the case × slot timetable for cases first..first+n-1."""
    tpl = rng.choice(len(TEMPLATES), n, p=T_PROB)
    cat = T_CATEGORY[tpl]
    simple = tpl == 1
    general = ~simple
    squad = rng.integers(0, len(org.squads), n)
    pool = org.regular.shape[1]
    i1 = rng.integers(0, pool, n)
    i2 = (i1 + 1 + rng.integers(0, pool - 1, n)) % pool
    o1, o2 = org.regular[squad, i1], org.regular[squad, i2]
    person = rng.random(n) < np.where(np.isin(cat, [1, 4, 5]), 0.2, 0.55)
    party = pc.if_else(pa.array(person), person_names(rng, n), company_names(rng, n))
    party_id = pc.if_else(pa.array(person), resident_ids(rng, n), credit_codes(rng, n))
    cause_pick = rng.random(n)
    cause = np.empty(n, dtype=object)
    for c, name in enumerate(CATEGORIES):
        lst = np.array(CAUSES[name], dtype=object)
        sel = cat == c
        cause[sel] = lst[(cause_pick[sel] * len(lst)).astype(int)]
    cum = P_SOURCE.cumsum(axis=1)[cat]
    source = (rng.random(n)[:, None] > cum).sum(axis=1)
    location = addresses(rng, n)

    major = np.isin(tpl, [0, 3]) & (rng.random(n) < 0.1)
    emergency = ((tpl == 3) & (rng.random(n) < 0.25)) | ((tpl == 0) & (rng.random(n) < 0.03))
    risky = np.isin(cat, [0, 2, 3])
    disputed = risky & (rng.random(n) < 0.08)
    obstructed = risky & (rng.random(n) < 0.03)
    mass = risky & (rng.random(n) < 0.01)
    risk = np.where(rng.random(n) < 0.7, -1, rng.choice(3, n, p=[0.6, 0.3, 0.1]))

    # which slots each case has
    M = rng.random((n, len(SLOTS))) < P_SLOT[tpl]
    M[:, SL["legal_review"]] |= major
    M[:, SL["collective_discussion"]] = major
    M[:, SL["hearing"]] |= major & (tpl == 0) & (rng.random(n) < 0.3)
    M[:, SL["service"]] &= M[:, SL["decision"]]
    M[:, SL["release"]] &= M[:, SL["seizure"]]
    stage = np.full((n, len(SLOTS)), -1)
    for s in SLOTS:
        if s in stage_index:
            stage[:, SL[s]] = stage_index[s]
    stage[:, SL["start"]] = np.where(np.isin(cat, [1, 4]), stage_index["acceptance"], stage_index["filing"])
    stage[:, SL["enforce"]] = np.where((tpl == 3) & (rng.random(n) < 0.5), stage_index["demolition"], stage_index["enforcement"])
    svc = np.array([stage_index[s] for s in ["service_direct", "service_left", "service_post", "service_notice"]])
    p_svc = np.where(tpl[:, None] == 0, [0.6, 0.15, 0.15, 0.1],
                     np.where(tpl[:, None] == 1, [1, 0, 0, 0],
                              np.where(tpl[:, None] == 3, [0.7, 0.3, 0, 0], [0.7, 0, 0.3, 0])))
    stage[:, SL["service"]] = svc[(rng.random(n)[:, None] > p_svc.cumsum(axis=1)).sum(axis=1).clip(0, 3)]

    # timetable (minute resolution): opened mostly in Q1-Q3, some in Oct-Nov (still running)
    late = rng.random(n) < 0.15
    day0 = np.where(late, rng.integers(Q4_START // DAY, AS_OF // DAY - 1, n),
                    rng.integers(YEAR_START // DAY, Q4_START // DAY, n))
    open_at = day0 * DAY + (8 * 60 + 30 + _u(rng, 0, 480, n)) * 60
    start = np.zeros((n, len(SLOTS)), dtype=np.int64)
    end = np.zeros_like(start)
    prev_end = open_at.copy()
    last_work_end = open_at.copy()
    for j, s in enumerate(SLOTS):
        lo, hi = LAG_DAYS[s]
        lag = np.where(simple & (s != "archive"), 0, _u(rng, lo, hi, n))
        dlo, dhi = DUR_MIN[s]
        dur = _u(rng, dlo, dhi, n) * 60
        if s == "enforce":
            dur = np.where(stage[:, j] == stage_index["demolition"], _u(rng, 60, 240, n) * 60, dur)
        base = last_work_end if s == "archive" else prev_end
        same_day = (base + _u(rng, 5, 40, n) * 60)
        other_day = (base // DAY + lag) * DAY + (8 * 60 + 30 + _u(rng, 0, 450, n)) * 60
        st = open_at if j == 0 else np.where(lag == 0, same_day, other_day)
        start[:, j], end[:, j] = st, st + dur
        inc = M[:, j]
        prev_end = np.where(inc, end[:, j], prev_end)
        if s != "archive":
            last_work_end = np.where(inc, end[:, j], last_work_end)
    done = end < AS_OF
    stalled = rng.random(n) < 0.03
    work = M.copy()
    work[:, SL["archive"]] = False
    complete = ~(work & ~done).any(axis=1) & ~stalled
    M &= done
    M[:, SL["archive"]] &= complete
    concluded = np.where(complete, last_work_end, -1)
    archived = np.where(M[:, SL["archive"]], start[:, SL["archive"]], -1)
    lr = SL["legal_review"]
    legal_review_at = np.where(M[:, lr], end[:, lr], -1)
    approved = open_at + np.where(emergency, _u(rng, 3600, 20 * 3600, n), _u(rng, 60, 7200, n))
    approved = np.where(approved < AS_OF, approved, -1)
    return dict(
        n=n, tpl=tpl, cat=cat, simple=simple, general=general, squad=squad, o1=o1, o2=o2,
        party=party, party_id=party_id, cause=pa.array(cause, pa.string()), source=source,
        location=location, major=major, emergency=emergency, disputed=disputed,
        obstructed=obstructed, mass=mass, risk=risk, M=M, stage=stage, start=start, end=end,
        open_at=open_at, approved=approved, concluded=concluded, archived=archived,
        legal_review_at=legal_review_at,
    )


def inject_cases(rng, c: dict, man) -> None:
    """Case-level defects (ZF05, ZF14, ZF17, DQ02), at most one per case."""
    n = c["n"]
    taken = np.zeros(n, bool)
    dec = SL["decision"]
    has_dec = c["M"][:, dec]
    concl = c["concluded"]
    can_archive = (concl >= 0) & (concl < ts("2026-10-16 00:00:00")) & (c["archived"] >= 0)
    m = pick(rng, can_archive, 0.03, taken)
    late_day = concl[m] // DAY + _u(rng, 31, 39, m.sum())
    c["archived"][m] = late_day * DAY + 10 * 3600
    c["start"][m, SL["archive"]] = c["archived"][m]
    c["end"][m, SL["archive"]] = c["archived"][m] + 1200
    man.add("ZF05", "violation", "cases", c["case_id"].filter(pa.array(m)), scope=concl[m], note="归档超过30日 / archived after 30 days")
    m = pick(rng, can_archive, 0.02, taken)
    c["archived"][m] = -1
    c["M"][m, SL["archive"]] = False
    man.add("ZF05", "violation", "cases", c["case_id"].filter(pa.array(m)), scope=concl[m], note="结案逾期未归档 / concluded, never archived")
    early = c["open_at"] < AS_OF - 3 * DAY
    m = pick(rng, c["emergency"] & early, 0.15, taken)
    c["approved"][m] = c["open_at"][m] + _u(rng, 26 * 3600, 72 * 3600, m.sum())
    man.add("ZF14", "violation", "cases", c["case_id"].filter(pa.array(m)), scope=c["open_at"][m], note="紧急启动超过24小时补办审批 / approved after 24 h")
    m = pick(rng, c["emergency"] & early, 0.1, taken)
    c["approved"][m] = -1
    man.add("ZF14", "violation", "cases", c["case_id"].filter(pa.array(m)), scope=c["open_at"][m], note="紧急启动未补办审批 / never approved")
    dec_start = c["start"][:, dec]
    m = pick(rng, c["major"] & has_dec, 0.12, taken)
    c["legal_review_at"][m] = -1
    man.add("ZF17", "violation", "cases", c["case_id"].filter(pa.array(m)), scope=dec_start[m], note="重大执法决定未经法制审核 / no legal review")
    m = pick(rng, c["major"] & has_dec & (dec_start < AS_OF - 3 * DAY), 0.12, taken)
    c["legal_review_at"][m] = dec_start[m] + _u(rng, 3600, 48 * 3600, m.sum())
    man.add("ZF17", "violation", "cases", c["case_id"].filter(pa.array(m)), scope=dec_start[m], note="法制审核晚于作出决定 / legal review after decision")
    m = pick(rng, c["archived"] >= 0, 0.003, taken)
    c["archived"][m] = concl[m] - _u(rng, 1, 3, m.sum()) * DAY
    c["start"][m, SL["archive"]] = c["archived"][m]
    c["end"][m, SL["archive"]] = c["archived"][m] + 1200
    man.add("DQ02", "dq", "cases", c["case_id"].filter(pa.array(m)), scope=concl[m], note="归档时间早于结案时间 / archived before concluded")
