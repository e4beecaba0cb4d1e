package io.batchwire.outbound;

import io.batchwire.api.ProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks outbound URLs (webhooks, result push) against an allow/deny policy: http(s) only, and no private, loopback,
 * link-local, multicast or unspecified address unless configured. Checked when a URL is given (syntax and literal
 * addresses) and again before every send, after DNS resolution, so a name cannot later point inside. Redirects are
 * never followed.
 */
@ApplicationScoped
public class OutboundPolicy {

    public static final int MAX_URL_LENGTH = 2048;

    private final OutboundConfig config;
    private final Set<String> denied;
    private final Set<String> allowed;

    public OutboundPolicy(OutboundConfig config) {
        this.config = config;
        this.denied = lower(config.deniedHosts().orElse(List.of()));
        this.allowed = lower(config.allowedHosts().orElse(List.of()));
    }

    private static Set<String> lower(List<String> hosts) {
        return hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** Validates a URL a client gives; throws a 400 naming {@code field}. Returns the URL. */
    public String checkGiven(String url, String field) {
        if (url == null) {
            return null;
        }
        String problem = problemWith(url);
        if (problem == null && isIpLiteral(host(url))) {
            try {
                problem = problemWith(InetAddress.getByName(stripBrackets(host(url))));
            } catch (Exception e) {
                problem = "the address is not valid";
            }
        }
        if (problem != null) {
            throw ProblemException.validation(field, "'" + field + "' " + problem);
        }
        return url;
    }

    /** Resolves the host off the event loop and fails with {@link DeniedException} if any address is not allowed. */
    public Uni<Void> checkBeforeSend(String url) {
        String problem = problemWith(url);
        if (problem != null) {
            return Uni.createFrom().failure(new DeniedException(problem));
        }
        String host = stripBrackets(host(url));
        return Uni.createFrom().item(() -> {
                    try {
                        return InetAddress.getAllByName(host);
                    } catch (Exception e) {
                        throw new DeniedException("host '" + host + "' does not resolve");
                    }
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .invoke(addresses -> {
                    for (InetAddress a : addresses) {
                        String p = problemWith(a);
                        if (p != null) {
                            throw new DeniedException(p);
                        }
                    }
                })
                .replaceWithVoid();
    }

    String problemWith(String url) {
        if (url.length() > MAX_URL_LENGTH) {
            return "is longer than " + MAX_URL_LENGTH + " characters";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return "is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an http or https URL";
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "has no host";
        }
        if (uri.getUserInfo() != null) {
            return "may not carry credentials";
        }
        String host = stripBrackets(uri.getHost()).toLowerCase(Locale.ROOT);
        if (denied.contains(host)) {
            return "points to a denied host";
        }
        if (!allowed.isEmpty() && !allowed.contains(host)) {
            return "points to a host that is not allowed";
        }
        return null;
    }

    String problemWith(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return config.allowLoopback() ? null : "points to a loopback address";
        }
        boolean nonPublic = a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress() || isUniqueLocal(a) || isSharedOrReserved(a);
        return nonPublic && !config.allowPrivate() ? "points to a private or reserved address" : null;
    }

    private static boolean isUniqueLocal(InetAddress a) {
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
    }

    /** 100.64.0.0/10 (carrier-grade NAT), 0.0.0.0/8 and 240.0.0.0/4. */
    private static boolean isSharedOrReserved(InetAddress a) {
        if (!(a instanceof Inet4Address)) {
            return false;
        }
        byte[] b = a.getAddress();
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return (first == 100 && second >= 64 && second < 128) || first == 0 || first >= 240;
    }

    private static String host(String url) {
        return URI.create(url).getHost();
    }

    private static boolean isIpLiteral(String host) {
        return host != null && (host.startsWith("[") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}"));
    }

    private static String stripBrackets(String host) {
        return host != null && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** An outbound URL the policy refuses. */
    public static class DeniedException extends RuntimeException {
        public DeniedException(String message) {
            super(message, null, false, false);
        }
    }
}
