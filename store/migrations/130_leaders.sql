-- Leaders tables (issue 24, docs/checker.md): each unit's own table of
-- leaders is configuration kept as data, like a dictionary or a policy:
-- config_versions of kind leaders, scope the unit id, one version active,
-- rolled back by activating an earlier one. The constraint keeps its name,
-- so a later migration that widens it again finds it.
ALTER TABLE config_versions DROP CONSTRAINT IF EXISTS config_versions_kind_check;
ALTER TABLE config_versions ADD CONSTRAINT config_versions_kind_check
    CHECK (kind IN ('dictionary','tier_policy','clock_policy','leaders'));

-- A patrol after a leaders table changed re-checks the subtree of the
-- unit whose table it was (unit_id), for the leaders the change touched
-- (words); a dictionary patrol covers every unit (unit_id NULL).
ALTER TABLE patrol_runs
    ADD COLUMN kind text NOT NULL DEFAULT 'dictionary' CHECK (kind IN ('dictionary','leaders')),
    ADD COLUMN unit_id bigint REFERENCES units(id);
