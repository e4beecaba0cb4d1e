-- Dead letters as the dead-letter topic delivered them, kept for the operator (console: reason, payload, replay).
-- (dl_partition, dl_offset) is the message's place on the dead-letter topic: reading it twice stores it once.
CREATE TABLE dead_letters (
    id           bigserial PRIMARY KEY,
    dl_partition int         NOT NULL,
    dl_offset    bigint      NOT NULL,
    origin_topic text,
    origin_partition int,
    origin_offset bigint,
    message_key  text,
    reason       text        NOT NULL,
    cause        text,
    payload      bytea       NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    replays      int         NOT NULL DEFAULT 0,
    replayed_at  timestamptz,
    UNIQUE (dl_partition, dl_offset)
);
CREATE INDEX dead_letters_received ON dead_letters (received_at);
