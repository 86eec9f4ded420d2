-- Every finish of a delivery writes a new row version and an entry in each
-- of its indexes. deliveries_delivered (030) duplicates deliveries_published
-- (070): a query for state = 'delivered' uses the latter, whose predicate it
-- implies. Free space on each page lets the checkpoint updates, which touch
-- no indexed column, stay on their page (HOT) and skip the indexes.
DROP INDEX IF EXISTS deliveries_delivered;
ALTER TABLE deliveries SET (fillfactor = 80);
