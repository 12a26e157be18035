"""The contract's closed sets stay one set wherever they are written down."""

from __future__ import annotations

import re
from importlib import resources

from zfaudit.contract import Reason, contract


def test_quarantine_reasons_are_one_closed_set():
    labels = contract().reason_labels
    assert set(labels) == {r.value for r in Reason}
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in labels.values())  # Chinese
    schema = resources.files("zfaudit").joinpath("schema.sql").read_text("utf-8")
    listed = re.search(r"reason\s+VARCHAR\s+-- (.*)", schema)[1]
    assert {x.strip() for x in listed.split("|")} == {r.value for r in Reason}


def test_each_typed_column_has_its_reason():
    for table in contract().tables.values():
        for col in table.columns:
            if col.codeset:
                assert col.reason is Reason.UNKNOWN_CODE
            elif col.type == "text":
                assert col.reason is None
            else:
                assert col.reason is not None and col.reason.value == f"bad_{col.type}"
