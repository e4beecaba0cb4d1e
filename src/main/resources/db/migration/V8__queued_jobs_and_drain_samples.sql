-- Jobs over their plan's concurrent-jobs limit are accepted and wait as 'queued' until one of the tenant's running
-- jobs ends (job.JobTransitions holds the moves: queued -> accepted | cancelled). A queued job is not on Kafka yet,
-- holds no slot, and its time limit starts when it does (deadline_at is null while it waits).
ALTER TABLE jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_state_check
    CHECK (state IN ('queued', 'accepted', 'processing', 'completed', 'failed', 'cancelled'));

-- The partial indexes over unfinished jobs (V2, V4) name the unfinished states; queued is one now.
DROP INDEX jobs_tenant_active;
CREATE INDEX jobs_tenant_active ON jobs (tenant_id) WHERE state IN ('queued', 'accepted', 'processing');
DROP INDEX jobs_collection_active;
CREATE INDEX jobs_collection_active ON jobs (collection_id)
    WHERE collection_id IS NOT NULL AND state IN ('queued', 'accepted', 'processing');
-- The outbox sweep looks for running jobs not yet on Kafka; queued ones are not meant to be there yet.
DROP INDEX jobs_undispatched;
CREATE INDEX jobs_undispatched ON jobs (created_at) WHERE dispatched_at IS NULL AND state IN ('accepted', 'processing');
-- A tenant's queue, in submit order: what promotion takes from, and what a queued job's estimate sums up.
CREATE INDEX jobs_tenant_queued ON jobs (tenant_id, created_at, id) WHERE state = 'queued';

-- How fast each tenant's records drain: the status writer adds one row per tenant and stored batch of outcomes (in
-- the batch's transaction); the Retry-After of a refused submit and a queued job's estimate read the last window of
-- it. Rows older than the window are swept.
CREATE TABLE drain_samples (
    tenant_id  uuid        NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    records    integer     NOT NULL CHECK (records > 0)
);
CREATE INDEX drain_samples_tenant_at ON drain_samples (tenant_id, at);
CREATE INDEX drain_samples_at ON drain_samples (at);
