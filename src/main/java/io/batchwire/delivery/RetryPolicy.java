package io.batchwire.delivery;

import io.batchwire.outbound.OutboundException;
import io.batchwire.outbound.OutboundPolicy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What an attempt's answer means for its delivery: 2xx is delivered; an answer its sender stops on (a webhook's 410)
 * is stopped; a URL the outbound policy refuses fails at once; anything else (or no answer) is retried on the
 * configured schedule, with +-20 % jitter, until the attempts run out.
 */
@ApplicationScoped
public class RetryPolicy {

    private final DeliveryConfig config;
    private final WebhookStyles styles;

    public RetryPolicy(DeliveryConfig config, WebhookStyles styles) {
        this.config = config;
        this.styles = styles;
    }

    /** Where a delivery goes after an attempt, and why. {@code nextAt} only for {@code pending}. */
    public record Decision(DeliveryState state, Integer code, String error, OffsetDateTime nextAt) {
    }

    public Decision decide(DeliveryStore.Due due, DeliverySender sender, Integer code, Throwable failure) {
        if (failure == null && code != null && code >= 200 && code < 300) {
            return new Decision(DeliveryState.DELIVERED, code, null, null);
        }
        if (failure instanceof OutboundPolicy.DeniedException denied) {
            return new Decision(DeliveryState.FAILED, null, "refused by the outbound policy: url " + denied.getMessage(), null);
        }
        if (failure == null && code != null && sender.stopsOn(code)) {
            return new Decision(DeliveryState.STOPPED, code, "receiver answered " + code + " Gone", null);
        }
        String error = failure instanceof OutboundException o ? o.code() + ": " + o.getMessage()
                : failure != null ? (failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage())
                : "receiver answered " + code;
        List<Duration> schedule = schedule(due);
        if (due.attempt() >= Math.min(due.maxAttempts(), schedule.size() + 1)) {
            return new Decision(DeliveryState.FAILED, code, error, null);
        }
        return new Decision(DeliveryState.PENDING, code, error, OffsetDateTime.now().plus(wait(schedule, due.attempt())));
    }

    /** The wait after attempt {@code n} (1-based), with +-20 % jitter. */
    Duration wait(int n) {
        return wait(config.retrySchedule(), n);
    }

    /** The webhook schedule of the job's dialect, if it has one; else the deliveries' schedule. */
    private List<Duration> schedule(DeliveryStore.Due due) {
        WebhookStyle style = due.kind() == DeliveryKind.WEBHOOK ? styles.of(due) : null;
        if (style != null && !style.retrySchedule().isEmpty()) {
            return style.retrySchedule();
        }
        return config.retrySchedule();
    }

    private static Duration wait(List<Duration> schedule, int n) {
        Duration base = schedule.get(Math.min(n, schedule.size()) - 1);
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, (long) (base.toMillis() * jitter)));
    }
}
