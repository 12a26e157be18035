"""The sample bureau's organisation: units, officers (with certificate traps), devices.

Small tables (one row per person or device), generated once per sample and kept in memory.
Each squad (中队) has regular officers who do the enforcement work, plus three people the
defect injector puts on field steps: an auxiliary without a certificate (协管员), an officer
whose certificate expired on 2026-03-31 and one whose certificate is valid only from 2026-09-01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .format import ts
from .names import person_names

BUREAU = "湘江市城市管理和综合执法局"
EXPIRED_TO = ts("2026-03-31 00:00:00")
NOT_YET_FROM = ts("2026-09-01 00:00:00")


@dataclass
class Org:
    unit_id: list[str]
    unit_name: list[str]
    parent_id: list[str | None]
    squads: np.ndarray  # unit index of each squad
    # officers
    officer_id: np.ndarray  # str
    officer_name: np.ndarray  # str
    cert_no: np.ndarray  # str or None
    officer_unit: np.ndarray  # unit index
    valid_from: np.ndarray  # seconds
    valid_to: np.ndarray
    regular: np.ndarray  # officer indexes per squad: shape (n_squads, per_squad)
    aux: np.ndarray  # one per squad
    expired: np.ndarray
    not_yet: np.ndarray
    legal: np.ndarray  # 法规科 officers (legal review)
    leaders: np.ndarray  # approvers of media access
    bodycam: np.ndarray  # officer index -> device index (-1: none)
    # devices
    device_id: np.ndarray
    device_kind: np.ndarray  # index into DEVICE_KINDS
    device_unit: np.ndarray
    camera: np.ndarray  # per squad
    recorder: np.ndarray  # per squad


DEVICE_KINDS = ["bodycam", "camera", "camcorder", "cctv", "recorder"]


def make_org(cases: int, seed: int) -> Org:
    rng = np.random.default_rng([seed, 999_999])
    n_squads = int(np.clip(cases // 20_000, 6, 60))
    per_squad = int(max(8, -(-cases // n_squads) // 100))
    unit_id = ["XJ00", "XJ01", "XJ02"] + [f"XJ{10 + i:02d}" for i in range(n_squads)]
    unit_name = [BUREAU, "法制审核科", "执法督察科"] + [
        f"{['天元', '芦淞', '荷塘', '石峰', '渌口'][i % 5]}大队第{i // 5 + 1}中队" for i in range(n_squads)
    ]
    parent_id = [None] + ["XJ00"] * (len(unit_id) - 1)
    squads = np.arange(3, 3 + n_squads)

    # officer layout: leaders (unit 0), legal (unit 1), then per squad: regular..., aux, expired, not_yet
    n_lead, n_legal = 3, 4
    units = [0] * n_lead + [1] * n_legal
    for s in squads:
        units += [int(s)] * (per_squad + 3)
    units = np.array(units)
    n = len(units)
    officer_id = np.array([f"{10001 + i}" for i in range(n)], dtype=object)
    names = np.array(person_names(rng, n).to_pylist(), dtype=object)
    cert = np.array([f"430200{20180 + int(x):05d}{i:04d}" for i, x in enumerate(rng.integers(0, 60, n))], dtype=object)
    valid_from = ts("2023-01-01 00:00:00") + rng.integers(0, 900, n) * 86_400
    valid_to = valid_from + 5 * 365 * 86_400
    base = n_lead + n_legal
    idx = base + np.arange(n_squads)[:, None] * (per_squad + 3)
    regular = idx + np.arange(per_squad)[None, :]
    aux, expired, not_yet = idx[:, 0] + per_squad, idx[:, 0] + per_squad + 1, idx[:, 0] + per_squad + 2
    cert[aux] = None
    valid_from[aux] = -1
    valid_to[aux] = -1
    valid_from[expired] = ts("2021-04-01 00:00:00")
    valid_to[expired] = EXPIRED_TO
    valid_from[not_yet] = NOT_YET_FROM
    valid_to[not_yet] = NOT_YET_FROM + 5 * 365 * 86_400

    # devices: a bodycam for every regular and legal officer; per squad a camera, a recorder,
    # a camcorder; two CCTV cameras at the bureau
    cam_holders = np.concatenate([np.arange(n_lead, base), regular.ravel()])
    kinds = [0] * len(cam_holders) + [1, 4, 2] * n_squads + [3, 3]
    dev_units = list(units[cam_holders]) + [int(s) for s in squads for _ in range(3)] + [0, 0]
    prefix = {0: "DSJ", 1: "XJ", 2: "SXJ", 3: "JK", 4: "LYB"}
    device_id = np.array([f"{prefix[k]}{i + 1:06d}" for i, k in enumerate(kinds)], dtype=object)
    bodycam = np.full(n, -1)
    bodycam[cam_holders] = np.arange(len(cam_holders))
    first_squad_dev = len(cam_holders)
    return Org(
        unit_id, unit_name, parent_id, squads,
        officer_id, names, cert, units, valid_from, valid_to,
        regular, aux, expired, not_yet,
        np.arange(n_lead, base), np.arange(0, n_lead), bodycam,
        device_id, np.array(kinds), np.array(dev_units),
        first_squad_dev + 3 * np.arange(n_squads), first_squad_dev + 3 * np.arange(n_squads) + 1,
    )
