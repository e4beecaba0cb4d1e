-- Collections: a saved set of http requests a client runs again and again. A run is a job whose records are the
-- collection's requests (jobs.collection_id, V3); the collection only holds the definition.
CREATE TABLE collections (
    id             uuid        PRIMARY KEY,
    tenant_id      uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name           text        NOT NULL CHECK (length(name) > 0),
    request_count  integer     NOT NULL CHECK (request_count > 0),
    -- given to every run as its webhook_url
    webhook_url    text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collections_tenant_created ON collections (tenant_id, created_at DESC, id DESC);

-- One request of a collection: the http record ({url, method, headers, body}) without its custom_id.
CREATE TABLE collection_requests (
    collection_id  uuid    NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    idx            integer NOT NULL,
    custom_id      text,
    request        jsonb   NOT NULL,
    PRIMARY KEY (collection_id, idx)
);
CREATE UNIQUE INDEX collection_requests_custom_id ON collection_requests (collection_id, custom_id) WHERE custom_id IS NOT NULL;

-- Runs of a collection that are still going (reattach: ?status_filter=in_progress).
CREATE INDEX jobs_collection_active ON jobs (collection_id)
    WHERE collection_id IS NOT NULL AND state IN ('accepted', 'processing');
-- Retention of runs (bodies after batchwire.collections.body-retention, the rest after metadata-retention).
CREATE INDEX jobs_runs_finished ON jobs (finished_at) WHERE collection_id IS NOT NULL AND finished_at IS NOT NULL;
