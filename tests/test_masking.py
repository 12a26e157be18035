"""Masking personal data: names, organisations, ID numbers, whole frames."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from zfaudit.masking import mask_frame, mask_id, mask_name, pii_columns


@pytest.mark.parametrize(
    "value,masked",
    [
        ("张三丰", "张**"),
        ("王五", "王*"),
        ("欧阳娜娜", "欧***"),
        ("株洲市某某餐饮有限公司", "株洲***"),
        ("荷塘区老王烧烤店", "荷塘***"),
        ("某某超市", "某某***"),
        ("买买提·艾力", "买*****"),  # transliterated personal name: a person, not an organisation
        ("某店", "某*"),  # too short to tell: the stronger mask
        (" 李四 ", "李*"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_name(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(
    "value,masked",
    [
        ("430203199001011234", "430*************34"),
        ("91430200MA4L0ABC1X", "914*************1X"),
        ("123456", "123*56"),
        ("12345", "*****"),
        (None, None),
    ],
)
def test_mask_id(value, masked):
    assert mask_id(value) == masked


def test_pii_columns_from_contract():
    cols = pii_columns()
    for c in ("name", "party_name", "party_id_no", "label_party", "label_officer", "made_by",
              "requested_by", "approved_by", "当事人", "统一社会信用代码", "officer_name"):
        assert c in cols
    for c in ("unit_name", "case_id", "cert_no", "cause", "reason"):
        assert c not in cols


def test_mask_frame_default_and_explicit():
    df = pd.DataFrame(
        {
            "case_id": ["C1", "C2", "C3"],
            "party_name": ["张三丰", "株洲市某某餐饮有限公司", None],
            "party_id_no": ["430203199001011234", None, "91430200MA4L0ABC1X"],
            "当事人": ["李四", "王五", "赵六"],
            "unit_name": ["一中队", "二中队", "三中队"],
        }
    )
    out = mask_frame(df)
    assert out["party_name"].tolist()[:2] == ["张**", "株洲***"]
    assert pd.isna(out["party_name"][2])  # NULL stays NULL
    assert out["party_id_no"][0] == "430*************34" and pd.isna(out["party_id_no"][1])
    assert out["party_id_no"][2] == "914*************1X"
    assert out["当事人"].tolist() == ["李*", "王*", "赵*"]
    assert out["unit_name"].tolist() == ["一中队", "二中队", "三中队"]
    assert df["party_name"][0] == "张三丰"  # the input is not changed
    only = mask_frame(df, ["unit_name"])
    assert only["unit_name"].tolist() == ["一**", "二**", "三**"]
    assert only["party_name"][0] == "张三丰"


def test_mask_frame_quarantine_columns():
    df = pd.DataFrame({
        "column_name": ["party_name", "opened_at", None],
        "raw_value": ["王小明", "昨天", None],
        "raw_row": ['{"当事人 ": "王小明", "立案时间": "昨天"}', '{"case_id": "C1"}',
                    '{"raw_line": "C9,赵六,x", "error": "TOO MANY COLUMNS"}'],
    })
    out = mask_frame(df)
    assert out["raw_value"].tolist()[:2] == ["王**", "昨天"] and pd.isna(out["raw_value"][2])
    assert json.loads(out["raw_row"][0]) == {"当事人 ": "王**", "立案时间": "昨天"}
    assert json.loads(out["raw_row"][1]) == {"case_id": "C1"}
    assert "赵六" not in out["raw_row"][2] and "TOO MANY COLUMNS" in out["raw_row"][2]
    # without column_name a raw value could be anything: masked as a name
    assert mask_frame(df[["raw_value"]])["raw_value"].tolist()[:2] == ["王**", "昨*"]
