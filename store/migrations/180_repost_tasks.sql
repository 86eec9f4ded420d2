-- Repost tasks (转发任务, issue 20): a supervising unit designates one of
-- its published items for accounts under it, with a deadline. Each target
-- account's unit gets a prepared reprint item; the task is done on an
-- account when a version of that reprint is delivered there.
CREATE TABLE repost_tasks (
    id          bigserial PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units(id),   -- the supervising unit (the item's)
    item_id     bigint NOT NULL REFERENCES items(id),   -- the item to repost
    created_by  bigint NOT NULL REFERENCES users(id),
    note        text NOT NULL DEFAULT '',
    deadline    timestamptz NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX repost_tasks_unit ON repost_tasks (unit_id, created_at DESC);
CREATE INDEX repost_tasks_deadline ON repost_tasks (deadline);

CREATE TABLE repost_targets (
    task_id         bigint NOT NULL REFERENCES repost_tasks(id) ON DELETE CASCADE,
    account_id      bigint NOT NULL REFERENCES accounts(id),
    reprint_item_id bigint NOT NULL REFERENCES items(id), -- prepared for the account's unit
    alerted_at      timestamptz,                          -- the overdue alert, sent once
    PRIMARY KEY (task_id, account_id)
);
CREATE INDEX repost_targets_reprint ON repost_targets (reprint_item_id);
