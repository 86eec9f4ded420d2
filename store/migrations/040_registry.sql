-- Registry (R9), staff changes (R10), configuration as data and patrol (R11).

ALTER TABLE accounts
    ADD COLUMN platform_ref     text NOT NULL DEFAULT '',  -- platform id or link
    ADD COLUMN responsible      text NOT NULL DEFAULT '',  -- 责任领导
    ADD COLUMN managers         jsonb NOT NULL DEFAULT '[]', -- up to three {name, phone}
    ADD COLUMN exception_reason text;                      -- a second account of a platform, allowed by an administrator

-- One account per platform per unit (R9), unless an exception is recorded.
CREATE UNIQUE INDEX accounts_one_per_platform ON accounts (unit_id, platform)
    WHERE status <> 'closed' AND exception_reason IS NULL AND platform <> 'other';

-- Opening, change and closure of an account are requests an administrator
-- of the supervising unit decides; an approved change must be filed (备案)
-- within three working days.
CREATE TABLE account_requests (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('open','change','close')),
    unit_id         bigint NOT NULL REFERENCES units(id),
    account_id      bigint REFERENCES accounts(id),
    proposal        jsonb NOT NULL,
    credentials     bytea,  -- sealed; bound to the request id
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','approved','rejected')),
    reason          text NOT NULL DEFAULT '',
    requested_by    bigint NOT NULL REFERENCES users(id),
    requested_at    timestamptz NOT NULL,
    decided_by      bigint REFERENCES users(id),
    decided_at      timestamptz,
    comment         text NOT NULL DEFAULT '',
    filing_deadline timestamptz,
    filed_at        timestamptz
);
CREATE INDEX account_requests_unit ON account_requests (unit_id, state);

ALTER TABLE users ADD COLUMN disabled_reason text NOT NULL DEFAULT '';

-- Every version of a dictionary or a policy; one is active per scope.
-- kind dictionary: scope is the dictionary's name; tier_policy and
-- clock_policy: scope is the unit id.
CREATE TABLE config_versions (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('dictionary','tier_policy','clock_policy')),
    scope      text NOT NULL,
    version    int NOT NULL,
    content    text NOT NULL,
    note       text NOT NULL DEFAULT '',
    active     boolean NOT NULL DEFAULT false,
    created_by bigint REFERENCES users(id),
    created_at timestamptz NOT NULL,
    UNIQUE (kind, scope, version)
);
CREATE UNIQUE INDEX config_versions_one_active ON config_versions (kind, scope) WHERE active;

-- Patrol re-checks published content after a dictionary change.
CREATE TABLE patrol_runs (
    id          bigserial PRIMARY KEY,
    reason      text NOT NULL,
    words       text[] NOT NULL DEFAULT '{}', -- what the change added
    state       text NOT NULL DEFAULT 'running' CHECK (state IN ('running','done','failed')),
    total       int NOT NULL DEFAULT 0,
    checked     int NOT NULL DEFAULT 0,
    found       int NOT NULL DEFAULT 0,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz
);

CREATE TABLE patrol_findings (
    run_id   bigint NOT NULL REFERENCES patrol_runs(id),
    item_id  bigint NOT NULL REFERENCES items(id),
    unit_id  bigint NOT NULL REFERENCES units(id),
    field    text NOT NULL,
    kind     text NOT NULL,
    category text NOT NULL,
    level    text NOT NULL,
    text     text NOT NULL,
    rule     text NOT NULL,
    PRIMARY KEY (run_id, item_id, field, rule, text)
);
CREATE INDEX patrol_findings_item ON patrol_findings (item_id);
CREATE INDEX items_published ON items (updated_at) WHERE state IN ('published','publishing');
