-- The service's live processes. Each replica inserts itself at start under a random id and renews its lease every
-- heartbeat; a replica whose lease ran out is dead for the cluster, whatever it still does (it stops calling
-- upstreams once it cannot renew, and comes back under a new id).
CREATE TABLE replicas (
    id          uuid        PRIMARY KEY,
    host        text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz NOT NULL
);

-- A chunk of a job is claimed by the replica that starts it, in the statement that reads its pending records: no
-- other replica starts its records while the claimant is alive. A replica that gives a chunk up (its partition moved,
-- or it is shutting down) releases the claim only once the outcomes of the records it sent are stored, so the next
-- claimant sends exactly the records nobody sent. A dead claimant's claims are void.
CREATE TABLE chunk_claims (
    job_id      uuid        NOT NULL,
    from_idx    integer     NOT NULL,
    claimed_by  uuid        NOT NULL,
    claimed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, from_idx)
);

-- deleting jobs deletes their records (V5) and, now, their chunks' claims
CREATE OR REPLACE FUNCTION delete_records_of_deleted_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_records r USING deleted_jobs d WHERE r.job_id = d.id;
    DELETE FROM chunk_claims c USING deleted_jobs d WHERE c.job_id = d.id;
    RETURN NULL;
END
$$;
