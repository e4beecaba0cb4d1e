package io.batchwire.job;

import java.util.UUID;

/**
 * Where stored jobs go to be run, as the job service sees it (the dispatch package implements it): a job just
 * stored is handed over to be published without anyone waiting (the stored job is the outbox, so a hand-over that
 * fails is repeated by the sweep), and a job that ended early stops taking new upstream calls on this replica at once
 * (other replicas notice within their stop-check interval).
 */
public interface JobPipeline {

    /**
     * Publishes a stored job's chunks; never fails the caller. {@code traceParent}: the trace context the chunks carry
     * (null: none, the dispatcher joins the job's stored trace).
     */
    void start(UUID jobId, UUID tenantId, String type, int totalRecords, String traceParent);

    /** No new upstream call for this job from this replica. */
    void stop(UUID jobId);
}
