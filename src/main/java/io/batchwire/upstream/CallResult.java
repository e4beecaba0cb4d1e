package io.batchwire.upstream;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Locale;

/**
 * How one record's calls to its upstream ended, after every attempt: the last answer's status code and body (JSON,
 * or a string when it is not JSON), or why it failed. The dispatcher turns it into the record's outcome.
 */
public record CallResult(Kind kind, Integer statusCode, int attempts, Instant startedAt, long durationMs,
                         JsonNode body, String errorCode, String errorMessage) {

    public enum Kind {
        /** A 2xx answer. */
        SUCCEEDED,
        /** Any other answer, or no answer (connection error, refused request), after the last attempt. */
        FAILED,
        /** The last attempt ran out of time. */
        TIMED_OUT;

        private final String wire = name().toLowerCase(Locale.ROOT);

        public String wire() {
            return wire;
        }
    }
}
