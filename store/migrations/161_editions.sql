-- Editions (期, issue 17 point 2): one WeChat mass send of 1–8 approved
-- items in order, to one mass-mode account, at a planned time. Confirming
-- the choice and order is a reviewer's act. The items' own deliveries to
-- the account join the edition (deliveries.edition_id): the edition's
-- send delivers them, the delivery worker leaves them alone.
CREATE TABLE editions (
    id           bigserial PRIMARY KEY,
    unit_id      bigint NOT NULL REFERENCES units(id),
    account_id   bigint NOT NULL REFERENCES accounts(id),
    publish_at   timestamptz NOT NULL,
    state        text NOT NULL DEFAULT 'draft'
                 CHECK (state IN ('draft','scheduled','sending','sent','failed','cancelled')),
    created_by   bigint NOT NULL REFERENCES users(id),
    confirmed_by bigint REFERENCES users(id),
    confirmed_at timestamptz,
    steps        jsonb NOT NULL DEFAULT '{}',  -- the mass send's checkpoints (connectors/wechat)
    msg_id       text,
    error        text,
    result       jsonb,                        -- the receipt: counts, original-content check, article URLs
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX editions_open ON editions (state, publish_at) WHERE state IN ('scheduled','sending');
CREATE INDEX editions_account ON editions (account_id, publish_at);

CREATE TABLE edition_items (
    edition_id     bigint NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    position       int NOT NULL CHECK (position BETWEEN 1 AND 8),  -- 1 is the headline (头条)
    item_id        bigint NOT NULL REFERENCES items(id),
    version_number int NOT NULL,
    version_hash   text NOT NULL,
    PRIMARY KEY (edition_id, position),
    UNIQUE (edition_id, item_id)
);

ALTER TABLE deliveries ADD COLUMN edition_id bigint REFERENCES editions(id);
