package io.batchwire.delivery;

import io.batchwire.outbound.OutboundClient;
import io.quarkus.runtime.Startup;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * The one HTTP client of webhooks and result pushes: bounded answers and deadlines ({@link OutboundClient}), a pool as
 * large as one poll's deliveries. Made at start-up, on the main thread, so that it outlives the HTTP server's
 * verticles during a shutdown.
 */
@ApplicationScoped
@Startup
public class DeliveryClient {

    static final String USER_AGENT = "batchwire-webhooks/1";

    private final OutboundClient client;

    public DeliveryClient(DeliveryConfig config, Vertx vertx) {
        this.client = new OutboundClient(vertx.getDelegate(), OutboundClient.options(config.batch(), Duration.ofSeconds(5)));
    }

    public OutboundClient get() {
        return client;
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
