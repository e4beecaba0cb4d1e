-- Exports are charged as their pages are stored, not at submit: one charge per stored page (price per call, or price x
-- the page's rows), written in the transaction that stores the page, so a redelivered or repeated page outcome (which
-- takes no outcome) is never charged again, and the unique index below makes a second charge of one page impossible
-- anyway. A page charge names its page; a page of an export may hold no rows (an empty last page still cost a call).
-- Submit charges (page IS NULL) keep one per job, refunds stay one per job.
ALTER TABLE credit_entries ADD COLUMN page integer CHECK (page >= 0);
ALTER TABLE credit_entries DROP CONSTRAINT credit_entries_records_check;
ALTER TABLE credit_entries DROP CONSTRAINT credit_entries_shape;
ALTER TABLE credit_entries ADD CONSTRAINT credit_entries_shape CHECK (
    (kind = 'grant' AND amount > 0 AND job_id IS NULL AND page IS NULL)
    OR (kind = 'charge' AND amount < 0 AND job_id IS NOT NULL AND records IS NOT NULL
        AND (records > 0 OR (page IS NOT NULL AND records = 0)))
    OR (kind = 'refund' AND amount > 0 AND job_id IS NOT NULL AND records > 0 AND page IS NULL));

DROP INDEX credit_entries_job;
CREATE UNIQUE INDEX credit_entries_job ON credit_entries (job_id, kind) WHERE job_id IS NOT NULL AND page IS NULL;
CREATE UNIQUE INDEX credit_entries_page ON credit_entries (job_id, page) WHERE page IS NOT NULL;
