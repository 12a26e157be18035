-- zfaudit's own tables (the contract tables are created from contract.yaml).
-- Documented for SQL users in docs/schema.md; names are a public interface.

CREATE TABLE IF NOT EXISTS loads (
    load_id      INTEGER,      -- one per `zfaudit load` call that changed something
    table_name   VARCHAR,
    file         VARCHAR,      -- path as given
    sha256       VARCHAR,
    size_bytes   BIGINT,
    rows_read    BIGINT,
    rows_loaded  BIGINT,       -- inserted as new keys
    rows_replaced BIGINT,      -- replaced an existing key (newer snapshot)
    rows_quarantined BIGINT,
    loaded_at    TIMESTAMP,
    fingerprint  VARCHAR       -- the typed rows' content, independent of bytes and order
);
-- databases made before the fingerprint existed
ALTER TABLE loads ADD COLUMN IF NOT EXISTS fingerprint VARCHAR;

CREATE TABLE IF NOT EXISTS quarantine (
    load_id     INTEGER,
    table_name  VARCHAR,
    file        VARCHAR,
    line        BIGINT,        -- 1-based line in the file (CSV: physical line incl. header; xlsx: sheet row)
    column_name VARCHAR,       -- NULL when the reason concerns the whole row
    raw_value   VARCHAR,
    raw_row     VARCHAR,       -- the whole raw row as JSON: nothing is lost
    reason      VARCHAR        -- bad_timestamp | bad_date | bad_bool | bad_integer | unknown_code | missing_key | duplicate_key | bad_key | unreadable_row | lossy_number | merged_cell | formula_no_value
);

CREATE TABLE IF NOT EXISTS calendar (
    date         DATE PRIMARY KEY,
    is_workday   BOOLEAN,
    holiday_name VARCHAR,      -- NULL on ordinary days; 调休 make-up days carry the holiday's name
    source       VARCHAR       -- chinesecalendar | supplied:<file>
);

CREATE TABLE IF NOT EXISTS audit_runs (
    run_id          VARCHAR,
    profile         VARCHAR,
    period_start    TIMESTAMP,
    period_end      TIMESTAMP,
    as_of           TIMESTAMP,
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP,
    zfaudit_version VARCHAR,
    gx_version      VARCHAR,
    load_ids        INTEGER[],
    profile_json    VARCHAR,    -- the resolved profile, so the run can be reproduced
    media_store     VARCHAR,
    warnings        VARCHAR[]   -- what the audit could not check, said at audit time (issue 11)
);
ALTER TABLE audit_runs ADD COLUMN IF NOT EXISTS warnings VARCHAR[];

CREATE TABLE IF NOT EXISTS findings (
    run_id      VARCHAR,
    rule_id     VARCHAR,
    outcome     VARCHAR,        -- violation | advisory | pending | not_checked
    case_id     VARCHAR,
    step_id     VARCHAR,
    media_id    VARCHAR,
    access_id   VARCHAR,
    officer_id  VARCHAR,
    unit_id     VARCHAR,
    due_at      TIMESTAMP,
    observed_at TIMESTAMP,
    detail      VARCHAR,        -- Chinese, one sentence: what is wrong
    clauses     VARCHAR
);

CREATE TABLE IF NOT EXISTS officer_results (
    run_id        VARCHAR,
    officer_id    VARCHAR,
    rule_id       VARCHAR,
    items         BIGINT,       -- the officer's items of the rule (RULES.md attribution)
    passed        BIGINT,
    violations    BIGINT,
    advisories    BIGINT,
    pending       BIGINT,
    not_checked   BIGINT
);

CREATE TABLE IF NOT EXISTS rule_results (
    run_id        VARCHAR,
    rule_id       VARCHAR,
    unit_id       VARCHAR,
    opportunities BIGINT,
    passed        BIGINT,
    violations    BIGINT,
    advisories    BIGINT,
    pending       BIGINT,
    not_checked   BIGINT
);
