-- A unit's own public contact numbers (issue 22, point 13; docs/checker.md):
-- its administrators list the numbers the office gives the public (a staff
-- mobile, a duty line); in the content of the unit and the units below it
-- they are notices, not personal data to mask. They are config_versions of
-- kind unit_contacts, scope the unit id, one version active. A later
-- migration that widens the kinds again must keep every kind listed here.
ALTER TABLE config_versions DROP CONSTRAINT IF EXISTS config_versions_kind_check;
ALTER TABLE config_versions ADD CONSTRAINT config_versions_kind_check
    CHECK (kind IN ('dictionary','tier_policy','clock_policy','leaders','unit_words','unit_contacts'));
