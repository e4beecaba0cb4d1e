package io.batchwire.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** A record's state: {@code pending} until exactly one terminal outcome is stored ({@link RecordTransitions}). */
public enum RecordState {
    PENDING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED;

    public boolean isTerminal() {
        return RecordTransitions.TABLE.isFinal(this);
    }

    private final String wire = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static RecordState fromWire(String value) {
        return RecordTransitions.TABLE.fromWire(value);
    }
}
