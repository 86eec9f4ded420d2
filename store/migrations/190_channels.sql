-- Beyond four channels (issue 19): Douyin is delivered to, and the
-- platforms without a publishing API are manual channels. A delivery to a
-- manual channel waits in state 'manual' (a publishing task for the
-- account's operators) until one of them pastes the published URL and
-- the hub has checked the page; its rendered text and deadline are kept
-- in steps.
ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_platform_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_platform_check
    CHECK (platform IN ('wechat','weibo','app','website','douyin',
                        'shipinhao','toutiao','xiaohongshu','kuaishou','renminhao','xuexi','other'));

ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_state_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check
    CHECK (state IN ('pending','queued','sending','unconfirmed','manual','delivered','failed','abandoned','withdrawn'));

-- The publishing tasks: few, read by every manager's dashboard.
CREATE INDEX deliveries_manual ON deliveries (account_id, id) WHERE state = 'manual';
