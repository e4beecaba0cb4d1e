package io.batchwire.upstream;

import io.batchwire.outbound.OutboundPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private final Map<String, Upstream> byExportPath = new TreeMap<>();

    public UpstreamRegistry(UpstreamConfig config, Vertx vertx, OutboundPolicy policy, MeterRegistry metrics) {
        UpstreamLimits.Scheduler timers = (delay, task) -> vertx.setTimer(Math.max(1, delay.toMillis()), id -> task.run());
        config.types().forEach((type, cfg) -> {
            if (cfg.price() < 0) {
                throw new IllegalArgumentException("batchwire.upstreams." + type + ".price must not be negative");
            }
            Upstream upstream = new Upstream(type, cfg, vertx, policy, timers);
            byType.put(type, upstream);
            cfg.path().ifPresent(path -> {
                String key = exportKey(path);
                if (!key.startsWith("/") || key.length() < 2 || key.startsWith("/v1/") || key.startsWith("/q/")) {
                    throw new IllegalArgumentException("batchwire.upstreams." + type + ".path must be a path like "
                            + "/api/v3/organizations, outside /v1 and /q");
                }
                if (cfg.kind() != UpstreamConfig.Kind.TEMPLATE || upstream.hasPlaceholders()) {
                    throw new IllegalArgumentException("batchwire.upstreams." + type + ".path needs a template upstream "
                            + "whose url has no placeholders (the payload is the body)");
                }
                Upstream other = byExportPath.putIfAbsent(key, upstream);
                if (other != null) {
                    throw new IllegalArgumentException("batchwire.upstreams." + type + ".path is also "
                            + other.type() + "'s");
                }
            });
            UpstreamLimits l = upstream.limits();
            Gauge.builder("batchwire.upstream.inflight", l.concurrency(), ConcurrencyLimiter::inUse)
                    .tag("upstream", type).description("upstream requests in flight from this replica").register(metrics);
            Gauge.builder("batchwire.upstream.waiting", l.concurrency(), ConcurrencyLimiter::waiting)
                    .tag("upstream", type).description("records waiting for an upstream slot on this replica").register(metrics);
            Gauge.builder("batchwire.upstream.limit", l.concurrency(), ConcurrencyLimiter::max)
                    .tag("upstream", type).description("the configured, cluster-wide concurrency limit").register(metrics);
            Gauge.builder("batchwire.upstream.slice", l, UpstreamLimits::slice)
                    .tag("upstream", type).description("this replica's slice of the concurrency limit").register(metrics);
            Gauge.builder("batchwire.upstream.limit.in.force", l.concurrency(), ConcurrencyLimiter::limit)
                    .tag("upstream", type).description("the concurrency in force here: slice and adaptive cap").register(metrics);
            Gauge.builder("batchwire.upstream.adaptive.limit", l, UpstreamLimits::adaptiveLimit)
                    .tag("upstream", type).description("the adaptive cap learnt here (the limit when not adaptive)").register(metrics);
            Gauge.builder("batchwire.upstream.pauses", l, UpstreamLimits::pauses)
                    .tag("upstream", type).description("pauses the upstream asked for (Retry-After, rate-limit windows)").register(metrics);
            Gauge.builder("batchwire.upstream.overloads", l, UpstreamLimits::overloads)
                    .tag("upstream", type).description("answers that said overload: 429, 503, time-outs").register(metrics);
            Gauge.builder("batchwire.upstream.last.429", l, u -> u.last429() == null ? 0 : u.last429().getEpochSecond())
                    .tag("upstream", type).description("when the upstream last answered 429 (epoch seconds)").register(metrics);
        });
        linkRenderer();
    }

    /**
     * Links the rendering upstream ({@value UpstreamConfig#RENDERER}, kind render) to the http upstreams, whose browser
     * requests it makes.
     */
    private void linkRenderer() {
        Upstream renderer = byType.get(UpstreamConfig.RENDERER);
        if (renderer == null) {
            return;
        }
        if (!renderer.renders()) {
            throw new IllegalArgumentException("batchwire.upstreams." + UpstreamConfig.RENDERER + " is the rendering "
                    + "upstream: its kind must be render");
        }
        byType.values().stream().filter(u -> u.config().kind() == UpstreamConfig.Kind.HTTP).forEach(u -> u.renderWith(renderer));
    }

    public Optional<Upstream> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** The upstream exported under this public sync path ({@code batchwire.upstreams.<type>.path}). */
    public Optional<Upstream> byExportPath(String path) {
        return Optional.ofNullable(byExportPath.get(exportKey(path)));
    }

    /** A sync path as a key: with a leading slash, without trailing ones. */
    private static String exportKey(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    public Set<String> types() {
        return byType.keySet();
    }

    /** Every upstream's limits on this replica. */
    public Collection<UpstreamLimits> limits() {
        return byType.values().stream().map(Upstream::limits).toList();
    }

    public Collection<Upstream> all() {
        return byType.values();
    }

    @PreDestroy
    void close() {
        byType.values().forEach(Upstream::close);
    }
}
