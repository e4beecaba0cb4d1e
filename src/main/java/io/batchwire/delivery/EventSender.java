package io.batchwire.delivery;

import io.batchwire.messaging.Channels;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.nio.charset.StandardCharsets;

/** The job's end as a CloudEvent (structured mode, key = job id) on the job-events topic; "delivered" = acked. */
@ApplicationScoped
public class EventSender implements DeliverySender {

    private static final byte[] CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8);

    private final MutinyEmitter<String> events;
    private final JobEndPayloads payloads;

    public EventSender(@Channel(Channels.EVENTS_OUT) MutinyEmitter<String> events, JobEndPayloads payloads) {
        this.events = events;
        this.payloads = payloads;
    }

    @Override
    public DeliveryKind kind() {
        return DeliveryKind.EVENT;
    }

    @Override
    public Uni<String> payload(DeliveryStore.Due due) {
        return payloads.withJobStatus(due.jobId(), payloads.envelope()
                .put("specversion", "1.0").put("id", JobEndPayloads.messageId(due.jobId())).put("source", "/batchwire/jobs")
                .put("type", "io.batchwire." + due.eventType()).put("subject", due.jobId().toString())
                .put("time", JobEndPayloads.now()).put("datacontenttype", "application/json"));
    }

    @Override
    public Uni<Integer> send(DeliveryStore.Due due, String payload) {
        return events.sendMessage(Message.of(payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(due.jobId().toString())
                        .withHeaders(new RecordHeaders().add("content-type", CONTENT_TYPE))
                        .build()))
                .replaceWith(200);
    }
}
