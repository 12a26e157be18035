"""Read-only renderers: the queries behind the report notebooks (queries), their tables and
charts (display, charts) and the papermill → offline HTML pipeline (render). A report never
writes the database and never audits (zfaudit.api.report may, before it renders)."""
