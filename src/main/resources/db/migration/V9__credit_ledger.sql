-- Plans that charge credits. The seeded plans stay unmetered.
ALTER TABLE plans ADD COLUMN metered boolean NOT NULL DEFAULT false;

-- Each tenant's credits, as a ledger: a grant adds, a submit's charge takes (records x its upstream's price, in the
-- submit's transaction), a refund gives back what a job did not use (written in the transaction that ends the job).
-- The balance is the sum of a tenant's entries; no entry is ever changed. One charge and at most one refund per job.
-- job_id has no foreign key: retention removes jobs, the ledger keeps what they cost.
CREATE TABLE credit_entries (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind        text        NOT NULL CHECK (kind IN ('grant', 'charge', 'refund')),
    amount      bigint      NOT NULL,
    job_id      uuid,
    records     integer     CHECK (records > 0),
    note        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credit_entries_shape CHECK (
        (kind = 'grant' AND amount > 0 AND job_id IS NULL)
        OR (kind = 'charge' AND amount < 0 AND job_id IS NOT NULL AND records IS NOT NULL)
        OR (kind = 'refund' AND amount > 0 AND job_id IS NOT NULL AND records IS NOT NULL))
);
-- the balance (an index-only sum) and the newest-first statement
CREATE INDEX credit_entries_tenant ON credit_entries (tenant_id, id DESC) INCLUDE (amount);
CREATE UNIQUE INDEX credit_entries_job ON credit_entries (job_id, kind) WHERE job_id IS NOT NULL;

CREATE FUNCTION credit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'credit_entries is a ledger: entries are added, never changed';
END
$$;
CREATE TRIGGER credit_entries_no_update BEFORE UPDATE ON credit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION credit_entries_append_only();
