-- A collection's worker-level time limit per request (request_timeout_seconds at create; the configured default,
-- batchwire.collections.request-timeout, is stored when none is given; null on collections made before this).
ALTER TABLE collections ADD COLUMN request_timeout_seconds integer CHECK (request_timeout_seconds > 0);
-- Each record's own time limit over all its attempts, from its first send (a collection run's); null: none.
ALTER TABLE jobs ADD COLUMN record_timeout_seconds integer CHECK (record_timeout_seconds > 0);
