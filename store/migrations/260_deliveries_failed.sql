-- The dashboard lists a scope's failed deliveries and the items they belong
-- to, newest failure first (web/console_dashboard.go). Without an index on
-- the failed state both queries read every delivery: on a province's year
-- (503,019 deliveries, 2 % failed; docs/benchmarks.md) two sequential scans
-- on every dashboard, 1-2 s each. The index holds what both read of a
-- failed delivery, so they join it to the scope's items without reading
-- the table (an index-only scan once the table is vacuumed).
CREATE INDEX deliveries_failed ON deliveries (item_id, version_number) INCLUDE (id, account_id, state, updated_at)
    WHERE state IN ('failed', 'abandoned');
