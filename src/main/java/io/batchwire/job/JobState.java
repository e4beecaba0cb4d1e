package io.batchwire.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** A job's state; which moves are allowed is {@link JobTransitions}'s to say. */
public enum JobState {
    QUEUED, ACCEPTED, PROCESSING, COMPLETED, FAILED, CANCELLED;

    /** No move out of it: the job has ended. */
    public boolean isFinal() {
        return JobTransitions.TABLE.isFinal(this);
    }

    private final String wire = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static JobState fromWire(String value) {
        return JobTransitions.TABLE.fromWire(value);
    }
}
