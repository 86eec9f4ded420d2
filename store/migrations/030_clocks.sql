-- Deadlines: calendar overrides, clock policies and alerts fired once.

-- Holiday data an administrator imported for years the binary does not
-- embed; applied in order over the embedded calendar.
CREATE TABLE calendar_overrides (
    id          bigserial PRIMARY KEY,
    source      text NOT NULL,
    content     text NOT NULL,
    imported_by bigint REFERENCES users(id),
    imported_at timestamptz NOT NULL
);

-- Per-unit clock policy overrides (YAML); absent means the default.
CREATE TABLE clock_policies (
    unit_id    bigint PRIMARY KEY REFERENCES units(id),
    policy     text NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Every alert a clock raised, at most once per subject, kind and level:
-- "item:12/weibo" at_risk_50, "account:3/2026-W47" frequency_warning…
CREATE TABLE alerts (
    id       bigserial PRIMARY KEY,
    subject  text NOT NULL,
    kind     text NOT NULL,
    level    text NOT NULL,
    unit_id  bigint REFERENCES units(id),
    message  text NOT NULL,
    fired_at timestamptz NOT NULL,
    UNIQUE (subject, kind, level)
);
CREATE INDEX alerts_unit ON alerts (unit_id, fired_at DESC);

CREATE INDEX item_versions_urgency ON item_versions (urgency) WHERE urgency = 'urgent';
CREATE INDEX deliveries_delivered ON deliveries (account_id, delivered_at) WHERE state = 'delivered';
