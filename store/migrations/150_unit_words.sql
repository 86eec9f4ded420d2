-- A unit's own words (isolation issue, finding 11; docs/checker.md): its
-- administrators add dictionary entries and allowed phrases for the unit
-- and the units below it, never above or beside it. They are
-- config_versions of kind unit_words, scope the unit id, one version
-- active. A later migration that widens the kinds again must keep every
-- kind listed here.
ALTER TABLE config_versions DROP CONSTRAINT IF EXISTS config_versions_kind_check;
ALTER TABLE config_versions ADD CONSTRAINT config_versions_kind_check
    CHECK (kind IN ('dictionary','tier_policy','clock_policy','leaders','unit_words'));
