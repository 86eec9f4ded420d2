-- Two-factor sign-in (issue 25): a TOTP secret per user (RFC 6238),
-- sealed with TONGFA_SECRET_KEY like platform credentials, and one-time
-- recovery codes, stored as hashes.
CREATE TABLE user_totp (
    user_id      bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret       bytea NOT NULL,            -- sealed, aad "user_totp:<user_id>"
    confirmed_at timestamptz,               -- NULL until the first code proves the enrolment
    -- The last time step a code was accepted for: a code (and any older
    -- one) is refused after, so the same code cannot be used twice. Kept
    -- here, not in Redis, so losing Redis cannot revive a used code.
    last_step    bigint NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL
);

CREATE TABLE user_recovery_codes (
    user_id   bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,              -- SHA-256 of the normalised code (50 random bits each)
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);
