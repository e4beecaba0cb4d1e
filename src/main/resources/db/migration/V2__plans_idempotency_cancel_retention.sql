-- Plans: a tenant's limits. The four defaults; admins may change them or add more.
CREATE TABLE plans (
    name                    text     PRIMARY KEY,
    max_records_per_job     integer  NOT NULL CHECK (max_records_per_job > 0),
    max_concurrent_jobs     integer  NOT NULL CHECK (max_concurrent_jobs > 0),
    max_queued_records      integer  NOT NULL CHECK (max_queued_records > 0),
    retention_seconds       bigint   NOT NULL CHECK (retention_seconds > 0),
    default_timeout_seconds integer  CHECK (default_timeout_seconds > 0)
);
INSERT INTO plans (name, max_records_per_job, max_concurrent_jobs, max_queued_records, retention_seconds) VALUES
    ('free',     50,  1, 100000,   86400),
    ('starter', 500,  5, 100000,  604800),
    ('growth', 1000, 20, 100000, 2592000),
    ('scale',  1000, 50, 100000, 7776000);
ALTER TABLE tenants ADD CONSTRAINT tenants_plan_fk FOREIGN KEY (plan) REFERENCES plans (name);

-- Active jobs per tenant: what the concurrent-job and queued-record limits count.
CREATE INDEX jobs_tenant_active ON jobs (tenant_id) WHERE state IN ('accepted', 'processing');

-- Time limits.
ALTER TABLE jobs ADD COLUMN timeout_seconds integer CHECK (timeout_seconds > 0);
ALTER TABLE jobs ADD COLUMN deadline_at timestamptz;
CREATE INDEX jobs_deadline ON jobs (deadline_at) WHERE deadline_at IS NOT NULL AND state IN ('accepted', 'processing');

-- Retention: bodies go first, then the whole job; a tombstone answers 410 for a known id for a while.
ALTER TABLE jobs ADD COLUMN bodies_purged_at timestamptz;
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE expired_jobs (
    id          uuid        PRIMARY KEY,
    tenant_id   uuid        NOT NULL,
    expired_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX expired_jobs_at ON expired_jobs (expired_at);

-- Idempotency keys (per tenant, 24 h). 'in_flight' while the first request is being accepted.
CREATE TABLE idempotency_keys (
    tenant_id     uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key           text        NOT NULL,
    scope         text        NOT NULL,
    request_hash  bytea       NOT NULL,
    state         text        NOT NULL CHECK (state IN ('in_flight', 'done')),
    resource_id   uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, scope, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
