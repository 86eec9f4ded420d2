-- Scheduled publishing (issue 17, point 5): an item may carry publish_at;
-- an approved item whose time has not come waits in state 'scheduled',
-- and its deliveries are not sent before not_before (the item's
-- publish_at when they were planned). signed_publish_at is the time the
-- sign-off approved: moving the item earlier needs the last signer's level.
ALTER TABLE items ADD COLUMN publish_at timestamptz, ADD COLUMN signed_publish_at timestamptz;
ALTER TABLE items DROP CONSTRAINT items_state_check;
ALTER TABLE items ADD CONSTRAINT items_state_check
    CHECK (state IN ('draft','in_review','approved','scheduled','publishing','published','rejected','withdrawn'));
CREATE INDEX items_publish_at ON items (publish_at) WHERE state = 'scheduled';
ALTER TABLE deliveries ADD COLUMN not_before timestamptz;
