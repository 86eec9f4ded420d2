-- The dashboard lists a scope's failed deliveries and the items they belong
-- to, newest failure first (web/console_dashboard.go). Without an index on
-- the failed state both queries read every delivery: on a province's year
-- (503,019 deliveries, 2 % failed; docs/benchmarks.md) two sequential scans
-- on every dashboard. With it they read the failed and abandoned ones only.
CREATE INDEX deliveries_failed ON deliveries (updated_at DESC) WHERE state IN ('failed', 'abandoned');
