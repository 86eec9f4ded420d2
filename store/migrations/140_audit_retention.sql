-- Retention of the audit chain and security log (issue 25, R10: logs kept
-- at least six months). Rows younger than 180 days can be neither changed
-- nor deleted, by the application or by any role through ordinary SQL,
-- TRUNCATE included (it fires no row trigger). The one way around it is
-- documented for database superusers (docs/deployment.md, "Retention"):
--   BEGIN; SET LOCAL tongfa.audit_override = 'on'; DELETE …; COMMIT;
-- which the guard accepts only from a superuser session; the chain then
-- fails verification at the hole, as it should.

CREATE OR REPLACE FUNCTION audit_override() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('tongfa.audit_override', true), '') = 'on'
       AND (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
$$;

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
        RETURN OLD; -- retention
    END IF;
    IF audit_override() THEN
        RAISE WARNING 'audit row % changed by superuser % under tongfa.audit_override', OLD.id, session_user;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit rows are kept at least 180 days: row % is from %', OLD.id, OLD.at
            USING ERRCODE = 'restrict_violation';
    END IF;
    RAISE EXCEPTION 'audit rows are append-only' USING ERRCODE = 'restrict_violation';
END $$;

-- TRUNCATE fires no row trigger, and deleting the anchor would restart
-- verification at the genesis (it moves forward only, by retention).
CREATE FUNCTION audit_table_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT audit_override() THEN
        RAISE EXCEPTION '% on % refused: the audit chain is kept whole', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_LEVEL = 'ROW' THEN
        RETURN OLD;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_table_guard();
CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor
    FOR EACH STATEMENT EXECUTE FUNCTION audit_table_guard();
CREATE TRIGGER audit_anchor_kept BEFORE DELETE ON audit_anchor
    FOR EACH ROW EXECUTE FUNCTION audit_table_guard();
