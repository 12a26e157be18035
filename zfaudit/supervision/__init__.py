"""The supervision cycle (督办, RULES.md "Supervision cycle"): what became of each finding
across runs, the exceptions register as runs judged it, and (issue 14) warnings, notices,
responses and the spot-check ledger. Reads recorded runs; the audit writes what it needs."""
