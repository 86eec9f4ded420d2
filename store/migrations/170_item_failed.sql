-- An item whose deliveries all ended without reaching any channel settles
-- as failed (发布失败) instead of staying publishing for ever (issue 22).
ALTER TABLE items DROP CONSTRAINT items_state_check;
ALTER TABLE items ADD CONSTRAINT items_state_check
    CHECK (state IN ('draft','in_review','approved','scheduled','publishing','published','failed','rejected','withdrawn'));
