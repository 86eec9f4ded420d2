-- deliveries_item (002) duplicates the leading column of the unique index
-- on (item_id, version_number, account_id), which serves every lookup by
-- item as well; each state change of a delivery (release, claim, finish)
-- wrote an entry in both.
DROP INDEX IF EXISTS deliveries_item;
