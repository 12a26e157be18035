"""The sample-data generator: formats, determinism, scaling, and an exact defect manifest."""

from __future__ import annotations

import datetime as dt
import filecmp
import hashlib
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sample_oracle
from click.testing import CliRunner

from zfaudit.cli import cli
from zfaudit.sample import write_sample

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "data_samples" / "bureau"
COMMITTED_MEDIA = REPO / "data_samples" / "bureau_media"
FILES = ["执法单位.json", "执法人员.xlsx", "执法记录设备.xlsx", "案件.csv", "执法环节.csv",
         "环节执法人员.csv", "音像记录.csv", "调阅复制登记.csv", "_injected.csv", "_injected_other_profiles.csv",
         "例外登记.xlsx", "_register_expected.csv"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    d = tmp_path_factory.mktemp("sample")
    counts = write_sample(d / "bureau", cases=300, seed=7, media_store=d / "media")
    return d / "bureau", d / "media", counts


def _manifest(d: Path) -> pd.DataFrame:
    return pd.read_csv(d / "_injected.csv", dtype=str, keep_default_na=False)


def test_files_and_encodings(sample):
    d, _, counts = sample
    assert sorted(p.name for p in d.iterdir()) == sorted(FILES)
    for name in ("案件.csv", "调阅复制登记.csv"):
        raw = (d / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert raw.decode("gb18030").startswith('"案件编号"' if name == "案件.csv" else '"登记编号"')
    steps = (d / "执法环节.csv").read_bytes()
    assert steps.startswith(b"\xef\xbb\xbf" + '"环节编号"'.encode())
    media = (d / "音像记录.csv").read_bytes()
    assert media.decode("utf-8").startswith('"文件编号"') and not media.startswith(b"\xef\xbb\xbf")
    units = json.loads((d / "执法单位.json").read_text("utf-8"))
    assert units[0] == {"单位编码": "XJ00", "单位名称": "湘江市城市管理和综合执法局", "上级单位编码": None}
    assert len(units) == counts["units"]


def test_xlsx_has_real_date_cells(sample):
    d, _, counts = sample
    ws = openpyxl.load_workbook(d / "执法人员.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("工号", "姓名", "执法证号", "所属单位", "证件有效期起", "证件有效期止")
    assert len(rows) - 1 == counts["officers"]
    assert isinstance(rows[1][4], dt.datetime) and isinstance(rows[1][5], dt.datetime)
    # the auxiliary officers hold no certificate: empty number and dates
    assert any(r[2] is None and r[4] is None for r in rows[1:])
    assert rows[-3][5] == "2026-02-30"  # the unreadable date is text


def test_value_spellings(sample):
    d, _, _ = sample
    cases = (d / "案件.csv").read_bytes().decode("gb18030")
    assert "年" in cases and "时" in cases and "秒" in cases and '"否"' in cases and '"行政处罚"' in cases
    steps = (d / "执法环节.csv").read_text("utf-8-sig")
    assert '"√"' in steps and '"×"' in steps and "2026/" in steps and '"调查询问"' in steps
    media = (d / "音像记录.csv").read_text("utf-8")
    for token in ('"Y"', '"N"', '"是"', '"有"', '"true"', '"false"', '"video"', '"audio"', '"photo"'):
        assert token in media, token
    access = (d / "调阅复制登记.csv").read_bytes().decode("gb18030")
    assert "T" in access.splitlines()[1] and '"复制"' in access
    so = (d / "环节执法人员.csv").read_text("utf-8")
    assert so.splitlines()[0] == '"step_id","officer_id","cert_shown"' and '"1"' in so


def test_deterministic(tmp_path, sample):
    d, media, _ = sample
    write_sample(tmp_path / "again", cases=300, seed=7, media_store=tmp_path / "m")
    for name in FILES:
        assert (tmp_path / "again" / name).read_bytes() == (d / name).read_bytes(), name
    write_sample(tmp_path / "other", cases=300, seed=8)
    assert (tmp_path / "other" / "案件.csv").read_bytes() != (d / "案件.csv").read_bytes()


def test_counts_scale_with_cases(tmp_path, sample):
    _, _, c300 = sample
    c900 = write_sample(tmp_path / "b900", cases=900, seed=7)
    assert c300["cases"] == 300 + 5 and c900["cases"] == 900 + 5  # + the unreadable rows
    for t in ("steps", "step_officers", "media"):
        assert 2.5 < c900[t] / c300[t] < 3.5, t
    assert 7 <= c300["media"] / 300 <= 13  # about ten media rows per case


def test_every_defect_kind_occurs(sample):
    man = _manifest(sample[0])
    rules = set(man.rule_id)
    assert {f"ZF{i:02d}" for i in range(1, 18)} | {"DQ01", "DQ02", "QUARANTINE"} <= rules
    kinds = set(zip(man.rule_id, man.note, strict=True))
    for rule, n_kinds in {"ZF02": 4, "ZF03": 2, "ZF04": 2, "ZF05": 2, "ZF07": 3, "ZF08": 3, "ZF09": 4,
                          "ZF10": 2, "ZF12": 3, "ZF13": 3, "ZF14": 2, "ZF17": 2, "DQ01": 7, "DQ02": 4}.items():
        assert sum(1 for r, _ in kinds if r == rule) == n_kinds, rule
    q = man[man.rule_id == "QUARANTINE"]
    assert set(q.note) == {"bad_timestamp", "unknown_code", "missing_key", "duplicate_key", "ragged_line", "bad_date"}
    assert set(q.table) == {"units", "officers", "devices", "cases", "steps", "step_officers", "media", "media_access"}
    # late uploads across the 2026 Mid-Autumn / National Day holidays are among them
    late = man[(man.rule_id == "ZF04") & man.note.str.contains("working days")]
    assert any("2026-09-22" <= s < "2026-10-01" for s in late.scope_at)
    other = pd.read_csv(sample[0] / "_injected_other_profiles.csv", dtype=str)
    assert set(other.profile) == {"shandong_district_zhzf", "linzi_amr"}


def test_manifest_is_exactly_the_violations(sample):
    """An independent reading of RULES.md (tests/sample_oracle.py) finds exactly the listed defects."""
    d, media, _ = sample
    man = _manifest(d)
    listed = {(r.rule_id, r.item_id, r.officer_id or None) for r in man.itertuples() if r.rule_id.startswith("ZF")}
    found = sample_oracle.findings(sample_oracle.connect(d, media))
    assert found == listed
    # and each listed item's scope time is the item's own time (period filtering works)
    assert all(s.startswith("2026-") for s in man[man.rule_id.str.startswith("ZF")].scope_at)


def test_media_store(sample):
    d, media, _ = sample
    m = pd.read_csv(d / "音像记录.csv", dtype=str, keep_default_na=False, skipfooter=0)
    m = m[m["存储路径"] != ""].drop_duplicates("文件编号")
    man = _manifest(d)
    missing = set(man[man.note.str.contains("file missing") & (man.rule_id == "ZF13")].item_id)
    altered = set(man[man.note.str.contains("file altered") & (man.rule_id == "ZF13")].item_id)
    ok = 0
    for r in m.itertuples():
        p = media / r[13]
        if r[1] in missing:
            assert not p.exists()
        elif r[1] in altered:
            assert hashlib.sha256(p.read_bytes()).hexdigest() != r[11]
        elif r[11]:
            assert hashlib.sha256(p.read_bytes()).hexdigest() == r[11]
            ok += 1
    assert ok > 2000 and missing and altered


def test_pii_is_realistic(sample):
    d = sample[0]
    cases = pd.read_csv(d / "案件.csv", encoding="gb18030", dtype=str)
    ids = cases["当事人证件号码"].dropna()
    persons = ids[ids.str.fullmatch(r"\d{17}[\dX]")]
    assert len(persons) > 50
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for x in persons:
        assert "10X98765432"[sum(int(a) * b for a, b in zip(x[:17], w, strict=True)) % 11] == x[17]
    assert ids.str.fullmatch(r"9[12]\d{6}[0-9A-Z]{10}").sum() > 50
    assert cases["当事人"].str.contains("有限公司|店").sum() > 50


def test_committed_sample_is_fresh(tmp_path):
    """data_samples/ equals a fresh run of the command in data_samples/README.md."""
    readme = (REPO / "data_samples" / "README.md").read_text("utf-8")
    assert "zfaudit sample --out data_samples/bureau --cases 300 --seed 7 --media-store data_samples/bureau_media" in readme
    write_sample(tmp_path / "bureau", cases=300, seed=7, media_store=tmp_path / "bureau_media")
    for name in FILES:
        assert (tmp_path / "bureau" / name).read_bytes() == (COMMITTED / name).read_bytes(), name
    cmp = filecmp.dircmp(tmp_path / "bureau_media", COMMITTED_MEDIA)
    stack = [cmp]
    while stack:
        c = stack.pop()
        assert not c.left_only and not c.right_only and not c.diff_files, c.left
        stack.extend(c.subdirs.values())


def test_cli(tmp_path):
    result = CliRunner().invoke(cli, ["sample", "--out", str(tmp_path / "x"), "--cases", "40", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "cases 45" in result.output and "注入缺陷" in result.output
    assert (tmp_path / "x" / "案件.csv").exists() and not (tmp_path / "media").exists()
    bad = CliRunner().invoke(cli, ["sample", "--out", str(tmp_path / "y"), "--cases", "0"])
    assert bad.exit_code == 2


def test_loader_quarantines_exactly_the_unreadable_rows(tmp_path):
    """Loading data_samples/bureau quarantines exactly the rows listed as QUARANTINE, by line."""
    import duckdb

    from zfaudit.ingest.loader import load

    load(COMMITTED, tmp_path / "b.duckdb", progress=False)
    con = duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True)
    got = set(con.execute("SELECT table_name, line FROM quarantine").fetchall())
    man = _manifest(COMMITTED)
    q = man[man.rule_id == "QUARANTINE"]
    assert got == {(r.table, int(r.line)) for r in q.itertuples()}
    assert len(got) == 31
    # everything else loaded: 300 cases, and every media row but the 5 unreadable ones
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 300
    n_media = sum(1 for _ in open(COMMITTED / "音像记录.csv", encoding="utf-8")) - 1
    assert con.execute("SELECT count(*) FROM media").fetchone()[0] == n_media - 5


def test_several_chunks_stay_exact(tmp_path, monkeypatch):
    """Across chunk boundaries ids stay unique and the manifest stays exact (no media store)."""
    import zfaudit.sample.bureau as sample_mod

    monkeypatch.setattr(sample_mod, "CHUNK", 400)
    counts = write_sample(tmp_path / "b", cases=1000, seed=5)
    d = tmp_path / "b"
    for name, enc in (("执法环节.csv", "utf-8-sig"), ("音像记录.csv", "utf-8"), ("调阅复制登记.csv", "gb18030")):
        ids = pd.read_csv(d / name, encoding=enc, dtype=str).iloc[:, 0].dropna()
        assert ids.duplicated().sum() == 1, name  # only the injected duplicate key
    assert counts["cases"] == 1005
    man = _manifest(d)
    z = man[man.rule_id.str.startswith("ZF") & (man.requires != "media_store")]
    listed = {(r.rule_id, r.item_id, r.officer_id or None) for r in z.itertuples()}
    found = sample_oracle.findings(sample_oracle.connect(d, None))
    assert found == listed


@pytest.mark.slow
def test_audit_finds_exactly_the_injected_violations(tmp_path):
    """End to end: load data_samples/bureau, audit the year 2026 under zhuzhou_cgzf with the media
    store; the violations (and ZF15 advisories) are exactly the listed defects."""
    import duckdb

    from zfaudit.engine.run import run_audit
    from zfaudit.ingest.loader import load

    db = tmp_path / "b.duckdb"
    load(COMMITTED, db, progress=False)
    # Q4 deadlines reach into 2027; a plain weekend calendar is enough (no item is due then)
    (tmp_path / "2027.csv").write_text("date,kind,name\n2027-01-01,holiday,元旦\n", "utf-8")
    assert CliRunner().invoke(cli, ["calendar", "add", str(tmp_path / "2027.csv"), "--db", str(db)]).exit_code == 0
    runs = [run_audit(db, "zhuzhou_cgzf", "2026", as_of="2026-11-25 00:00:00", media_store=COMMITTED_MEDIA,
                      progress=False)]
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        """SELECT rule_id, CASE WHEN rule_id IN ('ZF05', 'ZF14', 'ZF17') THEN case_id
             WHEN rule_id IN ('ZF01', 'ZF02', 'ZF03', 'ZF06', 'ZF07', 'ZF16') THEN step_id
             WHEN rule_id = 'ZF12' THEN access_id ELSE media_id END,
             CASE WHEN rule_id = 'ZF02' THEN officer_id END
           FROM findings WHERE list_contains(?, run_id) AND rule_id LIKE 'ZF%'
             AND (outcome = 'violation' OR (rule_id = 'ZF15' AND outcome = 'advisory'))""", [runs]).fetchall()
    man = _manifest(COMMITTED)
    z = man[man.rule_id.str.startswith("ZF")]
    assert set(rows) == {(r.rule_id, r.item_id, r.officer_id or None) for r in z.itertuples()}
    assert len(rows) == len(z)
