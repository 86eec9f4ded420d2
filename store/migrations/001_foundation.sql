-- Units, people, roles, tokens, items with immutable versions, audit chain.

CREATE TABLE units (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (name <> ''),
    parent_id  bigint REFERENCES units(id),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.-]{2,64}$'),
    display_name  text NOT NULL DEFAULT '',
    unit_id       bigint NOT NULL REFERENCES units(id),
    password_hash text NOT NULL,
    disabled      boolean NOT NULL DEFAULT false,
    disabled_at   timestamptz,
    locked_until  timestamptz,
    last_login_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE role_grants (
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    unit_id    bigint NOT NULL REFERENCES units(id),
    role       text NOT NULL CHECK (role IN ('editor','reviewer','deputy','principal','admin','auditor')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, unit_id, role)
);
CREATE INDEX role_grants_unit ON role_grants (unit_id, role);

CREATE TABLE login_failures (
    user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at      timestamptz NOT NULL
);
CREATE INDEX login_failures_user_at ON login_failures (user_id, at);

CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         text NOT NULL DEFAULT '',
    hash         bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE items (
    id             bigserial PRIMARY KEY,
    unit_id        bigint NOT NULL REFERENCES units(id),
    author_id      bigint NOT NULL REFERENCES users(id),
    state          text NOT NULL DEFAULT 'draft'
                   CHECK (state IN ('draft','in_review','approved','publishing','published','rejected','withdrawn')),
    version_number int NOT NULL DEFAULT 0,
    required_tier  text CHECK (required_tier IN ('routine','deputy','principal')),
    level          int NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX items_unit_state ON items (unit_id, state, id DESC);
CREATE INDEX items_state ON items (state, id DESC);

CREATE TABLE item_versions (
    item_id    bigint NOT NULL REFERENCES items(id),
    number     int NOT NULL CHECK (number > 0),
    hash       text NOT NULL CHECK (length(hash) = 64),
    author_id  bigint NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL,
    title      text NOT NULL,
    category   text NOT NULL,
    urgency    text NOT NULL,
    content    jsonb NOT NULL,
    PRIMARY KEY (item_id, number)
);

-- Versions are immutable: what a signer approved can never change under them.
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER item_versions_immutable BEFORE UPDATE OR DELETE ON item_versions
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- The audit chain (R10). Rows are inserted by the transaction whose change
-- they record, so they commit with it or not at all; the sealer then gives
-- each committed row its chain position (seq), the previous row's hash and
-- its own hash, in the order rows became visible. Sealing happens once;
-- sealed rows never change.
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor_id  bigint,
    actor     text NOT NULL,
    action    text NOT NULL,
    target    text NOT NULL DEFAULT '',
    unit_id   bigint,
    ip        text NOT NULL DEFAULT '',
    details   text NOT NULL DEFAULT '{}',
    seq       bigint UNIQUE,
    prev_hash text,
    hash      text,
    CHECK ((seq IS NULL) = (hash IS NULL) AND (hash IS NULL) = (prev_hash IS NULL))
);
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;
CREATE INDEX audit_log_at ON audit_log USING brin (at);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_target ON audit_log (target, id);

-- Retention may delete sealed rows older than 180 days (R10 keeps logs >= 6
-- months) from the start of the chain; it records the last deleted row's
-- position and hash here so verification can start from it.
CREATE TABLE audit_anchor (
    id   int PRIMARY KEY CHECK (id = 1),
    seq  bigint NOT NULL,
    hash text NOT NULL
);

CREATE FUNCTION audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND (OLD.id, OLD.at, OLD.actor_id, OLD.actor, OLD.action, OLD.target, OLD.unit_id, OLD.ip, OLD.details)
           IS NOT DISTINCT FROM
           (NEW.id, NEW.at, NEW.actor_id, NEW.actor, NEW.action, NEW.target, NEW.unit_id, NEW.ip, NEW.details) THEN
        RETURN NEW; -- sealing, once
    END IF;
    IF TG_OP = 'DELETE' AND OLD.seq IS NOT NULL AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_guard();
