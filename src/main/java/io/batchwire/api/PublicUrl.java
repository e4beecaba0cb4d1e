package io.batchwire.api;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place that makes links absolute. The base is {@code batchwire.http.public-url} when set; else, during a
 * request, the one {@link PublicUrlFilter} read from its {@code X-Forwarded-Proto/Host/Prefix} and {@code Host}
 * headers; else (webhooks, events) this replica's own {@code http://localhost:<port>}. A link that already has a scheme
 * is left alone.
 */
@ApplicationScoped
public class PublicUrl {

    static final String BASE = "batchwire.public-base";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");
    private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~\\-]+)*/?");

    private final String configured;
    private final boolean forwarded;

    public PublicUrl(HttpConfig config) {
        this.configured = config.publicUrl().map(PublicUrl::trimSlash).filter(s -> !s.isBlank()).orElse(null);
        this.forwarded = config.forwardedHeaders();
    }

    /** {@code path} (starting with {@code /}) on the current base. */
    public String absolute(String path) {
        if (path == null || hasScheme(path)) {
            return path;
        }
        return base() + (path.startsWith("/") ? path : "/" + path);
    }

    /** For serializers, which are not beans: the service's bean, or the path as it is outside a running service. */
    static String absoluteStatic(String path) {
        var container = Arc.container();
        if (container == null || !container.isRunning()) {
            return path;
        }
        return container.instance(PublicUrl.class).get().absolute(path);
    }

    /** The base links are built on now. */
    public String base() {
        if (configured != null) {
            return configured;
        }
        Context c = Vertx.currentContext();
        if (c != null && VertxContext.isDuplicatedContext(c)) {
            String fromRequest = ContextLocals.<String>get(BASE).orElse(null);
            if (fromRequest != null) {
                return fromRequest;
            }
        }
        return "http://localhost:" + ownPort();
    }

    /**
     * The base a request names: {@code X-Forwarded-Proto} / {@code X-Forwarded-Host} / {@code X-Forwarded-Prefix}
     * when trusted, else its scheme and {@code Host}. Malformed values are ignored rather than echoed into links.
     */
    String fromHeaders(String scheme, String host, String fwdProto, String fwdHost, String fwdPrefix) {
        String s = scheme == null ? "http" : scheme;
        String h = host;
        String prefix = "";
        if (forwarded) {
            String proto = first(fwdProto);
            if (proto != null && (proto.equalsIgnoreCase("http") || proto.equalsIgnoreCase("https"))) {
                s = proto.toLowerCase(Locale.ROOT);
            }
            String fh = first(fwdHost);
            if (fh != null && HOST.matcher(fh).matches()) {
                h = fh;
            }
            String fp = first(fwdPrefix);
            if (fp != null && PREFIX.matcher(fp).matches()) {
                prefix = trimSlash(fp);
            }
        }
        if (h == null || !HOST.matcher(h).matches()) {
            h = "localhost:" + ownPort();
        }
        return s + "://" + h + prefix;
    }

    static boolean hasScheme(String link) {
        return link.startsWith("http://") || link.startsWith("https://");
    }

    private static String first(String header) {
        if (header == null) {
            return null;
        }
        String v = header.split(",", 2)[0].trim();
        return v.isEmpty() ? null : v;
    }

    private static String trimSlash(String s) {
        String out = s.strip();
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    private static int ownPort() {
        var config = ConfigProvider.getConfig();
        String key = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
        return config.getOptionalValue(key, Integer.class).orElse(8080);
    }
}
