package io.batchwire.delivery;

import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/** The one HTTP client of webhooks and result pushes: a pool as large as one poll's deliveries, no redirects. */
@ApplicationScoped
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
