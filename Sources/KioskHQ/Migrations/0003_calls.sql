-- The call centre's queue: one task per consenting customer; handed out with FOR UPDATE SKIP LOCKED.
CREATE TABLE call_task (
    id bigserial PRIMARY KEY,
    inspection_id bigint NOT NULL UNIQUE REFERENCES inspection(id),
    dealer_code text NOT NULL REFERENCES dealer(code),
    week text NOT NULL,
    state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'held', 'done')),
    holder text,
    taken_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    not_before date,
    last_try_on date,
    result text CHECK (result IN ('confirmed', 'denied', 'unreachable')),
    followup_done boolean,
    note text,
    done_at timestamptz
);
CREATE INDEX call_task_open ON call_task(id) WHERE state <> 'done';
CREATE INDEX call_task_week ON call_task(week, dealer_code);
-- Every answer an agent gave, once each.
CREATE TABLE call_result (
    id bigserial PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES call_task(id),
    attempt integer NOT NULL,
    agent text NOT NULL,
    result text NOT NULL,
    followup_done boolean,
    note text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (task_id, attempt)
);
