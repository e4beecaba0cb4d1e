package io.batchwire.delivery;

import io.batchwire.outbound.OutboundPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** The job's end as a Standard Webhooks POST, {@code {type, timestamp, data}}, signed with the tenant's secrets. */
@ApplicationScoped
public class WebhookSender implements DeliverySender {

    private final JobEndPayloads payloads;
    private final WebhookSecrets secrets;
    private final OutboundPolicy policy;
    private final DeliveryConfig config;
    private final WebClient client;

    public WebhookSender(JobEndPayloads payloads, WebhookSecrets secrets, OutboundPolicy policy, DeliveryConfig config,
                         DeliveryClient client) {
        this.payloads = payloads;
        this.secrets = secrets;
        this.policy = policy;
        this.config = config;
        this.client = client.get();
    }

    @Override
    public DeliveryKind kind() {
        return DeliveryKind.WEBHOOK;
    }

    @Override
    public Uni<String> payload(DeliveryStore.Due due) {
        return payloads.withJobStatus(due.jobId(), payloads.envelope()
                .put("type", due.eventType()).put("timestamp", JobEndPayloads.now()));
    }

    @Override
    public Uni<Integer> send(DeliveryStore.Due due, String payload) {
        String messageId = JobEndPayloads.messageId(due.jobId());
        return policy.checkBeforeSend(due.url())
                .chain(() -> secrets.get(due.tenantId()))
                .chain(s -> {
                    long timestamp = Instant.now().getEpochSecond();
                    return client.postAbs(due.url())
                            .putHeader("Content-Type", "application/json")
                            .putHeader("webhook-id", messageId)
                            .putHeader("webhook-timestamp", String.valueOf(timestamp))
                            .putHeader("webhook-signature", WebhookSigner.header(s.signing(), messageId, timestamp, payload))
                            .timeout(config.webhookTimeout().toMillis())
                            .sendBuffer(Buffer.buffer(payload))
                            .map(HttpResponse::statusCode);
                });
    }

    @Override
    public boolean stopsOn(int statusCode) {
        return statusCode == 410;
    }
}
