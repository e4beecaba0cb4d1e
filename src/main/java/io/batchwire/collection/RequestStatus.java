package io.batchwire.collection;

import com.fasterxml.jackson.annotation.JsonValue;
import io.batchwire.api.ProblemException;
import io.batchwire.job.RecordState;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** One request's status in a run: the name collections use for its record's state. */
public enum RequestStatus {
    PENDING(RecordState.PENDING),
    COMPLETED(RecordState.SUCCEEDED),
    FAILED(RecordState.FAILED),
    TIMEOUT(RecordState.TIMED_OUT),
    CANCELLED(RecordState.CANCELLED);

    private final RecordState record;

    RequestStatus(RecordState record) {
        this.record = record;
    }

    public static RequestStatus of(RecordState state) {
        for (RequestStatus s : values()) {
            if (s.record == state) {
                return s;
            }
        }
        throw new IllegalArgumentException("no request status for record state " + state);
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The record states of a comma-separated {@code status_filter}; empty when there is none. */
    public static Set<RecordState> recordStates(String raw) {
        Set<RecordState> out = EnumSet.noneOf(RecordState.class);
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String part : raw.split(",")) {
            String wanted = part.trim().toLowerCase(Locale.ROOT);
            RequestStatus s = Arrays.stream(values()).filter(v -> v.wire().equals(wanted)).findFirst()
                    .orElseThrow(() -> ProblemException.validation("status_filter", "'status_filter' takes a comma-separated list of "
                            + Arrays.stream(values()).map(RequestStatus::wire).collect(Collectors.joining(", "))));
            out.add(s.record);
        }
        return out;
    }
}
