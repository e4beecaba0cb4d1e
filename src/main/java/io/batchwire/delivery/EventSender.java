package io.batchwire.delivery;

import io.batchwire.messaging.Channels;
import io.batchwire.messaging.TopicsConfig;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The job's end as a CloudEvent on the job-events topic (key = job id); "delivered" = acked. The event is built by the
 * CloudEvents SDK and stored (so every attempt sends the same event) in its structured JSON form; each attempt writes
 * it to a Kafka record with the SDK's Kafka binding, structured or binary as {@code batchwire.deliveries.event-mode}
 * says. {@code data} is the job status, described by the JSON Schema {@link #DATA_SCHEMA} (served by the service at
 * {@code /schemas/job-event-data.v1.json}).
 */
@ApplicationScoped
public class EventSender implements DeliverySender {

    public static final URI SOURCE = URI.create("/batchwire/jobs");
    public static final URI DATA_SCHEMA = URI.create("https://batchwire.dev/schemas/job-event-data.v1.json");
    private static final JsonFormat FORMAT = new JsonFormat();

    private final MutinyEmitter<byte[]> events;
    private final JobEndPayloads payloads;
    private final DeliveryConfig.EventMode mode;
    private final String topic;

    public EventSender(@Channel(Channels.EVENTS_OUT) MutinyEmitter<byte[]> events, JobEndPayloads payloads,
                       DeliveryConfig config, TopicsConfig topics) {
        this.events = events;
        this.payloads = payloads;
        this.mode = config.eventMode();
        this.topic = topics.jobEvents();
    }

    @Override
    public DeliveryKind kind() {
        return DeliveryKind.EVENT;
    }

    @Override
    public Uni<String> payload(DeliveryStore.Due due) {
        return payloads.statusJson(due.jobId()).map(data -> new String(FORMAT.serialize(CloudEventBuilder.v1()
                .withId(JobEndPayloads.messageId(due.jobId()))
                .withSource(SOURCE)
                .withType("io.batchwire." + due.eventType())
                .withSubject(due.jobId().toString())
                .withTime(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS))
                .withDataSchema(DATA_SCHEMA)
                .withData("application/json", BytesCloudEventData.wrap(data))
                .build()), StandardCharsets.UTF_8));
    }

    @Override
    public Uni<Integer> send(DeliveryStore.Due due, String payload) {
        CloudEvent event = FORMAT.deserialize(payload.getBytes(StandardCharsets.UTF_8));
        var writer = KafkaMessageFactory.createWriter(topic, due.jobId().toString());
        ProducerRecord<String, byte[]> record = mode == DeliveryConfig.EventMode.BINARY
                ? writer.writeBinary(event) : writer.writeStructured(event, FORMAT);
        return events.sendMessage(Message.of(record.value()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(record.key())
                        .withHeaders(record.headers())
                        .build()))
                .replaceWith(200);
    }
}
