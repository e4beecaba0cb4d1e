package io.batchwire.delivery;

import io.batchwire.outbound.OutboundClient;
import io.batchwire.outbound.OutboundConfig;
import io.batchwire.outbound.OutboundPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The job's end as a Standard Webhooks POST, {@code {type, timestamp, data}}, signed with the tenant's secrets. */
@ApplicationScoped
public class WebhookSender implements DeliverySender {

    private final JobEndPayloads payloads;
    private final WebhookSecrets secrets;
    private final OutboundPolicy policy;
    private final OutboundConfig outbound;
    private final DeliveryConfig config;
    private final OutboundClient client;
    private final WebhookStyles styles;

    public WebhookSender(JobEndPayloads payloads, WebhookSecrets secrets, OutboundPolicy policy, OutboundConfig outbound,
                         DeliveryConfig config, DeliveryClient client, WebhookStyles styles) {
        this.styles = styles;
        this.payloads = payloads;
        this.secrets = secrets;
        this.policy = policy;
        this.outbound = outbound;
        this.config = config;
        this.client = client.get();
    }

    @Override
    public DeliveryKind kind() {
        return DeliveryKind.WEBHOOK;
    }

    @Override
    public Uni<String> payload(DeliveryStore.Due due) {
        WebhookStyle style = styles.of(due);
        if (style != null) {
            return style.payload(due);
        }
        return payloads.withJobStatus(due.jobId(), payloads.envelope()
                .put("type", due.eventType()).put("timestamp", JobEndPayloads.now()));
    }

    @Override
    public Uni<Integer> send(DeliveryStore.Due due, String payload) {
        String messageId = JobEndPayloads.messageId(due.jobId());
        return policy.target(due.url(), null)
                .chain(target -> secrets.get(due.tenantId()).chain(s -> {
                    long timestamp = Instant.now().getEpochSecond();
                    Map<String, String> headers = new LinkedHashMap<>();
                    headers.put("User-Agent", DeliveryClient.USER_AGENT);
                    headers.put("Content-Type", "application/json");
                    headers.put("webhook-id", messageId);
                    headers.put("webhook-timestamp", String.valueOf(timestamp));
                    headers.put("webhook-signature", WebhookSigner.header(s.signing(), messageId, timestamp, payload));
                    return client.send(OutboundClient.Request.to(target, HttpMethod.POST, headers, Buffer.buffer(payload)),
                                    outbound.maxDeliveryResponseBytes(), config.webhookTimeout())
                            .map(OutboundClient.Response::status);
                }));
    }

    @Override
    public boolean stopsOn(int statusCode) {
        return statusCode == 410;
    }
}
