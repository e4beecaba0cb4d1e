package io.batchwire.dispatch;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "batchwire.dispatch")
public interface DispatchConfig {

    /** Records per message on the jobs topic: the unit that replicas share and that tenants take turns with. */
    @WithDefault("100")
    int chunkSize();

    /**
     * Chunks one replica may hold from Kafka, waiting or running. Waiting chunks are tiny (job id and a range), so
     * a few thousand cost little; they are what lets a small job of one tenant overtake another tenant's backlog.
     * Beyond this the backlog stays in Kafka.
     */
    @WithDefault("2000")
    int maxBufferedChunks();

    /** Chunks running at once per upstream; by default just enough to keep its concurrency busy (limit / chunk + 2). */
    Optional<Integer> chunksPerUpstream();

    /**
     * Outcomes gathered or handed to the Kafka producer and not yet acknowledged; at this many no record starts its
     * first call (and no chunk starts) until the broker catches up.
     */
    @WithDefault("20000")
    int maxUnackedOutcomes();

    /**
     * The same bound in bytes: a slow broker and large upstream bodies cannot fill the heap. The heap holds at most this
     * plus what the calls already in flight bring back (the upstreams' concurrency times {@code max-response-bytes}).
     */
    @WithDefault("64M")
    MemorySize maxUnackedOutcomeBytes();

    /** How long a chunk whose claim another live replica holds waits before it asks again. */
    @WithDefault("1s")
    Duration claimRetry();

    /** Outcomes of one chunk gathered into one status-topic message, at most. */
    @WithDefault("100")
    int outcomeBatchSize();

    /** A status-topic message's size limit in bytes (keep it under the broker's {@code message.max.bytes}). */
    @WithDefault("524288")
    int outcomeBatchBytes();

    /**
     * One outcome's largest size as JSON; a larger one is stored as failed ({@code response_too_large}) instead.
     * Keep it under the producer's {@code max.request.size} and the status topic's {@code max.message.bytes} (4 MB
     * here): a message the broker refuses would stop the dispatcher. An upstream body within
     * {@code max-response-bytes} can still grow up to six times when escaped as a JSON string.
     */
    @WithDefault("4000000")
    int outcomeMaxBytes();

    /** How long a gathered outcome may wait for others before its message goes out anyway. */
    @WithDefault("50ms")
    Duration outcomeLinger();

    /** How often a replica looks for cancelled, failed or timed-out jobs among those it is working on. */
    @WithDefault("1s")
    Duration stopCheckInterval();

    /** How often the outbox sweep looks for accepted jobs that never reached Kafka. */
    @WithDefault("5s")
    Duration recoveryInterval();

    /** An accepted job older than this and not yet on Kafka is (re)published by the sweep. */
    @WithDefault("15s")
    Duration recoveryGrace();

    /** How many stranded jobs one sweep republishes. */
    @WithDefault("50")
    int recoveryBatch();
}
