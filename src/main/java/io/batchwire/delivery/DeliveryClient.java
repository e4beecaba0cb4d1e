package io.batchwire.delivery;

import io.quarkus.runtime.Startup;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one HTTP client of webhooks and result pushes: a pool as large as one poll's deliveries, no redirects. Made at
 * start-up, on the main thread, so that it outlives the HTTP server's verticles during a shutdown.
 */
@ApplicationScoped
@Startup
public class DeliveryClient {

    private final WebClient client;

    public DeliveryClient(DeliveryConfig config, Vertx vertx) {
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setMaxPoolSize(config.batch())
                .setMaxWaitQueueSize(config.batch())
                .setConnectTimeout(5000)
                .setFollowRedirects(false)
                .setUserAgent("batchwire-webhooks/1"));
    }

    public WebClient get() {
        return client;
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
