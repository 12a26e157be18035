"""zfaudit — audit whole-process enforcement records (行政执法全过程记录)."""

__version__ = "0.1.0"
