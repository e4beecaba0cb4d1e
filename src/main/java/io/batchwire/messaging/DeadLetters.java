package io.batchwire.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Puts a message that cannot be processed (unreadable, or about a job that does not exist) on the dead-letter
 * topic, with its original key and value and the reason in headers (named as SmallRye's own dead-letter queue names
 * them), so the channel goes on and an operator can look at it, and replay it. The send is retried until the broker
 * takes it: a consumer acknowledges the original only after that.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    public static final String REASON = "dead-letter-reason";
    public static final String CAUSE = "dead-letter-cause";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

    private final MutinyEmitter<byte[]> emitter;
    private final MeterRegistry metrics;

    public DeadLetters(@Channel(Channels.DEAD_LETTER_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 256)
                       MutinyEmitter<byte[]> emitter, MeterRegistry metrics) {
        this.emitter = emitter;
        this.metrics = metrics;
    }

    /** Where a dead message came from. */
    public record Origin(String topic, int partition, long offset, String key) {
    }

    /** Sends one dead message; {@code reason} is a short code, {@code cause} says what was wrong. */
    public Uni<Void> send(Origin origin, byte[] value, String reason, String cause) {
        LOG.warnf("dead letter from %s-%d@%d (key %s): %s: %s", origin.topic(), origin.partition(), origin.offset(),
                origin.key(), reason, cause);
        metrics.counter("batchwire.dead.letters", "topic", origin.topic(), "reason", reason).increment();
        Headers headers = new RecordHeaders()
                .add(REASON, bytes(reason))
                .add(CAUSE, bytes(cause.length() > 1000 ? cause.substring(0, 1000) : cause))
                .add(TOPIC, bytes(origin.topic()))
                .add(PARTITION, bytes(String.valueOf(origin.partition())))
                .add(OFFSET, bytes(String.valueOf(origin.offset())));
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta =
                OutgoingKafkaRecordMetadata.<String>builder().withHeaders(headers);
        if (origin.key() != null) {
            meta.withKey(origin.key());
        }
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(value == null ? new byte[0] : value)
                        .addMetadata(meta.build())))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }

    /** The header a replayed message carries: the id of the dead letter it replays. */
    public static final String REPLAY_OF = "dead-letter-replay-of";

    /**
     * Sends a dead message back to the topic it came from, with its key and value as they were, for its consumer to
     * try again (after the cause was fixed); the {@link #REPLAY_OF} header names the dead letter.
     */
    public Uni<Void> replay(String topic, String key, byte[] value, long deadLetterId) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta =
                OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic)
                        .withHeaders(new RecordHeaders().add(REPLAY_OF, bytes(String.valueOf(deadLetterId))));
        if (key != null) {
            meta.withKey(key);
        }
        LOG.infof("replaying dead letter %d to %s (key %s)", deadLetterId, topic, key);
        return emitter.sendMessage(Message.of(value).addMetadata(meta.build()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
