"""ZF13 originals intact (000 §15; 001 §55; 002 §30; 003 §15; 004 §37): same in all five
profiles. audit.media_files is what the engine found in the media store."""

import hashlib

import pytest

PROFILES = ["shandong_district_zhzf", "zhuzhou_cgzf", "linzi_amr", "pengyang_county",
            "mingshan_emergency"]
GOOD = hashlib.sha256(b"original footage").hexdigest()
OTHER = hashlib.sha256(b"edited footage").hexdigest()


def media(bureau, media_id, sha256=GOOD, path=None, recorded_end="2026-08-01 10:00:00", **kw):
    values = dict(media_id=media_id, case_id="C1", device_id="D1", officer_id="O1", kind="video",
                  recorded_end=recorded_end, sha256=sha256,
                  path=path if path is not None else f"2026/08/{media_id}.mp4")
    values.update(kw)
    bureau.add("media", **values)


@pytest.fixture
def base(bureau):
    bureau.add("cases", case_id="C1", unit_id="U1")
    bureau.camera()
    media(bureau, "M_OK")
    media(bureau, "M_UPPER", sha256=GOOD.upper())  # hex case is not a difference
    media(bureau, "M_ALTERED")
    media(bureau, "M_MISSING")
    media(bureau, "M_NO_HASH", sha256=None)
    media(bureau, "M_NOT_LISTED")
    media(bureau, "M_NO_PATH", path="")  # no path: an item (RULES.md), never checked
    media(bureau, "M_OLD", recorded_end="2026-06-30 23:59:59")
    return bureau


STORE = [
    ("M_OK", True, GOOD),
    ("M_UPPER", True, GOOD),
    ("M_ALTERED", True, OTHER),
    ("M_MISSING", False, None),
    ("M_NO_HASH", True, GOOD),
    ("M_OLD", True, GOOD),
]


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf13", profile)


def test_with_media_store(base):
    for profile in PROFILES:
        items = base.run("zf13", profile, media_files=STORE).set_index("media_id")
        assert dict(items["outcome"]) == {
            "M_OK": "pass", "M_UPPER": "pass", "M_ALTERED": "violation",
            "M_MISSING": "violation", "M_NO_HASH": "violation", "M_NOT_LISTED": "not_checked",
            "M_NO_PATH": "not_checked",
        }, profile
        assert items.loc["M_NO_PATH", "detail"] == "未记录存储路径，无法核验原始文件"
        assert items.loc["M_ALTERED", "detail"] == "原始文件哈希值与上传时记录不一致，文件可能被修改"
        assert items.loc["M_MISSING", "detail"] == "存储路径 2026/08/M_MISSING.mp4 下原始文件缺失"
        assert items.loc["M_NO_HASH", "detail"] == "上传时未记录文件哈希值（sha256 为空）"
        assert items.loc["M_NOT_LISTED", "detail"] == "音像存储中未核验该文件"
        assert set(items["unit_id"]) == {"U1"}


def test_without_media_store_nothing_passes(base):
    for profile in PROFILES:
        items = base.run("zf13", profile).set_index("media_id")
        # a NULL sha256 is a violation in any case; the rest cannot be verified
        assert dict(items["outcome"]) == {
            "M_OK": "not_checked", "M_UPPER": "not_checked", "M_ALTERED": "not_checked",
            "M_MISSING": "not_checked", "M_NO_HASH": "violation", "M_NOT_LISTED": "not_checked",
            "M_NO_PATH": "not_checked",
        }, profile
        assert items.loc["M_OK", "detail"] == "未挂载音像存储，未核验原始文件"


def test_missing_without_hash_lists_both(bureau):
    media(bureau, "M1", sha256=None)
    items = bureau.run("zf13", "linzi_amr", media_files=[("M1", False, None)])
    assert items["detail"].tolist() == [
        "存储路径 2026/08/M1.mp4 下原始文件缺失；上传时未记录文件哈希值（sha256 为空）"
    ]


def test_dangling_reference_never_passes(base):
    media(base, "M_GHOST", case_id="C404")
    media(base, "M_GHOST_ALTERED", case_id="C404")
    store = [("M_GHOST", True, GOOD), ("M_GHOST_ALTERED", True, OTHER)]
    for profile in PROFILES:
        got = base.outcomes("zf13", profile, key="media_id", media_files=store)
        assert got["M_GHOST"] == "not_checked"
        assert got["M_GHOST_ALTERED"] == "violation"


@pytest.mark.parametrize("name, size", [("md5", 32), ("sha1", 40), ("sha256", 64), ("sha512", 128)])
def test_digests_are_told_apart_by_length(bureau, name, size):
    """issue 10 item 11: body cameras record MD5, SHA-1, SHA-256 or SHA-512 (RULES.md)."""
    good = hashlib.new(name, b"original footage").hexdigest()
    assert len(good) == size
    bureau.add("cases", case_id="C1", unit_id="U1")
    bureau.camera()
    media(bureau, "M_OK", sha256=good)
    media(bureau, "M_ALTERED", sha256=good)
    store = [("M_OK", True, good), ("M_ALTERED", True, hashlib.new(name, b"edited").hexdigest())]
    got = bureau.outcomes("zf13", "zhuzhou_cgzf", key="media_id", media_files=store)
    assert got == {"M_OK": "pass", "M_ALTERED": "violation"}


@pytest.mark.parametrize("recorded", ["abc", "g" * 64, GOOD[:63], GOOD + "0", "  "])
def test_a_digest_that_is_no_digest_is_a_violation_with_or_without_store(bureau, recorded):
    bureau.add("cases", case_id="C1", unit_id="U1")
    bureau.camera()
    media(bureau, "M1", sha256=recorded)
    for files in (None, [("M1", True, GOOD)]):
        items = bureau.run("zf13", "linzi_amr", media_files=files).set_index("media_id")
        assert items.loc["M1", "outcome"] == "violation"


def test_problems_found_in_the_store_are_violations_with_their_reason(bureau):
    bureau.add("cases", case_id="C1", unit_id="U1")
    bureau.camera()
    for m in ("M_LINK", "M_FIFO", "M_LOCKED"):
        media(bureau, m)
    store = [("M_LINK", False, None, "outside_store"), ("M_FIFO", False, None, "not_regular"),
             ("M_LOCKED", False, None, "unreadable")]
    items = bureau.run("zf13", "linzi_amr", media_files=store).set_index("media_id")
    assert set(items["outcome"]) == {"violation"}
    assert "指向音像存储之外" in items.loc["M_LINK", "detail"]
    assert "不是普通文件" in items.loc["M_FIFO", "detail"]
    assert "无法读取" in items.loc["M_LOCKED", "detail"]
