"""ZF09 evidence media documented (001 §38; 002 §27; 003 §8, §11): runs in zhuzhou_cgzf,
linzi_amr, pengyang_county with the same semantics."""

import pytest

PROFILES = ["zhuzhou_cgzf", "linzi_amr", "pengyang_county"]


def evidence(bureau, media_id, kind="video", recorded_end="2026-08-01 10:00:00", **kw):
    values = dict(
        media_id=media_id, case_id="C1", device_id="D1", officer_id="O1", kind=kind,
        recorded_end=recorded_end, evidence=True, made_by="王某", method="执法记录仪拍摄导出",
        proves="当事人占道经营的事实",
    )
    values.update(kw)
    bureau.add("media", **values)


@pytest.fixture
def base(bureau):
    bureau.add("cases", case_id="C1", unit_id="U1")
    bureau.camera()
    return bureau


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf09", profile)


def test_documentation(base):
    evidence(base, "M_OK")
    evidence(base, "M_AUDIO_OK", kind="audio", transcript=True)
    evidence(base, "M_AUDIO_NO_TRANSCRIPT", kind="audio", transcript=None)
    evidence(base, "M_PHOTO_NO_TRANSCRIPT", kind="photo", transcript=False)  # only audio needs one
    evidence(base, "M_NO_MADE_BY", made_by=" ")
    evidence(base, "M_NO_METHOD", method=None)
    evidence(base, "M_NO_PROVES", proves="")
    evidence(base, "M_NOT_EVIDENCE", evidence=False, made_by=None)  # not an item
    evidence(base, "M_EVIDENCE_UNKNOWN", evidence=None, made_by=None)  # not an item
    for profile in PROFILES:
        items = base.run("zf09", profile).set_index("media_id")
        assert dict(items["outcome"]) == {
            "M_OK": "pass",
            "M_AUDIO_OK": "pass",
            "M_AUDIO_NO_TRANSCRIPT": "violation",
            "M_PHOTO_NO_TRANSCRIPT": "pass",
            "M_NO_MADE_BY": "violation",
            "M_NO_METHOD": "violation",
            "M_NO_PROVES": "violation",
        }, profile
        assert items.loc["M_AUDIO_NO_TRANSCRIPT", "detail"] == "作为证据的音像记录音频未附文字记录"
        assert items.loc["M_NO_METHOD", "detail"] == "作为证据的音像记录未注明制作方法"
        assert set(items["unit_id"]) == {"U1"}


def test_all_faults_listed(base):
    evidence(base, "M1", kind="audio", made_by=None, method=None, proves=None)
    for profile in PROFILES:
        assert base.run("zf09", profile)["detail"].tolist() == [
            "作为证据的音像记录未注明制作人、未注明制作方法、未注明证明对象、音频未附文字记录"
        ]


def test_period_by_recorded_end(base):
    evidence(base, "M_BEFORE", recorded_end="2026-06-30 23:59:59")
    evidence(base, "M_IN", recorded_end="2026-07-01 00:00:00")
    evidence(base, "M_AFTER", recorded_end="2026-10-01 00:00:00")
    for profile in PROFILES:
        assert base.outcomes("zf09", profile, key="media_id") == {"M_IN": "pass"}


def test_dangling_reference_never_passes(base):
    evidence(base, "M_GHOST_CASE", case_id="C404")
    evidence(base, "M_GHOST_DEVICE", device_id="D404")
    evidence(base, "M_GHOST_BAD", case_id="C404", proves=None)
    for profile in PROFILES:
        assert base.outcomes("zf09", profile, key="media_id") == {
            "M_GHOST_CASE": "not_checked",
            "M_GHOST_DEVICE": "not_checked",
            "M_GHOST_BAD": "violation",
        }
