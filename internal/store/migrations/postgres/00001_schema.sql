-- +goose Up
-- The first-wave schema. Every timestamp is written by the Go clock (no SQL
-- defaults), every tenant row carries workspace_id, and each index serves a
-- query named next to it.

-- schema_compat marks applied migrations an older binary must not run on
-- (expand/contract: only a contracting migration is breaking).
CREATE TABLE schema_compat (
    version  BIGINT PRIMARY KEY,
    breaking BOOLEAN NOT NULL
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL,
    name            TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    session_version INTEGER NOT NULL,
    last_seen_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
-- weekly active users
CREATE INDEX users_last_seen ON users (last_seen_at);

-- Failed sign-ins, per account ("email:…") and per client ("ip:…").
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);

CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    currency   TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    settings   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE workspace_members (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
-- a user's workspaces (/me, sign-in)
CREATE INDEX workspace_members_user ON workspace_members (user_id);

CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    role         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    invited_by   TEXT NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    accepted_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);
CREATE INDEX invitations_workspace ON invitations (workspace_id, created_at);

CREATE TABLE stages (
    workspace_id        TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key                 TEXT NOT NULL,
    name                TEXT NOT NULL,
    position            INTEGER NOT NULL,
    kind                TEXT NOT NULL,
    is_late             BOOLEAN NOT NULL,
    default_probability INTEGER NOT NULL,
    prob_floor          INTEGER,
    prob_ceiling        INTEGER,
    rotting_days        INTEGER,
    stuck_days          INTEGER,
    PRIMARY KEY (workspace_id, key)
);

