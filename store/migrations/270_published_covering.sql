-- The dashboard judges every account of a scope against its update
-- frequency (clocks.Frequencies, clocks.WeeklyAt): counts of the items
-- delivered to each account in a window, and each website's last post per
-- column type, which reads the category of every version it ever
-- delivered. For a province's office (300 websites, 73,842 website posts
-- in a year; docs/benchmarks.md) that join read the deliveries' heap and
-- item_versions' heap once per post: 3.6 s. With the item and version in
-- the published index and the category beside item_versions' key, both
-- sides are index-only scans (once vacuumed): 340 ms. The published index
-- keeps its name, key and predicate; it only carries two more columns.
DROP INDEX deliveries_published;
CREATE INDEX deliveries_published ON deliveries (account_id, delivered_at) INCLUDE (item_id, version_number)
    WHERE state IN ('delivered', 'withdrawn');
CREATE INDEX item_versions_category ON item_versions (item_id, number) INCLUDE (category);
