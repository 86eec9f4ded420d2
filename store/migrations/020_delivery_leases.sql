-- A worker holds a lease on a delivery while it talks to the platform. The
-- queue may hand the same delivery to two workers (after a Redis flush, or
-- when a worker was killed); the lease makes sure only one of them sends,
-- and a worker taking over from a dead one verifies on the platform first.
ALTER TABLE deliveries
    ADD COLUMN lease_owner text,
    ADD COLUMN lease_until timestamptz,
    ADD COLUMN next_attempt_at timestamptz;
