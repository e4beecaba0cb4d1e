-- Export jobs (the Vainu pattern): one request whose paginated upstream answer becomes up to millions of rows. An
-- export is an ordinary job whose records are the pages of the upstream's answer: page 0 is stored at submit, and
-- storing page n's outcome (from the status topic) stores its rows and, in the same transaction, the record of page
-- n + 1 with the position (cursor, offset or next link) to fetch it from, so a crash resumes at the first page
-- without a stored outcome. total_records grows by one per page; export_rows counts the rows stored.
ALTER TABLE jobs ADD COLUMN kind text NOT NULL DEFAULT 'batch' CHECK (kind IN ('batch', 'export'));
ALTER TABLE jobs ADD COLUMN export_rows bigint NOT NULL DEFAULT 0;

-- The rows of an export, numbered from 0 in the upstream's order. Written only with the page outcome that carries
-- them (never twice: a page takes its outcome once).
CREATE TABLE export_rows (
    job_id  uuid   NOT NULL,
    row_no  bigint NOT NULL,
    -- json, not jsonb: the row as the upstream wrote it, its keys in their order
    body    json,
    PRIMARY KEY (job_id, row_no)
);

-- deleting jobs deletes their records, their chunks' claims and, now, their export rows
CREATE OR REPLACE FUNCTION delete_records_of_deleted_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_records r USING deleted_jobs d WHERE r.job_id = d.id;
    DELETE FROM chunk_claims c USING deleted_jobs d WHERE c.job_id = d.id;
    DELETE FROM export_rows e USING deleted_jobs d WHERE e.job_id = d.id;
    RETURN NULL;
END
$$;
