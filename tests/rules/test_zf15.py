"""ZF15 recording unrelated to enforcement (000 §15; 001 §55): shandong_district_zhzf and
zhuzhou_cgzf, always advisory."""

import pandas as pd

PROFILES = ["shandong_district_zhzf", "zhuzhou_cgzf"]


def media(bureau, media_id, case_id=None, patrol=None, recorded_end="2026-08-01 21:10:00", **kw):
    values = dict(media_id=media_id, case_id=case_id, patrol=patrol, device_id="D1",
                  officer_id="O1", kind="video", recorded_start="2026-08-01 21:00:00",
                  recorded_end=recorded_end)
    values.update(kw)
    bureau.add("media", **values)


def test_interface(check_interface):
    for profile in PROFILES:
        check_interface("zf15", profile)


def test_unlinked_non_patrol_media_listed(bureau):
    bureau.add("cases", case_id="C1", unit_id="U1")
    bureau.add("devices", device_id="D1", unit_id="U2")
    media(bureau, "M_UNLINKED", patrol=False)
    media(bureau, "M_PATROL_UNKNOWN", patrol=None)  # not marked as patrol: listed too
    media(bureau, "M_PATROL", patrol=True)
    media(bureau, "M_CASE", case_id="C1")
    media(bureau, "M_GHOST_DEVICE", device_id="D404")
    media(bureau, "M_BEFORE", recorded_end="2026-06-30 23:59:59")
    media(bureau, "M_AFTER", recorded_end="2026-10-01 00:00:00")
    for profile in PROFILES:
        items = bureau.run("zf15", profile).set_index("media_id")
        assert dict(items["outcome"]) == {
            "M_UNLINKED": "advisory", "M_PATROL_UNKNOWN": "advisory",
            "M_GHOST_DEVICE": "advisory",
        }, profile
        # no case: the device's unit (unknown device: no unit)
        assert items.loc["M_UNLINKED", "unit_id"] == "U2"
        assert pd.isna(items.loc["M_GHOST_DEVICE", "unit_id"])
        assert items.loc["M_UNLINKED", "officer_id"] == "O1"
        assert items.loc["M_UNLINKED", "observed_at"] == pd.Timestamp("2026-08-01 21:10:00")
        assert items.loc["M_UNLINKED", "detail"] == (
            "未关联案件且未标注日常巡查的音像记录（2026-08-01 21:00:00 至 2026-08-01 21:10:00），"
            "请复核是否与执法无关"
        )
