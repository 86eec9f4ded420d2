-- The audit chain is sealed with a keyed MAC (hashes written "scheme:hex")
-- from the moment an installation starts keyed or an operator runs
-- `tongfa audit upgrade`. The key is not in the database; these guards only
-- stop honest mistakes (an older tongfa still running), not a superuser.

-- The retention anchor is signed with the audit key, so it cannot be moved
-- forward over rows deleted by hand. NULL on anchors of unkeyed chains.
ALTER TABLE audit_anchor ADD COLUMN mac text;

CREATE OR REPLACE FUNCTION audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND (OLD.id, OLD.at, OLD.actor_id, OLD.actor, OLD.action, OLD.target, OLD.unit_id, OLD.ip, OLD.details)
           IS NOT DISTINCT FROM
           (NEW.id, NEW.at, NEW.actor_id, NEW.actor, NEW.action, NEW.target, NEW.unit_id, NEW.ip, NEW.details) THEN
        IF position(':' IN NEW.prev_hash) > 0 AND position(':' IN NEW.hash) = 0 THEN
            RAISE EXCEPTION 'audit rows after a keyed row must be keyed (is an older tongfa still running?)'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW; -- sealing, once
    END IF;
    IF TG_OP = 'DELETE' AND OLD.seq IS NOT NULL AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only' USING ERRCODE = 'restrict_violation';
END $$;

-- An older tongfa moving a signed anchor would leave the old signature on
-- the new position; refuse rather than leave a chain that no longer verifies.
CREATE FUNCTION audit_anchor_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.mac IS NOT NULL AND NEW.mac IS NOT DISTINCT FROM OLD.mac
       AND (NEW.seq, NEW.hash) IS DISTINCT FROM (OLD.seq, OLD.hash) THEN
        RAISE EXCEPTION 'a signed audit anchor must be re-signed when it moves' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_anchor_signed BEFORE UPDATE ON audit_anchor
    FOR EACH ROW EXECUTE FUNCTION audit_anchor_guard();
