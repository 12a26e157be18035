"""An independent reading of a sample export against RULES.md (profile zhuzhou_cgzf).

Used by tests/sample/test_sample.py to prove that `_injected.csv` lists exactly the violations the
generated data contains (baseline clean, every listed defect real). It parses the files with
pandas and plain regexes — deliberately not with zfaudit's loader or rule SQL — and evaluates
the rules in DuckDB over the whole of 2026 with as_of 2026-11-25 00:00:00.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import chinese_calendar as cc
import duckdb
import pandas as pd

from zfaudit.contract import contract

AS_OF = "2026-11-25 00:00:00"
TS_RE = re.compile(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?[ T](\d{1,2})[:时](\d{1,2})分?(?::(\d{1,2})|(\d{1,2})秒)?$")
TRUE = {"是", "有", "y", "1", "true", "√"}
FALSE = {"否", "无", "n", "0", "false", "×"}
FILES = {"cases": ("案件.csv", "gb18030"), "steps": ("执法环节.csv", "utf-8-sig"),
         "step_officers": ("环节执法人员.csv", "utf-8"), "media": ("音像记录.csv", "utf-8"),
         "media_access": ("调阅复制登记.csv", "gb18030")}


def _ts(v):
    if not isinstance(v, str) or not v:
        return None
    m = TS_RE.match(v.strip())
    y, mo, d, h, mi, s1, s2 = m.groups()
    return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s1 or s2 or 0))


def _bool(v):
    if not isinstance(v, str):
        return None
    v = v.strip().lower()
    return True if v in TRUE else False if v in FALSE else None


def read_table(d: Path, table: str, skip_lines: set[int]) -> pd.DataFrame:
    ct = contract()
    fname, enc = FILES[table]
    df = pd.read_csv(d / fname, encoding=enc, dtype=str, keep_default_na=False, na_values=[""])
    df = df[~(df.index + 2).isin(skip_lines)]
    hl = ct.header_lookup(table)
    df.columns = [hl[re.sub(r"\s+", "", c)] for c in df.columns]
    for col in ct.tables[table].columns:
        s = df[col.name]
        if col.type == "timestamp":
            df[col.name] = pd.Series([_ts(v) for v in s], index=df.index, dtype="datetime64[us]")
        elif col.type == "bool":
            df[col.name] = pd.Series([_bool(v) for v in s], index=df.index, dtype="boolean")
        elif col.codeset:
            lk = ct.code_lookup(col.codeset)
            df[col.name] = [None if not isinstance(v, str) else lk[v.strip().lower()] for v in s]
        elif col.type == "integer":
            df[col.name] = pd.to_numeric(s)
    return df


def connect(d: Path, media_store: Path | None) -> duckdb.DuckDBPyConnection:
    man = pd.read_csv(d / "_injected.csv", dtype=str, keep_default_na=False)
    q = man[man.rule_id == "QUARANTINE"]
    con = duckdb.connect()
    for table in FILES:
        skip = {int(x) for x in q[q.table == table].line}
        con.register(f"{table}_df", read_table(d, table, skip))
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM {table}_df")
    off = pd.read_excel(d / "执法人员.xlsx", engine="openpyxl", dtype={"工号": str, "执法证号": str})
    off = off[off["工号"].notna()].drop_duplicates("工号").iloc[:-1]  # last row left: bad date
    off.columns = ["officer_id", "name", "cert_no", "unit_id", "cert_valid_from", "cert_valid_to"]
    off["cert_valid_from"] = pd.to_datetime(off["cert_valid_from"])
    off["cert_valid_to"] = pd.to_datetime(off["cert_valid_to"])
    con.register("off_df", off)
    con.execute("CREATE TABLE officers AS SELECT * FROM off_df")
    days = [dt.date(2026, 1, 1) + dt.timedelta(i) for i in range(365)]
    seq, n = [], 0
    for day in days:
        n += cc.is_workday(day)
        seq.append((day, n))
    con.register("cal_df", pd.DataFrame(seq, columns=["day", "seq"]))
    con.execute("CREATE TABLE cal AS SELECT day::DATE AS day, seq FROM cal_df")
    files = []
    if media_store is not None:
        import hashlib

        for mid, path in con.execute("SELECT media_id, path FROM media WHERE path IS NOT NULL").fetchall():
            p = media_store / path
            files.append((mid, p.exists(), hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None))
    con.register("files_df", pd.DataFrame(files, columns=["media_id", "present", "sha"]))
    con.execute("CREATE TABLE files AS SELECT * FROM files_df")
    return con


FIELD = ("inquiry", "inspection", "sampling", "preservation", "seizure", "release", "demolition",
         "enforcement", "random_inspection", "spot_sampling", "rectification_check", "destruction")
FULL = ("inquiry", "inspection", "sampling", "preservation", "seizure", "demolition", "enforcement")
SIGN = ("inquiry", "inspection", "sampling", "preservation", "seizure", "service_direct", "service_left",
        "statement", "hearing")

RULES = {
    "ZF01": f"""SELECT step_id AS item, NULL AS officer FROM steps s WHERE stage IN {FIELD}
        AND (SELECT count(DISTINCT officer_id) FROM step_officers o WHERE o.step_id = s.step_id) < 2""",
    "ZF02": f"""SELECT s.step_id, so.officer_id FROM steps s JOIN step_officers so USING (step_id)
        JOIN officers o USING (officer_id) WHERE s.stage IN {FIELD} AND (o.cert_no IS NULL
        OR s.started_at::DATE NOT BETWEEN o.cert_valid_from::DATE AND o.cert_valid_to::DATE
        OR so.cert_shown IS NOT TRUE)""",
    "ZF03": f"""SELECT step_id, NULL FROM steps s WHERE
        (stage IN {FULL} AND NOT EXISTS (SELECT 1 FROM media m WHERE m.step_id = s.step_id AND m.kind <> 'photo'))
        OR (stage IN ('service_left', 'service_notice') AND NOT EXISTS (SELECT 1 FROM media m WHERE m.step_id = s.step_id))""",
    "ZF04": """SELECT media_id, NULL FROM media m JOIN cal c ON c.day = m.recorded_end::DATE
        JOIN (SELECT seq, min(day) AS due_day FROM cal WHERE day IN (SELECT day FROM cal) GROUP BY seq) d
          ON d.seq = c.seq + 2
        WHERE coalesce(m.uploaded_at, TIMESTAMP '{as_of}') > d.due_day + INTERVAL '23:59:59'
          AND (m.uploaded_at IS NOT NULL OR d.due_day + INTERVAL '23:59:59' < TIMESTAMP '{as_of}')""",
    "ZF05": """SELECT case_id, NULL FROM cases WHERE concluded_at IS NOT NULL AND
        coalesce(archived_at, TIMESTAMP '{as_of}') > concluded_at::DATE + INTERVAL 30 DAY + INTERVAL '23:59:59'
        AND (archived_at IS NOT NULL OR concluded_at::DATE + INTERVAL 30 DAY + INTERVAL '23:59:59' < TIMESTAMP '{as_of}')""",
    "ZF06": """SELECT step_id, NULL FROM steps s JOIN cases c USING (case_id) WHERE
        (stage IN ('inquiry', 'seizure', 'demolition', 'enforcement') OR (stage = 'decision' AND c.procedure = 'simple'))
        AND EXISTS (SELECT 1 FROM media m WHERE m.step_id = s.step_id AND m.kind <> 'photo')
        AND recording_notice IS NOT TRUE""",
    "ZF07": f"""WITH av AS (SELECT m.*, s.started_at, s.ended_at,
            max(recorded_end) OVER (PARTITION BY m.step_id ORDER BY recorded_start, media_id
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
          FROM media m JOIN steps s USING (step_id) WHERE s.stage IN {FULL} AND m.kind <> 'photo')
        SELECT step_id, NULL FROM av GROUP BY step_id, started_at, ended_at HAVING
          date_diff('second', started_at, min(recorded_start)) > 120
          OR date_diff('second', max(recorded_end), ended_at) > 120
          OR bool_or(date_diff('second', prev_end, recorded_start) > 120 AND coalesce(interruption_note, '') = '')""",
    "ZF08": """SELECT media_id, NULL FROM media WHERE case_id IS NOT NULL AND (label_case_no IS DISTINCT FROM case_id
        OR coalesce(label_party, '') = '' OR coalesce(label_officer, '') = '')""",
    "ZF09": """SELECT media_id, NULL FROM media WHERE evidence AND (coalesce(made_by, '') = '' OR coalesce(method, '') = ''
        OR coalesce(proves, '') = '' OR (kind = 'audio' AND transcript IS NOT TRUE))""",
    "ZF10": """SELECT media_id, NULL FROM media m LEFT JOIN cases c USING (case_id) WHERE deleted_at IS NOT NULL AND (
        coalesce(c.disputed OR c.obstructed OR c.mass_incident, false) OR m.evidence IS TRUE
        OR c.procedure = 'general' OR c.category = 'coercion' OR deleted_at < recorded_end + INTERVAL 6 MONTH)""",
    "ZF11": """SELECT media_id, NULL FROM media m JOIN cases c USING (case_id) WHERE m.deleted_at IS NULL
        AND (c.disputed OR c.obstructed OR c.mass_incident) AND m.long_term IS NOT TRUE""",
    "ZF12": """SELECT access_id, NULL FROM media_access WHERE approved_by IS NULL OR approved_at IS NULL
        OR approved_at > accessed_at""",
    # every media item (RULES.md ZF13): no hash is a violation in any case; with a store, a file
    # missing or differing (the sample records SHA-256 only)
    "ZF13": """SELECT media_id, NULL FROM media m LEFT JOIN files f USING (media_id) WHERE m.sha256 IS NULL
        OR ((SELECT count(*) FROM files) > 0 AND m.path IS NOT NULL
            AND (f.present IS NOT TRUE OR f.sha <> m.sha256))""",
    "ZF14": """SELECT case_id, NULL FROM cases WHERE emergency_start AND (approved_at > opened_at + INTERVAL 24 HOUR
        OR (approved_at IS NULL AND opened_at + INTERVAL 24 HOUR < TIMESTAMP '{as_of}'))""",
    "ZF15": "SELECT media_id, NULL FROM media WHERE case_id IS NULL AND patrol IS NOT TRUE",
    "ZF16": f"""SELECT step_id, NULL FROM steps WHERE stage IN {SIGN} AND doc_no IS NOT NULL
        AND party_signed IS DISTINCT FROM 'signed' AND refusal_noted IS NOT TRUE""",
    "ZF17": """SELECT case_id, NULL FROM cases c JOIN (SELECT case_id, min(started_at) AS d FROM steps
        WHERE stage = 'decision' GROUP BY 1) USING (case_id) WHERE major AND (legal_review_at IS NULL OR legal_review_at > d)""",
}


def findings(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str | None]]:
    """{(rule_id, item_id, officer_id)} for every violation / advisory of zhuzhou_cgzf in 2026."""
    out = set()
    for rule, sql in RULES.items():
        for item, officer in con.execute(sql.format(as_of=AS_OF)).fetchall():
            out.add((rule, item, officer))
    return out
