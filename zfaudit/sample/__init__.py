"""The synthetic sample bureau: a realistic export with known, listed defects (RULES.md,
DATA_CONTRACT.md), written with numpy and pyarrow only.

It is the tests' independent oracle: it imports nothing of zfaudit but the data contract,
so a rule that reads a defect wrongly cannot also write it wrongly. data_samples/README.md
lists what it injects.
"""

from __future__ import annotations

from .bureau import write_sample

__all__ = ["write_sample"]
