"""The rule catalogue: <id>.sql (one row per checked item), <id>.yaml (title, grain, item key),
expectations/<id>.json (the GX suite) and shared/ (SQL the rules share). catalogue.py reads
them; nothing else registers a rule. No DuckDB, no Great Expectations here."""
