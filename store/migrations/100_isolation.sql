-- Unit isolation (issue 16): system administrators, publishing grants
-- between units, co-signing levels, and API tokens that expire.

-- A system administrator (系统管理员) owns what is installation-wide; the
-- role is granted only on a top unit.
ALTER TABLE role_grants DROP CONSTRAINT role_grants_role_check;
ALTER TABLE role_grants ADD CONSTRAINT role_grants_role_check
    CHECK (role IN ('editor','reviewer','deputy','principal','admin','auditor','sysadmin'));

CREATE FUNCTION role_grants_sysadmin_on_top() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.role = 'sysadmin' AND EXISTS (SELECT 1 FROM units WHERE id = NEW.unit_id AND parent_id IS NOT NULL) THEN
        RAISE EXCEPTION 'sysadmin is granted on a top unit only' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER role_grants_sysadmin_on_top BEFORE INSERT OR UPDATE ON role_grants
    FOR EACH ROW EXECUTE FUNCTION role_grants_sysadmin_on_top();

-- A unit lets another unit publish on one of its accounts (代发, e.g. a
-- bureau's news on the city portal). The account's unit co-signs every
-- such item; revoking ends the grant for items not yet approved.
CREATE TABLE publish_grants (
    id         bigserial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts(id),
    unit_id    bigint NOT NULL REFERENCES units(id),
    granted_by bigint REFERENCES users(id),
    created_at timestamptz NOT NULL,
    revoked_by bigint REFERENCES users(id),
    revoked_at timestamptz
);
CREATE UNIQUE INDEX publish_grants_live ON publish_grants (account_id, unit_id) WHERE revoked_at IS NULL;
CREATE INDEX publish_grants_unit ON publish_grants (unit_id) WHERE revoked_at IS NULL;

-- The unit each level of a sign-off chain is signed in: 0 for the item's
-- own unit, else the unit whose account the item publishes on.
ALTER TABLE submissions ADD COLUMN chain_units bigint[] NOT NULL DEFAULT '{}';

-- API tokens expire (default 90 days, at most a year) and carry a scope.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
ALTER TABLE api_tokens ADD COLUMN scope text NOT NULL DEFAULT 'full' CHECK (scope IN ('read','full'));
UPDATE api_tokens SET expires_at = greatest(created_at, now()) + interval '90 days' WHERE expires_at IS NULL;
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;