CREATE TABLE deals (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    value            BIGINT,
    currency         TEXT NOT NULL,
    stage            TEXT NOT NULL,
    probability      INTEGER,
    close_date       DATE,
    contact_name     TEXT NOT NULL,
    contact_email    TEXT NOT NULL,
    company          TEXT NOT NULL,
    owner_id         TEXT REFERENCES users (id) ON DELETE SET NULL,
    source           TEXT NOT NULL,
    external_id      TEXT NOT NULL,
    status           TEXT NOT NULL,
    stage_entered_at TIMESTAMPTZ NOT NULL,
    last_activity_at TIMESTAMPTZ,
    closed_at        TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
-- default list order and its cursor
CREATE INDEX deals_ws_created ON deals (workspace_id, created_at, id);
-- monitor snapshot (open deals), pipeline by stage, status filters
CREATE INDEX deals_ws_status_stage ON deals (workspace_id, status, stage);
CREATE INDEX deals_ws_owner ON deals (workspace_id, owner_id);
CREATE INDEX deals_ws_updated ON deals (workspace_id, updated_at, id);
CREATE INDEX deals_ws_closed ON deals (workspace_id, closed_at);
CREATE INDEX deals_owner ON deals (owner_id);

CREATE TABLE deal_events (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    deal_id      TEXT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL
);
-- a deal's history, and the monitor's set-wise change-log load
CREATE INDEX deal_events_deal ON deal_events (deal_id, at, id);
CREATE INDEX deal_events_ws_kind ON deal_events (workspace_id, kind, at);

CREATE TABLE activities (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    deal_id         TEXT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    type            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    content         TEXT NOT NULL,
    scheduled_at    TIMESTAMPTZ,
    completed_at    TIMESTAMPTZ,
    created_by_kind TEXT NOT NULL,
    created_by_id   TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
-- a deal's timeline; the monitor's last engagement and next step per deal
CREATE INDEX activities_deal ON activities (deal_id, created_at, id);
CREATE INDEX activities_ws_deal ON activities (workspace_id, deal_id, completed_at);

CREATE TABLE insights (
    id                    TEXT PRIMARY KEY,
    workspace_id          TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    deal_id               TEXT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    rule                  TEXT NOT NULL,
    fingerprint           TEXT NOT NULL,
    type                  TEXT NOT NULL,
    title                 TEXT NOT NULL,
    description           TEXT NOT NULL,
    priority              TEXT NOT NULL,
    priority_rank         INTEGER NOT NULL,
    max_priority_notified INTEGER NOT NULL,
    severity              DOUBLE PRECISION NOT NULL,
    confidence            DOUBLE PRECISION NOT NULL,
    evidence              TEXT NOT NULL,
    actions               TEXT NOT NULL,
    status                TEXT NOT NULL,
    snoozed_until         TIMESTAMPTZ,
    narrator              TEXT NOT NULL,
    narration_key         TEXT NOT NULL,
    tokens_in             INTEGER NOT NULL,
    tokens_out            INTEGER NOT NULL,
    cost_usd              DOUBLE PRECISION NOT NULL,
    first_seen_at         TIMESTAMPTZ NOT NULL,
    resolved_at           TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
-- one open insight per (rule, deal): the dedup backstop
CREATE UNIQUE INDEX insights_open_fingerprint ON insights (workspace_id, fingerprint) WHERE status <> 'resolved';
-- the insight list: priority first, newest next
CREATE INDEX insights_ws_list ON insights (workspace_id, priority_rank, created_at, id);
CREATE INDEX insights_ws_status ON insights (workspace_id, status);
CREATE INDEX insights_deal ON insights (deal_id);
-- insights per day
CREATE INDEX insights_created ON insights (created_at);

CREATE TABLE insight_feedback (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    insight_id   TEXT NOT NULL REFERENCES insights (id) ON DELETE CASCADE,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    action       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX insight_feedback_insight ON insight_feedback (insight_id, at);
-- views and actions per day
CREATE INDEX insight_feedback_ws_at ON insight_feedback (workspace_id, at);
CREATE INDEX insight_feedback_at ON insight_feedback (at, action);

CREATE TABLE monitor_cycles (
    id           TEXT PRIMARY KEY,
    trigger      TEXT NOT NULL,
    expected     INTEGER NOT NULL,
    succeeded    INTEGER NOT NULL,
    failed       INTEGER NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ
);
CREATE INDEX monitor_cycles_started ON monitor_cycles (started_at);
CREATE INDEX monitor_cycles_completed ON monitor_cycles (completed_at);

-- Runs keep no foreign key to workspaces: a job whose workspace was deleted
-- must still be able to end its run as skipped and complete its cycle. A run
-- holds counts only, no customer data.
CREATE TABLE monitor_runs (
    id                TEXT PRIMARY KEY,
    cycle_id          TEXT REFERENCES monitor_cycles (id) ON DELETE CASCADE,
    workspace_id      TEXT NOT NULL,
    trigger           TEXT NOT NULL,
    status            TEXT NOT NULL,
    queued_at         TIMESTAMPTZ NOT NULL,
    started_at        TIMESTAMPTZ,
    completed_at      TIMESTAMPTZ,
    deals_analysed    INTEGER NOT NULL,
    insights_created  INTEGER NOT NULL,
    insights_updated  INTEGER NOT NULL,
    insights_resolved INTEGER NOT NULL,
    critical_count    INTEGER NOT NULL,
    llm_calls         INTEGER NOT NULL,
    tokens_in         INTEGER NOT NULL,
    tokens_out        INTEGER NOT NULL,
    cost_usd          DOUBLE PRECISION NOT NULL,
    budget_exhausted  BOOLEAN NOT NULL,
    error             TEXT NOT NULL
);
CREATE INDEX monitor_runs_ws ON monitor_runs (workspace_id, queued_at, id);
CREATE INDEX monitor_runs_cycle ON monitor_runs (cycle_id);
-- LLM spend per UTC day and success rate over time
CREATE INDEX monitor_runs_completed ON monitor_runs (completed_at);
CREATE INDEX monitor_runs_status ON monitor_runs (status, queued_at);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL,
    role         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX api_keys_prefix ON api_keys (prefix);
CREATE INDEX api_keys_ws ON api_keys (workspace_id, created_at);

-- Operational facts (last backup, monitor heartbeat) that preflight reads.
CREATE TABLE app_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- scs postgresstore's table.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- +goose Down
DROP TABLE sessions;
DROP TABLE app_state;
DROP TABLE api_keys;
DROP TABLE monitor_runs;
DROP TABLE monitor_cycles;
DROP TABLE insight_feedback;
DROP TABLE insights;
DROP TABLE activities;
DROP TABLE deal_events;
DROP TABLE deals;
DROP TABLE stages;
DROP TABLE invitations;
DROP TABLE workspace_members;
DROP TABLE workspaces;
DROP TABLE login_failures;
DROP TABLE users;
DROP TABLE schema_compat;
