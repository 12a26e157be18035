"""`write_sample`: a synthetic bureau export in the data contract's formats, with known defects.

The export mixes what real bureaus send: Chinese file names and headers, GB18030 / UTF-8 /
UTF-8-with-BOM CSV, xlsx with real date cells, JSON; every timestamp and boolean spelling of the
contract. Cases are generated and written in chunks (bounded memory at any size); the same
(cases, seed) always gives the same bytes. Defects are injected at a few percent per kind and
listed in `_injected.csv` (see sample/manifest.py); a handful of unreadable rows per table are
appended at the end of each file and listed with their line numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..contract import contract
from .cases import gen_cases, inject_cases
from .format import EPOCH, fmt_bool, fmt_code, fmt_ts, write_xlsx
from .manifest import Manifest
from .media import content, gen_media
from .org import DEVICE_KINDS, make_org
from .register import write_register
from .steps import gen_steps

CHUNK = 5_000  # cases per chunk: fixed, so the output does not depend on memory or cores

# table -> file, encoding, header language, timestamp style, boolean style(s), code language
SPECS = {
    "cases": dict(file="案件.csv", enc="gb18030", header="zh", ts="zh", bools="zh", codes="zh"),
    "steps": dict(file="执法环节.csv", enc="utf-8-sig", header="zh", ts="slash", bools="tick", codes="zh"),
    "step_officers": dict(file="环节执法人员.csv", enc="utf-8", header="en", bools="10"),
    "media": dict(file="音像记录.csv", enc="utf-8", header="zh", ts="iso", codes="en",
                  bools={"patrol": "yn", "evidence": "zh", "transcript": "have", "long_term": "tf"}),
    "media_access": dict(file="调阅复制登记.csv", enc="gb18030", header="zh", ts="isot", codes="zh"),
}
HEADER_VARIANTS = {("steps", "location"): " 地点 "}  # surrounding spaces: real exports have them


def _header(table: str, col: str) -> str:
    spec = SPECS[table]
    if spec["header"] == "en":
        return col
    return HEADER_VARIANTS.get((table, col), contract().tables[table].column(col).aliases[0])


def format_table(table: str, raw: dict) -> pa.Table:
    """Raw generated columns -> the text a bureau's export shows, in contract column order."""
    spec, ct = SPECS[table], contract()
    cols = {}
    for col in ct.tables[table].columns:
        v = raw[col.name]
        if col.type == "timestamp":
            out = fmt_ts(v, spec["ts"])
        elif col.type == "bool":
            b = spec["bools"]
            out = fmt_bool(v, b[col.name] if isinstance(b, dict) else b)
        elif col.codeset:
            names = list(ct.codesets[col.codeset])
            out = fmt_code(v, names, ct.codesets[col.codeset] if spec["codes"] == "zh" else None)
        elif col.type == "integer":
            out = pc.cast(pa.array(np.asarray(v, dtype=np.int64)), pa.string())
        else:
            out = v if isinstance(v, pa.Array) else pa.array(v, pa.string())
        cols[_header(table, col.name)] = out
    return pa.table(cols)


class CsvOut:
    """One CSV file written chunk by chunk in its encoding; counts physical lines."""

    def __init__(self, path: Path, enc: str):
        self.path, self.enc = path, enc
        self.f = open(path, "wb")
        if enc == "utf-8-sig":
            self.f.write(b"\xef\xbb\xbf")
        self.lines = 0
        self.header_done = False

    def write(self, t: pa.Table) -> None:
        buf = pa.BufferOutputStream()
        pacsv.write_csv(t, buf, pacsv.WriteOptions(include_header=not self.header_done, quoting_style="needed"))
        data = buf.getvalue().to_pybytes()
        self.lines += data.count(b"\n")
        self.header_done = True
        self.f.write(data if self.enc in ("utf-8", "utf-8-sig") else data.decode("utf-8").encode(self.enc))

    def write_raw_line(self, values: list[str]) -> None:
        line = ",".join('"' + v + '"' for v in values) + "\n"
        self.f.write(line.encode("utf-8" if self.enc == "utf-8-sig" else self.enc))
        self.lines += 1

    def close(self) -> None:
        self.f.close()


BAD_TS = "2026-13-01 09:30:00"


def _bad_rows(table: str, first_row: dict, key_col: str, ts_col: str | None, code_col: str | None,
              bad_code: str) -> list[tuple[str, list[str], str]]:
    """Unreadable rows appended to a CSV: (kind, values in header order, key shown)."""
    row = dict(first_row)
    key = row[key_col]
    out = []

    def variant(new_key, **changes):
        r = dict(row)
        r[key_col] = new_key
        r.update(changes)
        return r

    if ts_col:
        out.append(("bad_timestamp", variant(key + "-T", **{ts_col: BAD_TS})))
    if code_col:
        out.append(("unknown_code", variant(key + "-C", **{code_col: bad_code})))
    out.append(("missing_key", variant("")))
    dup = dict(row)
    out.append(("duplicate_key", dup))
    out.append(("ragged_line", variant(key + "-R")))
    return out


