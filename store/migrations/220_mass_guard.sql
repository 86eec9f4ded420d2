-- 群发保护 (issue 17 point 3): a protected mass send waits for an
-- account administrator to confirm on their phone within 30 minutes. One
-- row per send (account + msg_id) that answered awaiting_confirmation: the
-- clock the reconciler's sweep drives — alerts at once and at two thirds
-- of the window, the send failed (and deleted on the platform) at its end.
-- Exactly one of edition_id / delivery_id names what made the send.
CREATE TABLE mass_confirmations (
    account_id   bigint NOT NULL REFERENCES accounts(id),
    msg_id       text NOT NULL,
    unit_id      bigint NOT NULL REFERENCES units(id),
    edition_id   bigint REFERENCES editions(id),
    delivery_id  bigint REFERENCES deliveries(id),
    title        text NOT NULL,
    sent_at      timestamptz NOT NULL,
    confirm_by   timestamptz NOT NULL,
    state        text NOT NULL DEFAULT 'awaiting' CHECK (state IN ('awaiting','confirmed','failed')),
    reason       text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (account_id, msg_id),
    CHECK ((edition_id IS NULL) <> (delivery_id IS NULL))
);
CREATE INDEX mass_confirmations_awaiting ON mass_confirmations (confirm_by) WHERE state = 'awaiting';
CREATE INDEX mass_confirmations_edition ON mass_confirmations (edition_id) WHERE edition_id IS NOT NULL;
CREATE INDEX mass_confirmations_delivery ON mass_confirmations (delivery_id) WHERE delivery_id IS NOT NULL;

-- A MASSSENDJOBFINISH push that came before the hub stored the send's
-- msg_id (the platform answers sendall, ends the send and pushes before
-- the worker's checkpoint commits): kept here and merged into the
-- edition's or delivery's steps when the msg_id is stored.
CREATE TABLE mass_early_pushes (
    account_id  bigint NOT NULL REFERENCES accounts(id),
    msg_id      text NOT NULL,
    steps       jsonb NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, msg_id)
);

-- 时效截止 (embargo, issue 17 point 5): the item must not be published
-- after not_after; scheduling past it is refused and the workers never
-- send past it.
ALTER TABLE items ADD COLUMN not_after timestamptz;
