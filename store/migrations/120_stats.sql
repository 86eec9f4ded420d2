-- Statistics from the platforms (issue 20): daily figures per post and per
-- account, the collector's cursor per account and day, and monthly
-- partitions created ahead by a task.

-- connectors/douyin publishes to Douyin accounts; the registry's CHECK
-- predates it. The constraint keeps its name, so a later migration that
-- widens it again finds it.
ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_platform_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_platform_check
    CHECK (platform IN ('wechat','weibo','app','website','douyin','other'));

-- Every post an account's figures name: ours (delivery_id set) or one
-- posted on the platform directly, which still counts for the account's
-- indices. platform_post_id is the platform's name for it (WeChat's
-- datacube: "<msg_data_id>_<index>").
CREATE TABLE stats_posts (
    id               bigserial PRIMARY KEY,
    account_id       bigint NOT NULL REFERENCES accounts(id),
    platform_post_id text NOT NULL,
    delivery_id      bigint REFERENCES deliveries(id),
    item_id          bigint REFERENCES items(id),
    title            text NOT NULL DEFAULT '',
    position         int NOT NULL DEFAULT 1 CHECK (position >= 1), -- 1: a headline (头条)
    published_on     date,                                          -- China date; NULL: not known
    UNIQUE (account_id, platform_post_id)
);
CREATE INDEX stats_posts_delivery ON stats_posts (delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX stats_posts_published ON stats_posts (account_id, published_on);

-- What a post earned on one China day. NULL: the platform does not report
-- that figure (WeChat's datacube has no likes; Weibo no reads). source:
-- platform, estimated (a day a snapshot platform was not asked, its share
-- of the growth seen next), manual (typed by an operator; never
-- overwritten by a collection).
CREATE TABLE stats_post_days (
    day          date NOT NULL,
    post_id      bigint NOT NULL REFERENCES stats_posts(id),
    account_id   bigint NOT NULL,
    reads        bigint,
    likes        bigint,
    wows         bigint, -- 在看
    shares       bigint,
    comments     bigint,
    source       text NOT NULL CHECK (source IN ('platform','estimated','manual')),
    collected_at timestamptz NOT NULL,
    PRIMARY KEY (post_id, day)
) PARTITION BY RANGE (day);
CREATE INDEX stats_post_days_account ON stats_post_days (account_id, day);

-- An account's figures of one China day: followers at its end, the day's
-- new and lost followers, and what all its posts earned that day when the
-- platform says (WeChat: the sum of its articles' reads).
CREATE TABLE stats_account_days (
    day            date NOT NULL,
    account_id     bigint NOT NULL REFERENCES accounts(id),
    followers      bigint,
    new_followers  bigint,
    lost_followers bigint,
    reads          bigint,
    likes          bigint,
    wows           bigint,
    shares         bigint,
    comments       bigint,
    source         text NOT NULL CHECK (source IN ('platform','estimated','manual')),
    collected_at   timestamptz NOT NULL,
    PRIMARY KEY (account_id, day)
) PARTITION BY RANGE (day);

-- The collector's cursor: a day is complete once the platform will not
-- change its figures any more (WeChat's datacube computes a day the
-- morning after); a partial day is asked again on the next run.
CREATE TABLE stats_cursors (
    account_id bigint NOT NULL REFERENCES accounts(id),
    day        date NOT NULL,
    state      text NOT NULL CHECK (state IN ('partial','complete')),
    attempts   int NOT NULL DEFAULT 0,
    error      text,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, day)
);

-- stats_partitions creates the monthly partitions of both daily tables
-- for every month from first to last (inclusive) and returns how many it
-- made. The advisory lock serialises concurrent callers, which would
-- otherwise race on the catalog.
CREATE FUNCTION stats_partitions(first date, last date) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    m    date := date_trunc('month', first)::date;
    made int := 0;
    t    text;
    name text;
BEGIN
    PERFORM pg_advisory_xact_lock(7400120);
    WHILE m <= last LOOP
        FOREACH t IN ARRAY ARRAY['stats_post_days', 'stats_account_days'] LOOP
            name := t || '_' || to_char(m, 'YYYY"m"MM');
            IF to_regclass(name) IS NULL THEN
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                    name, t, m, (m + interval '1 month')::date);
                made := made + 1;
            END IF;
        END LOOP;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN made;
END $$;

SELECT stats_partitions(current_date, (current_date + interval '3 months')::date);
