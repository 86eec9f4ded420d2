-- Channel accounts and the delivery outbox.

CREATE TABLE accounts (
    id           bigserial PRIMARY KEY,
    unit_id      bigint NOT NULL REFERENCES units(id),
    platform     text NOT NULL CHECK (platform IN ('wechat','weibo','app','website','other')),
    name         text NOT NULL CHECK (name <> ''),
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('requested','active','suspended','closed')),
    api_base     text NOT NULL DEFAULT '',
    settings     jsonb NOT NULL DEFAULT '{}',  -- not secret: safe domain, column, app id...
    credentials  bytea,                        -- AES-256-GCM sealed JSON (package secret)
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX accounts_unit ON accounts (unit_id, platform);

-- One row per approved version x target account, written in the
-- transaction that approves the item (the outbox). The relay hands each to
-- the queue with TaskID = delivery id; steps holds the checkpoints that let
-- a retry resume instead of repeat.
CREATE TABLE deliveries (
    id               bigserial PRIMARY KEY,
    item_id          bigint NOT NULL REFERENCES items(id),
    version_number   int NOT NULL,
    version_hash     text NOT NULL,
    account_id       bigint NOT NULL REFERENCES accounts(id),
    platform         text NOT NULL,
    queue            text NOT NULL DEFAULT 'default' CHECK (queue IN ('urgent','default','low')),
    state            text NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending','queued','sending','unconfirmed','delivered','failed','abandoned','withdrawn')),
    attempts         int NOT NULL DEFAULT 0,
    steps            jsonb NOT NULL DEFAULT '{}',
    payload_hash     text,
    platform_post_id text,
    url              text,
    error_code       text,
    error            text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    enqueued_at      timestamptz,
    delivered_at     timestamptz,
    UNIQUE (item_id, version_number, account_id)
);
CREATE INDEX deliveries_item ON deliveries (item_id);
CREATE INDEX deliveries_open ON deliveries (state, id)
    WHERE state IN ('pending','queued','sending','unconfirmed');
