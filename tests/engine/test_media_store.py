"""hash_store on a real media store directory, and ZF13 fed by it through run_audit."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
from small_bureau import AS_OF, make_bureau, rules_profile

from zfaudit.db import connect
from zfaudit.engine.media_store import CHUNK, hash_store, resolve, sha256_file
from zfaudit.engine.run import run_audit
from zfaudit.errors import AuditError


def _media(con, media_id, path, sha, recorded_end="2026-07-01 09:30:00", case_id="K1"):
    con.execute(
        "INSERT INTO media (media_id, device_id, officer_id, case_id, kind, recorded_start, "
        "recorded_end, uploaded_at, sha256, path) VALUES (?, NULL, 'O1', ?, 'video', ?, ?, ?, ?, ?)",
        [media_id, case_id, recorded_end, recorded_end, recorded_end, sha, path],
    )


@pytest.fixture
def store_db(tmp_path):
    """M1 intact (Windows separators, uppercase hash), M2 altered, M3 missing, M4 no hash,
    M5 outside the store, M6 intact but recorded after the period."""
    store = tmp_path / "store"
    (store / "2026" / "07").mkdir(parents=True)
    good = os.urandom(CHUNK * 2 + 123)  # spans several 1 MiB chunks
    (store / "2026" / "07" / "m1.mp4").write_bytes(good)
    (store / "m2.mp4").write_bytes(b"edited footage")
    (store / "m4.mp4").write_bytes(b"no hash recorded")
    (store / "m6.mp4").write_bytes(b"october")
    (tmp_path / "secret.txt").write_bytes(b"outside")
    db = make_bureau(tmp_path / "media.duckdb")
    sha_good = hashlib.sha256(good).hexdigest()
    with connect(db) as con:
        _media(con, "M1", "2026\\07\\m1.mp4", sha_good.upper())
        _media(con, "M2", "m2.mp4", hashlib.sha256(b"original footage").hexdigest())
        _media(con, "M3", "/m3.mp4", hashlib.sha256(b"gone").hexdigest())
        _media(con, "M4", "m4.mp4", None)
        _media(con, "M5", "../secret.txt", hashlib.sha256(b"outside").hexdigest())
        _media(con, "M6", "m6.mp4", hashlib.sha256(b"october").hexdigest(),
               recorded_end="2026-10-05 09:00:00")
        _media(con, "M7", None, None)  # no path: nothing to hash
    return db, store, sha_good


def test_sha256_file_streams_in_chunks(tmp_path):
    data = os.urandom(CHUNK * 3 + 7)
    f = tmp_path / "big.bin"
    f.write_bytes(data)
    assert sha256_file(f) == hashlib.sha256(data).hexdigest()


def test_resolve_stays_inside_the_store(tmp_path):
    assert resolve(tmp_path, "a\\b.mp4") == tmp_path / "a" / "b.mp4"
    assert resolve(tmp_path, "/a/b.mp4") == tmp_path / "a" / "b.mp4"
    assert resolve(tmp_path, "../x") is None
    assert resolve(tmp_path, "  ") is None


def test_hash_store_rows(store_db):
    db, store, sha_good = store_db
    with connect(db) as con:
        rows = hash_store(con, store, progress=False)
        in_q3 = hash_store(con, store, progress=False,
                           recorded_in=(dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1)))
    assert rows == [
        ("M1", True, sha_good, None),
        ("M2", True, hashlib.sha256(b"edited footage").hexdigest(), None),
        ("M3", False, None, "missing"),
        ("M4", True, hashlib.sha256(b"no hash recorded").hexdigest(), None),
        ("M5", False, None, "outside_store"),  # a path leaving the store is never read
        ("M6", True, hashlib.sha256(b"october").hexdigest(), None),
    ]
    assert [r[0] for r in in_q3] == ["M1", "M2", "M3", "M4", "M5"]


def test_missing_store_dir_is_an_error(store_db, tmp_path):
    db, _, _ = store_db
    with connect(db) as con, pytest.raises(AuditError, match="media store"):
        hash_store(con, tmp_path / "nowhere", progress=False)


def _zf13(db, run_id):
    with connect(db, read_only=True) as con:
        return dict(con.execute(
            "SELECT media_id, outcome FROM audit.items_zf13 ORDER BY 1").fetchall()), \
            con.execute("SELECT media_store FROM audit_runs WHERE run_id = ?", [run_id]).fetchone()[0]


def test_zf13_with_and_without_store(store_db, tmp_path):
    db, store, _ = store_db
    profile = rules_profile(tmp_path, ["ZF13"])
    with_store = run_audit(db, profile, "2026Q3", as_of=AS_OF, media_store=store, progress=False)
    outcomes, recorded = _zf13(db, with_store)
    # RULES.md ZF13 covers every media item: M7 (no path, no hash) is one, a violation
    assert outcomes == {"M1": "pass", "M2": "violation", "M3": "violation",
                        "M4": "violation", "M5": "violation", "M7": "violation"}
    assert recorded == str(Path(store).resolve())
    without = run_audit(db, profile, "2026Q3", as_of=AS_OF, progress=False)
    outcomes, recorded = _zf13(db, without)
    # no store: nothing passes; a missing hash is a violation in any case (RULES.md ZF13)
    assert outcomes == {"M1": "not_checked", "M2": "not_checked", "M3": "not_checked",
                        "M4": "violation", "M5": "not_checked", "M7": "violation"}
    assert recorded is None


def test_zf13_on_sample_store_finds_exactly_the_injected_problems(tmp_path):
    """The sample bureau's media store (zfaudit.sample) with its injected missing / altered /
    unhashed originals: the audit's ZF13 violations are exactly the manifest's in 2026Q3."""
    from zfaudit.ingest.loader import load
    from zfaudit.sample import write_sample

    export, store, db = tmp_path / "export", tmp_path / "store", tmp_path / "s.duckdb"
    write_sample(export, cases=300, seed=7, media_store=store)
    load(export, db, progress=False)
    run_id = run_audit(db, rules_profile(tmp_path, ["ZF13"]), "2026Q3", as_of=AS_OF,
                       media_store=store, progress=False)
    with connect(db, read_only=True) as con:
        expected = {r[0] for r in con.execute(
            "SELECT item_id FROM read_csv(?, all_varchar = true) WHERE rule_id = 'ZF13' "
            "AND outcome = 'violation' AND scope_at >= '2026-07-01' AND scope_at < '2026-10-01'",
            [str(export / "_injected.csv")]).fetchall()}
        found = {r[0] for r in con.execute(
            "SELECT media_id FROM findings WHERE run_id = ? AND rule_id = 'ZF13' "
            "AND outcome = 'violation'", [run_id]).fetchall()}
    assert expected and found == expected


def test_links_out_of_the_store_and_special_files_are_never_opened(tmp_path, monkeypatch):
    """issue 10 item 11: a symlink to /etc/passwd, with the right hash recorded, passed."""
    import builtins

    store = tmp_path / "store"
    store.mkdir()
    secret = tmp_path / "passwd"
    secret.write_bytes(b"root:x:0:0\n")
    (store / "leak.mp4").symlink_to(secret)
    (store / "inside").write_bytes(b"fine")
    (store / "link_inside.mp4").symlink_to(store / "inside")  # a link within the store is fine
    (store / "dir.mp4").mkdir()
    os.mkfifo(store / "pipe.mp4")  # opening a FIFO would block the audit
    db = make_bureau(tmp_path / "media.duckdb")
    with connect(db) as con:
        _media(con, "M_LEAK", "leak.mp4", hashlib.sha256(b"root:x:0:0\n").hexdigest())
        _media(con, "M_IN", "link_inside.mp4", hashlib.sha256(b"fine").hexdigest())
        _media(con, "M_DIR", "dir.mp4", hashlib.sha256(b"").hexdigest())
        _media(con, "M_PIPE", "pipe.mp4", hashlib.sha256(b"").hexdigest())
        _media(con, "M_MD5", "inside", hashlib.md5(b"fine").hexdigest())
    opened = []
    real_open = builtins.open

    def spy(file, *a, **kw):
        opened.append(os.path.realpath(file))
        return real_open(file, *a, **kw)

    monkeypatch.setattr(builtins, "open", spy)
    with connect(db) as con:
        rows = {r[0]: r[1:] for r in hash_store(con, store, progress=False)}
    monkeypatch.undo()
    assert rows["M_LEAK"] == (False, None, "outside_store")
    assert rows["M_IN"] == (True, hashlib.sha256(b"fine").hexdigest(), None)
    assert rows["M_DIR"] == (False, None, "not_regular")
    assert rows["M_PIPE"] == (False, None, "not_regular")
    assert rows["M_MD5"] == (True, hashlib.md5(b"fine").hexdigest(), None)  # MD5 by its length
    assert str(secret) not in opened and os.path.realpath(store / "pipe.mp4") not in opened
