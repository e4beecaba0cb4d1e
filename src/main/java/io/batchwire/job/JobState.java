package io.batchwire.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Job states and the one table of allowed transitions. The store's conditional updates
 * ({@code WHERE state IN (...)}) mirror {@link #canMoveTo(JobState)}.
 */
public enum JobState {
    ACCEPTED, PROCESSING, COMPLETED, FAILED, CANCELLED;

    private Set<JobState> next() {
        return switch (this) {
            case ACCEPTED -> EnumSet.of(PROCESSING, COMPLETED, FAILED, CANCELLED);
            case PROCESSING -> EnumSet.of(COMPLETED, FAILED, CANCELLED);
            case COMPLETED, FAILED, CANCELLED -> EnumSet.noneOf(JobState.class);
        };
    }

    public boolean canMoveTo(JobState target) {
        return next().contains(target);
    }

    /** Throws when the transition is not allowed. */
    public JobState moveTo(JobState target) {
        if (!canMoveTo(target)) {
            throw new IllegalStateException("job state " + wire() + " cannot move to " + target.wire());
        }
        return target;
    }

    public boolean isFinal() {
        return next().isEmpty();
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static JobState fromWire(String value) {
        for (JobState s : values()) {
            if (s.wire().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown job state: " + value);
    }
}
