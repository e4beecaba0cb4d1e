package io.batchwire.messaging;

/**
 * Channel names, in one place. Topic names are configuration ({@code mp.messaging.*.topic}).
 * An outgoing and an incoming channel never share a name: SmallRye would wire them in memory and skip Kafka.
 */
public final class Channels {
    /** Job chunks, out to {@code batchwire.jobs}. */
    public static final String JOBS_OUT = "jobs-out";
    /** Job chunks, in from {@code batchwire.jobs}. */
    public static final String JOBS_IN = "jobs-in";
    /** Record outcomes, out to {@code batchwire.record-results}. */
    public static final String RESULTS_OUT = "record-results-out";
    /** Record outcomes, in from {@code batchwire.record-results}, in batches. */
    public static final String RESULTS_IN = "record-results-in";

    /** Public CloudEvents, out to {@code batchwire.job-events} (key = job id). */
    public static final String EVENTS_OUT = "job-events-out";

    /** Messages that cannot be processed, out to {@code batchwire.dead-letter}, with the reason in headers. */
    public static final String DEAD_LETTER_OUT = "dead-letter-out";
    /** The same messages, in from {@code batchwire.dead-letter}, into the operator's store ({@link DeadLetterStore}). */
    public static final String DEAD_LETTER_IN = "dead-letter-in";

    private Channels() {
    }
}
