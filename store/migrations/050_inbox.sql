-- Messages from the public (R7): comments and messages synced back from
-- every channel, classified, with their statutory reply deadline.

CREATE TABLE messages (
    id               bigserial PRIMARY KEY,
    account_id       bigint NOT NULL REFERENCES accounts(id),
    unit_id          bigint NOT NULL REFERENCES units(id),
    platform         text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('comment','message','error_report')),
    platform_msg_id  text NOT NULL,                 -- the platform's id: dedup key with the account
    post_id          text NOT NULL DEFAULT '',      -- the post commented on, if any
    author           text NOT NULL DEFAULT '',      -- openid, screen name, user id
    body             text NOT NULL,
    received_at      timestamptz NOT NULL,
    class            text NOT NULL,
    class_rule       text NOT NULL DEFAULT '',      -- the rule that set the class, shown to operators
    class_by         bigint REFERENCES users(id),   -- an operator who overrode it
    deadline         timestamptz NOT NULL,
    state            text NOT NULL DEFAULT 'new' CHECK (state IN ('new','assigned','answered','closed')),
    assignee_id      bigint REFERENCES users(id),
    extension_days   int NOT NULL DEFAULT 0 CHECK (extension_days BETWEEN 0 AND 10),
    extension_reason text NOT NULL DEFAULT '',
    extended_by      bigint REFERENCES users(id),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (account_id, platform_msg_id)
);
CREATE INDEX messages_unit_state ON messages (unit_id, state, deadline);
CREATE INDEX messages_open_deadline ON messages (deadline) WHERE state IN ('new','assigned');

-- Where each account's polling stopped, so nothing is skipped or read
-- twice across restarts.
CREATE TABLE inbox_cursors (
    account_id bigint NOT NULL REFERENCES accounts(id),
    source     text NOT NULL,
    cursor     text NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, source)
);
