-- Answers to the public (R7): drafted by an operator, checked, signed off
-- (per the unit's policy), sent once through the message's channel, and
-- disclosed on the website unless marked private (济南 第十六条).

ALTER TABLE messages ADD COLUMN answered_at timestamptz;   -- when the answer reached the platform
ALTER TABLE messages ADD COLUMN close_reason text NOT NULL DEFAULT '';

CREATE TABLE answers (
    id              bigserial PRIMARY KEY,
    message_id      bigint NOT NULL REFERENCES messages(id),
    unit_id         bigint NOT NULL REFERENCES units(id),
    body            text NOT NULL CHECK (body <> ''),    -- as sent: personal data already masked
    body_hash       text NOT NULL,
    findings        jsonb NOT NULL DEFAULT '[]',         -- the checker's findings at submission
    author_id       bigint NOT NULL REFERENCES users(id),
    -- pending: awaiting sign-off; approved: queued to send; sending: a
    -- worker holds it; unconfirmed: the platform may have it and cannot be
    -- asked (a person decides); sent: the platform has it.
    state           text NOT NULL CHECK (state IN ('pending','rejected','withdrawn','approved','sending','unconfirmed','sent','failed')),
    tier            text NOT NULL DEFAULT '',            -- '' when the unit needs no sign-off
    signer_id       bigint REFERENCES users(id),
    signed_at       timestamptz,
    decision_note   text NOT NULL DEFAULT '',            -- rejection or failure reason, in Chinese
    route           text NOT NULL,                       -- customer_service, comment_reply, weibo_reply, keyed_reply
    steps           jsonb NOT NULL DEFAULT '{}',         -- checkpoints: reply id, …
    attempts        int NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',            -- the last failed attempt, in Chinese
    lease_owner     text,
    lease_until     timestamptz,
    sent_at         timestamptz,
    -- Public disclosure on the website (masked); private needs a reason.
    disclose        boolean NOT NULL DEFAULT true,
    private_reason  text NOT NULL DEFAULT '',
    disclosure_state text NOT NULL DEFAULT '' CHECK (disclosure_state IN ('','pending','done','failed','private')),
    disclosure_url  text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK (disclose OR private_reason <> '')
);
-- One live answer per message: a rejected, withdrawn or failed answer
-- may be followed by a new one.
CREATE UNIQUE INDEX answers_one_live ON answers (message_id) WHERE state NOT IN ('rejected','withdrawn','failed');
CREATE INDEX answers_unit_state ON answers (unit_id, state);
CREATE INDEX answers_to_send ON answers (state, updated_at) WHERE state IN ('approved','sending');
CREATE INDEX answers_disclosure ON answers (disclosure_state) WHERE disclosure_state = 'pending';
CREATE INDEX messages_received ON messages (account_id, received_at);
