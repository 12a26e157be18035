"""Chinese labels of the cycle's codes (one home: report, score sheet, CLI and API)."""

from __future__ import annotations

from ..contract import contract

# RULES.md "Lifecycle"
STATUS_ZH = {
    "new": "新发现",
    "persisting": "持续存在",
    "rectified": "已整改",
    "excused": "予以例外",
    "gone": "不再列为违规",
}
# RULES.md "Exceptions register": the first reason a row does not apply
EXCEPTION_STATUS_ZH = {
    "applied": "已适用",
    "no_such_violation": "无对应违规",
    "reason_not_allowed": "该规则不接受此理由",
    "no_note": "缺少情况说明",
    "no_document": "缺少依据文号",
    "not_approved": "未经审批",
    "self_approved": "申请人自行审批",
    "approved_after_as_of": "审批晚于审计时点",
}


def reason_zh(code: object) -> object:
    """An exception reason's Chinese name; anything else unchanged."""
    return contract().codesets["exception_reason"].get(code, code)  # type: ignore[call-overload]
