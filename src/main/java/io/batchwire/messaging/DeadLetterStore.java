package io.batchwire.messaging;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dead-letter topic, kept in Postgres for the operator: every message that reaches it (from {@link DeadLetters}
 * or SmallRye's own dead-letter strategy, which name their headers alike) is stored once with its reason, cause,
 * origin, key and bytes; the operator can read it and replay it to the topic it came from. Rows go after
 * {@code batchwire.dead-letters.retention}. A store that fails (the database away) is tried again until it works, so
 * nothing on the topic is skipped; the channel's age check is off for that.
 */
@ApplicationScoped
public class DeadLetterStore {

    private static final Logger LOG = Logger.getLogger(DeadLetterStore.class);

    private static final String INSERT = """
            INSERT INTO dead_letters (dl_partition, dl_offset, origin_topic, origin_partition, origin_offset, message_key,
                                      reason, cause, payload)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (dl_partition, dl_offset) DO NOTHING""";

    private static final String COLUMNS = """
            id, origin_topic, origin_partition, origin_offset, message_key, reason, cause, received_at, replays, replayed_at,
            octet_length(payload) AS payload_bytes""";

    private final Pool pool;
    private final DeadLetters deadLetters;
    private final DeadLettersConfig config;

    public DeadLetterStore(Pool pool, DeadLetters deadLetters, DeadLettersConfig config) {
        this.pool = pool;
        this.deadLetters = deadLetters;
        this.config = config;
    }

    @Incoming(Channels.DEAD_LETTER_IN)
    public Uni<Void> store(Message<byte[]> message) {
        Optional<IncomingKafkaRecordMetadata> meta = message.getMetadata(IncomingKafkaRecordMetadata.class);
        if (meta.isEmpty()) {
            return Uni.createFrom().completionStage(message.ack());
        }
        IncomingKafkaRecordMetadata<?, ?> m = meta.get();
        Headers h = m.getHeaders();
        byte[] value = message.getPayload() == null ? new byte[0] : message.getPayload();
        String reason = header(h, DeadLetters.REASON);
        Tuple row = Tuple.of(m.getPartition(), m.getOffset())
                .addValue(header(h, DeadLetters.TOPIC))
                .addValue(integer(header(h, DeadLetters.PARTITION)))
                .addValue(longValue(header(h, DeadLetters.OFFSET)))
                .addValue(m.getKey() == null ? null : String.valueOf(m.getKey()))
                .addValue(reason == null ? "unknown" : reason)
                .addValue(header(h, DeadLetters.CAUSE))
                .addValue(io.vertx.core.buffer.Buffer.buffer(value));
        return Uni.createFrom().deferred(() -> pool.preparedQuery(INSERT).execute(row))
                .onFailure().invoke(e -> LOG.warnf("could not store dead letter %d@%d (will retry): %s", m.getPartition(),
                        m.getOffset(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely()
                .chain(() -> Uni.createFrom().completionStage(message.ack()));
    }

    /** A stored dead letter; {@code payload} only where asked for ({@link #one}), at most {@code max} bytes of it. */
    public record Stored(long id, String originTopic, Integer originPartition, Long originOffset, String key,
                         String reason, String cause, OffsetDateTime receivedAt, int replays, OffsetDateTime replayedAt,
                         int payloadBytes, byte[] payload) {

        /** Only a message whose origin is known can go back to it. */
        public boolean replayable() {
            return originTopic != null && !originTopic.isBlank();
        }
    }

    /** The newest {@code limit} dead letters before id {@code before} (null: the newest), without their payloads. */
    public Uni<List<Stored>> page(Long before, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + ", NULL::bytea AS head FROM dead_letters"
                        + " WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2")
                .execute(Tuple.of(before, limit))
                .map(rows -> {
                    List<Stored> out = new ArrayList<>();
                    rows.forEach(r -> out.add(stored(r)));
                    return out;
                });
    }

    /** One dead letter with the first {@code maxBytes} of its payload; null if there is none. */
    public Uni<Stored> one(long id, int maxBytes) {
        return pool.preparedQuery("SELECT " + COLUMNS + ", substring(payload FROM 1 FOR $2) AS head FROM dead_letters WHERE id = $1")
                .execute(Tuple.of(id, maxBytes))
                .map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()));
    }

    /**
     * Sends the dead letter back to its origin topic and counts the replay; false when there is none or its origin is
     * unknown. If it fails there again, it comes back as a new dead letter.
     */
    public Uni<Boolean> replay(long id) {
        return pool.preparedQuery("SELECT origin_topic, message_key, payload FROM dead_letters WHERE id = $1")
                .execute(Tuple.of(id))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    Row r = rows.iterator().next();
                    String topic = r.getString("origin_topic");
                    if (topic == null || topic.isBlank()) {
                        return Uni.createFrom().item(false);
                    }
                    return deadLetters.replay(topic, r.getString("message_key"), r.getBuffer("payload").getBytes(), id)
                            .chain(() -> pool.preparedQuery("UPDATE dead_letters SET replays = replays + 1, replayed_at = now() WHERE id = $1")
                                    .execute(Tuple.of(id)))
                            .replaceWith(true);
                });
    }

    @Scheduled(every = "${batchwire.dead-letters.purge-interval:1h}", delay = 30, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return pool.preparedQuery("DELETE FROM dead_letters WHERE received_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) config.retention().toSeconds()))
                .invoke(r -> {
                    if (r.rowCount() > 0) {
                        LOG.infof("purged %d dead letters older than %s", r.rowCount(), config.retention());
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("dead-letter purge failed (next run retries): %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private static Stored stored(Row r) {
        io.vertx.mutiny.core.buffer.Buffer head = r.getBuffer("head");
        return new Stored(r.getLong("id"), r.getString("origin_topic"), r.getInteger("origin_partition"),
                r.getLong("origin_offset"), r.getString("message_key"), r.getString("reason"), r.getString("cause"),
                r.getOffsetDateTime("received_at"), r.getInteger("replays"), r.getOffsetDateTime("replayed_at"),
                r.getInteger("payload_bytes"), head == null ? null : head.getBytes());
    }

    private static String header(Headers headers, String name) {
        Header h = headers == null ? null : headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Integer integer(String s) {
        try {
            return s == null ? null : Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long longValue(String s) {
        try {
            return s == null ? null : Long.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
