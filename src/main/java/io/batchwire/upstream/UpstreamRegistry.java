package io.batchwire.upstream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configured upstreams by job type, each built once at start-up, on the main thread: a Vert.x client made on
 * a request's event loop would belong to the HTTP server's verticle and be closed with it, at the very start of a
 * graceful shutdown, while the dispatcher still lets its calls in flight finish.
 */
@ApplicationScoped
@Startup
public class UpstreamRegistry {

    private final Map<String, Upstream> byType = new TreeMap<>();

    public UpstreamRegistry(UpstreamConfig config, Vertx vertx, MeterRegistry metrics) {
        config.types().forEach((type, cfg) -> {
            if (cfg.price() < 0) {
                throw new IllegalArgumentException("batchwire.upstreams." + type + ".price must not be negative");
            }
            Upstream upstream = new Upstream(type, cfg, vertx);
            byType.put(type, upstream);
            Gauge.builder("batchwire.upstream.inflight", upstream.concurrency(), ConcurrencyLimiter::inUse)
                    .tag("upstream", type).description("upstream requests in flight").register(metrics);
            Gauge.builder("batchwire.upstream.waiting", upstream.concurrency(), ConcurrencyLimiter::waiting)
                    .tag("upstream", type).description("records waiting for an upstream slot").register(metrics);
        });
    }

    public Optional<Upstream> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public java.util.Set<String> types() {
        return byType.keySet();
    }

    @PreDestroy
    void close() {
        byType.values().forEach(Upstream::close);
    }
}
