-- Tenants own everything; a key is stored only as its SHA-256 hash.
CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    plan        text        NOT NULL DEFAULT 'growth',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    key_hash    bytea       PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    prefix      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

-- One submitted batch. Counters are only ever changed together with the records they count.
CREATE TABLE jobs (
    id                uuid        PRIMARY KEY,
    tenant_id         uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    type              text        NOT NULL,
    state             text        NOT NULL CHECK (state IN ('accepted', 'processing', 'completed', 'failed', 'cancelled')),
    total_records     integer     NOT NULL CHECK (total_records > 0),
    succeeded         integer     NOT NULL DEFAULT 0,
    failed            integer     NOT NULL DEFAULT 0,
    timed_out         integer     NOT NULL DEFAULT 0,
    cancelled         integer     NOT NULL DEFAULT 0,
    metadata          jsonb,
    error             text,
    -- store order of outcomes within the job: assigned under the job's row lock, so it follows commit order
    result_seq        bigint      NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    -- transactional outbox: null until every chunk of the job is on the jobs topic
    dispatched_at     timestamptz,
    dispatch_claimed_until timestamptz,
    CONSTRAINT jobs_counts_within_total CHECK (succeeded + failed + timed_out + cancelled <= total_records)
);
CREATE INDEX jobs_tenant_created ON jobs (tenant_id, created_at DESC, id DESC);
CREATE INDEX jobs_undispatched ON jobs (created_at) WHERE dispatched_at IS NULL;

-- One item of a job: its input and, once terminal, its single outcome.
CREATE TABLE job_records (
    job_id        uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx           integer     NOT NULL,
    custom_id     text,
    input         jsonb       NOT NULL,
    status        text        NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'succeeded', 'failed', 'timed_out', 'cancelled')),
    status_code   integer,
    attempts      integer     NOT NULL DEFAULT 0,
    started_at    timestamptz,
    completed_at  timestamptz,
    duration_ms   bigint,
    result        jsonb,
    error         jsonb,
    seq           bigint,
    PRIMARY KEY (job_id, idx)
) WITH (fillfactor = 80);
CREATE UNIQUE INDEX job_records_custom_id ON job_records (job_id, custom_id) WHERE custom_id IS NOT NULL;
CREATE INDEX job_records_seq ON job_records (job_id, seq) WHERE seq IS NOT NULL;
