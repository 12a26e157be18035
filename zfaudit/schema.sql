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
    fingerprint  VARCHAR,      -- the typed rows' content, independent of bytes and order
    rows_blank   BIGINT        -- a handed-out sheet's rows left unanswered: skipped
);
-- databases made before the fingerprint existed
ALTER TABLE loads ADD COLUMN IF NOT EXISTS fingerprint VARCHAR;
ALTER TABLE loads ADD COLUMN IF NOT EXISTS rows_blank BIGINT;

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
    warnings        VARCHAR[],  -- what the audit could not check, said at audit time (issue 11)
    previous_run_id VARCHAR     -- the run before it in its sequence (same profile and period), fixed at audit time
);
ALTER TABLE audit_runs ADD COLUMN IF NOT EXISTS warnings VARCHAR[];
ALTER TABLE audit_runs ADD COLUMN IF NOT EXISTS previous_run_id VARCHAR;

CREATE TABLE IF NOT EXISTS findings (
    run_id      VARCHAR,
    rule_id     VARCHAR,
    outcome     VARCHAR,        -- violation | advisory | pending | not_checked | excused
    case_id     VARCHAR,
    step_id     VARCHAR,
    media_id    VARCHAR,
    access_id   VARCHAR,
    officer_id  VARCHAR,
    unit_id     VARCHAR,
    due_at      TIMESTAMP,
    observed_at TIMESTAMP,
    detail      VARCHAR,        -- Chinese, one sentence: what is wrong
    clauses     VARCHAR,
    finding_key VARCHAR         -- rule id and item key joined by | (RULES.md), stable across runs
);
ALTER TABLE findings ADD COLUMN IF NOT EXISTS finding_key VARCHAR;

CREATE TABLE IF NOT EXISTS officer_results (
    run_id        VARCHAR,
    officer_id    VARCHAR,
    rule_id       VARCHAR,
    items         BIGINT,       -- the officer's items of the rule (RULES.md attribution)
    passed        BIGINT,
    violations    BIGINT,
    advisories    BIGINT,
    pending       BIGINT,
    not_checked   BIGINT,
    excused       BIGINT
);
ALTER TABLE officer_results ADD COLUMN IF NOT EXISTS excused BIGINT;

CREATE TABLE IF NOT EXISTS rule_results (
    run_id        VARCHAR,
    rule_id       VARCHAR,
    unit_id       VARCHAR,
    opportunities BIGINT,
    passed        BIGINT,
    violations    BIGINT,
    advisories    BIGINT,
    pending       BIGINT,
    not_checked   BIGINT,
    excused       BIGINT        -- excused by the exceptions register: neither pass nor violation
);
ALTER TABLE rule_results ADD COLUMN IF NOT EXISTS excused BIGINT;

-- Lifecycle (RULES.md "Supervision cycle"): what became, in this run, of each violation of
-- the previous run that is no violation and not excused now; the view finding_status reads it.
CREATE TABLE IF NOT EXISTS recheck_outcomes (
    run_id      VARCHAR,
    finding_key VARCHAR,
    outcome     VARCHAR         -- its outcome in this run: pass | advisory | pending | not_checked; NULL = out of scope
);

-- The exceptions register as each run judged it (its statuses, and the rows as they were).
CREATE TABLE IF NOT EXISTS run_exceptions (
    run_id       VARCHAR,
    exception_id VARCHAR,
    rule_id      VARCHAR,
    finding_key  VARCHAR,
    status       VARCHAR,       -- applied | no_such_violation | reason_not_allowed | no_note | no_document | not_approved | self_approved | approved_after_as_of
    reason       VARCHAR,
    note         VARCHAR,
    requested_by VARCHAR,
    requested_at TIMESTAMP,
    approved_by  VARCHAR,
    approved_at  TIMESTAMP,
    document_no  VARCHAR,
    unit_id      VARCHAR        -- the unit of the item, when the run has it
);

-- Notices (通报) issued to units (zfaudit notice): one row per unit and notice.
CREATE TABLE IF NOT EXISTS notices (
    notice_id   VARCHAR,        -- TB2026-001: the year's sequence
    notice_no   VARCHAR,        -- the number printed on the notice
    run_id      VARCHAR,        -- the run whose violations it notifies
    unit_id     VARCHAR,
    issued_on   DATE,
    due_on      DATE,           -- rectification due: issued_on + rectification_days
    violations  BIGINT,
    file        VARCHAR         -- the .docx written
);

CREATE TABLE IF NOT EXISTS notice_items (
    notice_id   VARCHAR,
    finding_key VARCHAR,        -- a violation listed in the notice (and its attachment)
    rule_id     VARCHAR
);
