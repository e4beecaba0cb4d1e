package io.batchwire.outbound;

/**
 * An outbound call that did not end with a whole answer: {@link #code} says why, in the terms records and delivery
 * logs use ({@code response_too_large}, {@code deadline_exceeded}: the answer began but did not end in time,
 * {@code timeout}: no answer in time, {@code connection_error}).
 */
public class OutboundException extends RuntimeException {

    public static final String TOO_LARGE = "response_too_large";
    public static final String DEADLINE = "deadline_exceeded";
    public static final String TIMEOUT = "timeout";
    public static final String CONNECTION = "connection_error";

    private final String code;

    public OutboundException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public boolean isTimeout() {
        return code.equals(TIMEOUT) || code.equals(DEADLINE);
    }
}
