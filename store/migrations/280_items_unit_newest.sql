-- What a console user's dashboard and item list read for a scope of units
-- (docs/benchmarks.md, "Dashboard and item lists under 200 concurrent
-- users"), each an index read of the scope's own rows instead of a walk
-- through everyone's:
--
-- A unit's newest items, with what the dashboard's joins need of them
-- (an index-only scan once vacuumed). The item list and the dashboard's
-- own items of a small scope read each unit's newest ids and merge them
-- (store.ListItems); the failed items and deliveries and the open urgent
-- clocks join the scope's items from here. Before, PostgreSQL walked every
-- item's id newest first until it had a page of the scope's (about 6,000
-- rows for one department of a province) or read the scope's items from
-- the table.
CREATE INDEX items_unit_newest ON items (unit_id, id DESC) INCLUDE (version_number, state, created_at);

-- The urgent versions by item: the open urgent clocks probe the scope's
-- items of the month here. The index it replaces held only the word
-- "urgent", so every urgent version of every year was read.
CREATE INDEX item_versions_urgent ON item_versions (item_id, number) WHERE urgency = 'urgent';
DROP INDEX item_versions_urgency;

-- Manual channels' open publishing tasks (store.ManualTasks): without it
-- every dashboard read all deliveries to find the few with a task.
CREATE INDEX deliveries_tasks ON deliveries (account_id) WHERE steps ? 'task_text' AND state IN ('manual', 'failed');
