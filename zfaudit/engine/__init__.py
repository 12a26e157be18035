"""Rule SQL → GX verdict → findings: one audit run (run), its parameter tables (params), the
Great Expectations session that decides (gx, gx_compat), what GX decided written as findings
and rule_results (findings), the media store's hashes (media_store) and Data Docs (datadocs).
Never imports ingest/ or report/."""
