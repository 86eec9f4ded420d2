-- Assessment reports (R12) read one period's records of a set of accounts:
-- posts by delivery time (a withdrawn post was still published, as the
-- update-frequency clocks count it), deliveries by when they were planned,
-- and sign-off chains by when they were submitted.
CREATE INDEX deliveries_published ON deliveries (account_id, delivered_at) WHERE state IN ('delivered','withdrawn');
CREATE INDEX deliveries_account_created ON deliveries (account_id, created_at);
CREATE INDEX submissions_submitted ON submissions (submitted_at);
