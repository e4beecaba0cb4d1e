-- Per-tenant webhook signing secrets (Standard Webhooks "whsec_..."); the previous one stays valid during rotation.
ALTER TABLE tenants ADD COLUMN webhook_secret text;
ALTER TABLE tenants ADD COLUMN webhook_secret_previous text;
ALTER TABLE tenants ADD COLUMN webhook_secret_previous_until timestamptz;

-- What a job asks for when it ends, and which collection (if any) it is a run of.
ALTER TABLE jobs ADD COLUMN webhook_url text;
ALTER TABLE jobs ADD COLUMN result_url text;
ALTER TABLE jobs ADD COLUMN format text NOT NULL DEFAULT 'jsonl' CHECK (format IN ('json', 'jsonl', 'csv', 'xlsx'));
ALTER TABLE jobs ADD COLUMN collection_id uuid;
CREATE INDEX jobs_collection ON jobs (collection_id, created_at DESC) WHERE collection_id IS NOT NULL;

-- Everything that announces a job's end, written in the same transaction as the end (an outbox):
-- 'event' = the CloudEvent on the job-events topic, 'webhook' = the signed POST, 'push' = the result file PUT.
-- One event id per job end (evt_<job id>) is shared by the event and the webhook, so consumers of both can dedupe.
CREATE TABLE deliveries (
    id               uuid        PRIMARY KEY,
    job_id           uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    tenant_id        uuid        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('event', 'webhook', 'push')),
    event_type       text        NOT NULL,
    url              text,
    state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'stopped')),
    attempts         integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_until      timestamptz,
    payload          text,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    UNIQUE (job_id, kind)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';

CREATE TABLE delivery_attempts (
    delivery_id  uuid        NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt      integer     NOT NULL,
    started_at   timestamptz NOT NULL,
    status_code  integer,
    latency_ms   integer,
    error        text,
    PRIMARY KEY (delivery_id, attempt)
);
