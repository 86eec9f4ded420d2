-- Tiered sign-off bound to the exact version (R1).

-- A submission puts one version of an item through one chain of sign-off.
-- A new version, a withdrawal or a rejection ends it; its sign-offs are
-- voided but never deleted.
CREATE TABLE submissions (
    id             bigserial PRIMARY KEY,
    item_id        bigint NOT NULL REFERENCES items(id),
    version_number int NOT NULL,
    version_hash   text NOT NULL,
    tier           text NOT NULL CHECK (tier IN ('routine','deputy','principal')),
    chain          text[] NOT NULL,
    reasons        jsonb NOT NULL DEFAULT '[]',
    state          text NOT NULL DEFAULT 'active' CHECK (state IN ('active','approved','rejected','voided','withdrawn')),
    submitted_by   bigint NOT NULL REFERENCES users(id),
    submitted_at   timestamptz NOT NULL,
    level_since    timestamptz NOT NULL,  -- when the current level became pending
    escalated      int NOT NULL DEFAULT 0, -- highest level already escalated
    ended_at       timestamptz
);
CREATE UNIQUE INDEX submissions_one_active ON submissions (item_id) WHERE state = 'active';
CREATE INDEX submissions_item ON submissions (item_id, id);

CREATE TABLE signoffs (
    id             bigserial PRIMARY KEY,
    submission_id  bigint NOT NULL REFERENCES submissions(id),
    item_id        bigint NOT NULL REFERENCES items(id),
    version_number int NOT NULL,
    version_hash   text NOT NULL,
    level          int NOT NULL CHECK (level BETWEEN 1 AND 3),
    role           text NOT NULL,
    signer_id      bigint NOT NULL REFERENCES users(id),
    on_behalf_of   bigint REFERENCES users(id),  -- the delegating leader
    decision       text NOT NULL CHECK (decision IN ('approve','reject')),
    comment        text NOT NULL DEFAULT '',
    at             timestamptz NOT NULL,
    voided_at      timestamptz,
    void_reason    text,
    UNIQUE (submission_id, level),
    UNIQUE (submission_id, signer_id)  -- one person signs at most one level
);
CREATE INDEX signoffs_item ON signoffs (item_id, id);
CREATE INDEX signoffs_signer ON signoffs (signer_id, at);

-- A leader hands their level to another user of the same role for a
-- dated period; the signature records both names.
CREATE TABLE delegations (
    id           bigserial PRIMARY KEY,
    delegator_id bigint NOT NULL REFERENCES users(id),
    delegate_id  bigint NOT NULL REFERENCES users(id),
    unit_id      bigint NOT NULL REFERENCES units(id),
    role         text NOT NULL CHECK (role IN ('reviewer','deputy','principal')),
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL,
    reason       text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    CHECK (ends_at > starts_at),
    CHECK (delegator_id <> delegate_id)
);
CREATE INDEX delegations_delegate ON delegations (delegate_id, ends_at);

-- Per-unit tier policy overrides (YAML); absent means the embedded default.
CREATE TABLE unit_policies (
    unit_id    bigint PRIMARY KEY REFERENCES units(id),
    policy     text NOT NULL,
    updated_by bigint REFERENCES users(id),
    updated_at timestamptz NOT NULL
);

-- Console notifications; robot webhooks carry the same text outward.
CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id),
    item_id    bigint REFERENCES items(id),
    kind       text NOT NULL,
    urgent     boolean NOT NULL DEFAULT false,
    message    text NOT NULL,
    created_at timestamptz NOT NULL,
    read_at    timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);

-- Group-robot webhooks (WeCom 企业微信, DingTalk 钉钉) a unit configured.
CREATE TABLE robot_webhooks (
    id         bigserial PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES units(id),
    kind       text NOT NULL CHECK (kind IN ('wecom','dingtalk')),
    url        text NOT NULL,
    secret     bytea,  -- DingTalk signing secret, sealed (package secret)
    enabled    boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL
);
CREATE INDEX robot_webhooks_unit ON robot_webhooks (unit_id);
