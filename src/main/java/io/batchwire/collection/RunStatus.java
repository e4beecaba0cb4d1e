package io.batchwire.collection;

import com.fasterxml.jackson.annotation.JsonValue;
import io.batchwire.api.ProblemException;
import io.batchwire.job.JobState;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A run's status, a view of its job's state: {@code in_progress} while the job is queued, accepted or processing, then
 * the job's final state. Transitions are the job's ({@link JobState}); this only names them for collections.
 */
public enum RunStatus {
    IN_PROGRESS(EnumSet.of(JobState.QUEUED, JobState.ACCEPTED, JobState.PROCESSING)),
    COMPLETED(EnumSet.of(JobState.COMPLETED)),
    FAILED(EnumSet.of(JobState.FAILED)),
    CANCELLED(EnumSet.of(JobState.CANCELLED));

    private final Set<JobState> jobStates;

    RunStatus(Set<JobState> jobStates) {
        this.jobStates = jobStates;
    }

    public static RunStatus of(JobState state) {
        for (RunStatus s : values()) {
            if (s.jobStates.contains(state)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no run status for job state " + state);
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The job states of a comma-separated {@code status_filter}; empty when there is none. */
    public static Set<JobState> jobStates(String raw) {
        Set<JobState> out = EnumSet.noneOf(JobState.class);
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String part : raw.split(",")) {
            String wanted = part.trim().toLowerCase(Locale.ROOT);
            RunStatus s = Arrays.stream(values()).filter(v -> v.wire().equals(wanted)).findFirst()
                    .orElseThrow(() -> ProblemException.validation("status_filter", "'status_filter' takes a comma-separated list of "
                            + Arrays.stream(values()).map(RunStatus::wire).collect(Collectors.joining(", "))));
            out.addAll(s.jobStates);
        }
        return out;
    }
}
