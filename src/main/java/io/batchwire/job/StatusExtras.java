package io.batchwire.job;

import io.smallrye.mutiny.Uni;

import java.util.UUID;

/**
 * The parts of a job's status that other features own: the signed download link (results) and the state of the
 * result push (deliveries). Implemented by them; {@link JobViews} puts the status together.
 */
public interface StatusExtras {

    /** A fresh signed link to the job's results file in its format. */
    interface DownloadLinks {
        String href(Job job);
    }

    /** Where the push of the result file to {@code result_url} stands. */
    interface ResultPushes {
        Uni<JobStatus.Push> state(UUID jobId);
    }
}