def write_sample(out: str | Path, cases: int = 300, seed: int = 7, media_store: str | Path | None = None,
                 progress: bool | None = None) -> dict:
    """Write a synthetic bureau export to `out` (and its media files to `media_store`).

    Returns the number of data rows written per table (unreadable rows included) and the number
    of manifest rows (`_injected`). Deterministic for a given (cases, seed).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = Path(media_store) if media_store is not None else None
    if store is not None:
        store.mkdir(parents=True, exist_ok=True)
    org = make_org(cases, seed)
    ct = contract()
    stage_names = list(ct.codesets["stage"])
    stage_index = {s: i for i, s in enumerate(stage_names)}
    counts: dict[str, int] = {}

    man, other = Manifest(), Manifest(profile_column=True)
    counts["units"] = _write_units(out / "执法单位.json", org, man)
    counts["officers"] = _write_officers(out / "执法人员.xlsx", org, man)
    counts["devices"] = _write_devices(out / "执法记录设备.xlsx", org, man)

    writers = {t: CsvOut(out / s["file"], s["enc"]) for t, s in SPECS.items()}
    man_out = CsvOut(out / "_injected.csv", "utf-8")
    other_out = CsvOut(out / "_injected_other_profiles.csv", "utf-8")
    first_rows: dict[str, dict] = {}
    next_step = next_media = next_access = 1
    chunks = range(0, cases, CHUNK)
    if progress is None:
        progress = sys.stderr.isatty()
    if progress:
        from tqdm import tqdm

        chunks = tqdm(chunks, total=-(-cases // CHUNK), unit="chunk", desc="sample")
    for first in chunks:
        n = min(CHUNK, cases - first)
        rng = np.random.default_rng([seed, first // CHUNK])
        c = gen_cases(rng, org, first, n, stage_index)
        prefix = np.array(["湘江城管罚", "湘江城管许", "湘江城管强", "湘江城管检", "湘江城管确", "湘江城管征"], dtype=object)
        c["case_id"] = pc.binary_join_element_wise(
            pa.array(prefix[c["cat"]], pa.string()), "〔2026〕",
            pc.utf8_lpad(pc.cast(pa.array(np.arange(first + 1, first + n + 1)), pa.string()), 6, "0"), "号", "")
        inject_cases(rng, c, man)
        steps, step_officers, ctx = gen_steps(rng, org, c, stage_names, next_step, man)
        media, access, store_flags = gen_media(rng, org, c, ctx, next_media, next_access, man, other)
        raw_cases = dict(
            case_id=c["case_id"], unit_id=pa.array(np.array(org.unit_id, dtype=object)[org.squads[c["squad"]]], pa.string()),
            category=c["cat"], procedure=c["simple"].astype(int), source=c["source"], cause=c["cause"],
            party_name=c["party"], party_id_no=c["party_id"], opened_at=c["open_at"],
            emergency_start=c["emergency"].astype(np.int8), approved_at=c["approved"],
            concluded_at=c["concluded"], archived_at=c["archived"], major=c["major"].astype(np.int8),
            legal_review_at=c["legal_review_at"], disputed=c["disputed"].astype(np.int8),
            obstructed=c["obstructed"].astype(np.int8), mass_incident=c["mass"].astype(np.int8),
            risk_level=c["risk"],
        )
        for table, raw in (("cases", raw_cases), ("steps", steps), ("step_officers", step_officers),
                           ("media", media), ("media_access", access)):
            t = format_table(table, raw)
            if table not in first_rows and t.num_rows:
                first_rows[table] = {k: v[0] for k, v in t.slice(0, 1).to_pydict().items()}
            writers[table].write(t)
            counts[table] = counts.get(table, 0) + t.num_rows
        next_step += len(steps["started_at"])
        next_media += len(media["recorded_start"])
        next_access += len(access["accessed_at"])
        if store is not None:
            _write_store(store, media, store_flags)
        for mo, mf in ((man, man_out), (other, other_out)):
            t = mo.take()
            if t is not None:
                mf.write(t)
    _append_bad_rows(writers, first_rows, man, counts)
    t = man.take()
    if t is not None:
        man_out.write(t)
    for w in (*writers.values(), man_out, other_out):
        w.close()
    counts["_injected"] = man_out.lines - 1
    counts["exceptions"] = write_register(out, org)
    return counts


# bad rows: (table, key column, timestamp column, code column, unknown code)
BAD = {
    "cases": ("case_id", "opened_at", "category", "行政奖励"),
    "steps": ("step_id", "started_at", "stage", "调解"),
    "step_officers": ("officer_id", None, None, ""),
    "media": ("media_id", "recorded_start", "kind", "全景图"),
    "media_access": ("access_id", "accessed_at", "action", "删除"),
}


def _append_bad_rows(writers: dict[str, CsvOut], first_rows: dict[str, dict], man: Manifest,
                     counts: dict[str, int]) -> None:
    """A handful of unreadable rows at the end of each CSV, listed with their line numbers."""
    for table, (key, ts_col, code_col, bad_code) in BAD.items():
        if table not in first_rows:
            continue
        h = {c: _header(table, c) for c in contract().tables[table].column_names}
        rows = _bad_rows(table, first_rows[table], h[key], ts_col and h[ts_col], code_col and h[code_col], bad_code)
        w = writers[table]
        for kind, values, in rows:
            vals = ["" if v is None else str(v) for v in values.values()]
            if kind == "ragged_line":
                w.write_raw_line(vals[: min(3, len(vals) - 1)])
            else:
                w.write_raw_line(vals)
            item = values[h[key]]
            if table == "step_officers":
                item = values[h["step_id"]] + "/" + (values[h["officer_id"]] or "")
            man.add("QUARANTINE", "quarantine", table, [item or ""], lines=[w.lines], note=kind)
            counts[table] += 1


def _write_units(path: Path, org, man: Manifest) -> int:
    """执法单位.json: records with Chinese keys, one per line (line = record index + 1)."""
    keys = ["单位编码", "单位名称", "上级单位编码"]
    recs = [dict(zip(keys, r, strict=True)) for r in zip(org.unit_id, org.unit_name, org.parent_id, strict=True)]
    recs.append({"单位编码": "", "单位名称": "临时专班", "上级单位编码": "XJ00"})
    recs.append({"单位编码": "XJ01", "单位名称": "法制科（重复）", "上级单位编码": "XJ00"})
    n = len(recs)
    man.add("QUARANTINE", "quarantine", "units", ["", "XJ01"], lines=[n - 1, n], note="missing_key")
    man.parts[-1] = man.parts[-1].set_column(
        man.parts[-1].schema.get_field_index("note"), "note", pa.array(["missing_key", "duplicate_key"]))
    path.write_text("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n]\n", "utf-8")
    return n


def _date(secs: int):
    return None if secs < 0 else EPOCH + dt.timedelta(seconds=int(secs))


def _write_officers(path: Path, org, man: Manifest) -> int:
    """执法人员.xlsx with real date cells; a bad date text, a missing and a duplicate key."""
    headers = ["工号", "姓名", "执法证号", "所属单位", "证件有效期起", "证件有效期止"]
    rows = [[org.officer_id[i], org.officer_name[i], org.cert_no[i], org.unit_id[org.officer_unit[i]],
             _date(org.valid_from[i]), _date(org.valid_to[i])] for i in range(len(org.officer_id))]
    n = len(rows)
    rows.append(["99001", "邓晓", "43020099001", org.unit_id[3], _date(org.valid_from[0]), "2026-02-30"])
    rows.append(["", "周敏", "43020099002", org.unit_id[3], _date(org.valid_from[0]), _date(org.valid_to[0])])
    rows.append([org.officer_id[0], org.officer_name[0], org.cert_no[0], org.unit_id[1],
                 _date(org.valid_from[0]), _date(org.valid_to[0])])
    write_xlsx(path, headers, rows, {4, 5})
    for j, (item, kind) in enumerate((("99001", "bad_date"), ("", "missing_key"), (org.officer_id[0], "duplicate_key"))):
        man.add("QUARANTINE", "quarantine", "officers", [item], lines=[n + 2 + j], note=kind)
    return len(rows)


def _write_devices(path: Path, org, man: Manifest) -> int:
    """执法记录设备.xlsx (kinds in Chinese); an unknown kind, a missing and a duplicate key."""
    labels = contract().codesets["device_kind"]
    headers = ["设备编号", "设备类型", "所属单位"]
    rows = [[org.device_id[i], labels[DEVICE_KINDS[org.device_kind[i]]], org.unit_id[org.device_unit[i]]]
            for i in range(len(org.device_id))]
    n = len(rows)
    rows.append(["UAV000001", "无人机", org.unit_id[3]])
    rows.append(["", "执法记录仪", org.unit_id[3]])
    rows.append([org.device_id[0], "执法记录仪", org.unit_id[4]])
    write_xlsx(path, headers, rows, set())
    for j, (item, kind) in enumerate((("UAV000001", "unknown_code"), ("", "missing_key"), (org.device_id[0], "duplicate_key"))):
        man.add("QUARANTINE", "quarantine", "devices", [item], lines=[n + 2 + j], note=kind)
    return len(rows)


def _write_store(store: Path, media: dict, flags: np.ndarray) -> None:
    """One tiny file per media item with a path; a few missing (flag 1) or altered (flag 2)."""
    for mid, path, flag in zip(media["media_id"].to_pylist(), media["path"].to_pylist(), flags, strict=True):
        if path is None or flag == 1:
            continue
        p = store / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content(mid, altered=flag == 2))
