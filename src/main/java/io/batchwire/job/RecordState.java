package io.batchwire.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Record states: {@code pending} until exactly one terminal outcome is stored. */
public enum RecordState {
    PENDING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED;

    public boolean isTerminal() {
        return this != PENDING;
    }

    /** Only pending → terminal is allowed; a terminal record never changes again. */
    public boolean canMoveTo(RecordState target) {
        return this == PENDING && target.isTerminal();
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RecordState fromWire(String value) {
        for (RecordState s : values()) {
            if (s.wire().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown record state: " + value);
    }
}
