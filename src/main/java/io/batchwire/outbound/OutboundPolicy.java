package io.batchwire.outbound;

import io.batchwire.api.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The one policy for every URL a tenant chooses: webhook and result URLs, {@code http} records and collections'
 * requests. http(s) only, no credentials in the URL; public addresses are allowed; loopback, private, link-local,
 * carrier-grade NAT, unique-local and cloud metadata addresses are refused unless configured (IPv6 forms that carry
 * an IPv4 address are judged by it too); hosts can be denied, or limited to an allowlist, by exact names or
 * {@code *.suffix} patterns. Checked when a URL is given (syntax, hosts, literal addresses) and again before every
 * call, after resolution: {@link #target} resolves the name once, checks every address, and names the address to
 * connect to, so a name that resolves to something else the next time (DNS rebinding) cannot take the call inside.
 * Redirects are never followed.
 */
@ApplicationScoped
public class OutboundPolicy {

    public static final int MAX_URL_LENGTH = 2048;

    private final OutboundConfig config;
    private final HostPatterns denied;
    private final HostPatterns allowed;
    private final List<Cidr> allowedAddresses;
    private final Resolver resolver;

    public OutboundPolicy(OutboundConfig config, Resolver resolver) {
        this.config = config;
        this.resolver = resolver;
        this.denied = HostPatterns.of(config.deniedHosts().orElse(List.of()));
        this.allowed = HostPatterns.of(config.allowedHosts().orElse(List.of()));
        this.allowedAddresses = config.allowedAddresses().orElse(List.of()).stream().map(Cidr::parse).toList();
    }

    /** Host rules of one kind of URL on top of the policy's (for example an upstream's own allowlist). */
    public static HostPatterns hosts(List<String> patterns) {
        return HostPatterns.of(patterns);
    }

    /** Where a call goes: the URL's parts, and the one address (checked) to connect to. */
    public record Target(URI uri, String host, int port, boolean ssl, String pathAndQuery, InetAddress address) {
    }

    /** Validates a URL a client gives; throws a 400 naming {@code field}. Returns the URL. */
    public String checkGiven(String url, String field) {
        return checkGiven(url, field, null);
    }

    /** The same, with {@code also}: host patterns the URL must match as well (when not empty). */
    public String checkGiven(String url, String field, HostPatterns also) {
        if (url == null) {
            return null;
        }
        String problem = problemWith(url, also);
        if (problem != null) {
            throw ProblemException.validation(field, "'" + field + "' " + problem);
        }
        return url;
    }

    /**
     * Resolves the URL's host (unless it is a literal address), checks every address it has, and returns the target
     * with the first: the caller connects to exactly that address. Fails with {@link DeniedException} saying why.
     */
    public Uni<Target> target(String url, HostPatterns also) {
        String problem = problemWith(url, also);
        if (problem != null) {
            return Uni.createFrom().failure(new DeniedException(problem));
        }
        URI uri = URI.create(url);
        String host = stripBrackets(uri.getHost());
        boolean ssl = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Uni<List<InetAddress>> addresses = isIpLiteral(uri.getHost())
                ? Uni.createFrom().item(() -> List.of(literal(host)))
                : resolver.resolve(host);
        return addresses.map(all -> {
            if (all.isEmpty()) {
                throw new DeniedException("host '" + host + "' does not resolve");
            }
            for (InetAddress a : all) {
                String p = problemWith(a);
                if (p != null) {
                    throw new DeniedException("host '" + host + "' " + p + " (" + a.getHostAddress() + ")");
                }
            }
            return new Target(uri, host, port, ssl, path, all.getFirst());
        });
    }

    /** What is wrong with the URL itself (syntax, credentials, hosts, a literal address), or null. */
    String problemWith(String url, HostPatterns also) {
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
        if (uri.getRawUserInfo() != null) {
            return "may not carry credentials";
        }
        String host = stripBrackets(uri.getHost()).toLowerCase(Locale.ROOT);
        if (denied.matches(host)) {
            return "points to a denied host";
        }
        if (!allowed.isEmpty() && !allowed.matches(host)) {
            return "points to a host that is not allowed";
        }
        if (also != null && !also.isEmpty() && !also.matches(host)) {
            return "points to a host that is not allowed here";
        }
        if (isIpLiteral(uri.getHost())) {
            try {
                return problemWith(literal(host));
            } catch (DeniedException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /** Why this address may not be called, or null. */
    String problemWith(InetAddress a) {
        for (Cidr c : allowedAddresses) {
            if (c.contains(a)) {
                return null;
            }
        }
        return switch (Addresses.kind(a)) {
            case PUBLIC -> null;
            case PRIVATE -> config.allowPrivate() ? null : "points to a private address";
            case LOOPBACK -> config.allowLoopback() ? null : "points to a loopback address";
            case METADATA -> config.allowMetadata() ? null : "points to a cloud metadata address";
            case RESERVED -> "points to a reserved address";
        };
    }

    private static InetAddress literal(String host) {
        try {
            return InetAddress.getByName(host); // a literal: parsed, never looked up
        } catch (Exception e) {
            throw new DeniedException("the address is not valid");
        }
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

    /** An address range, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is its own /32 or /128. */
    record Cidr(byte[] network, int bits) {

        static Cidr parse(String s) {
            String[] parts = s.trim().split("/");
            try {
                byte[] addr = InetAddress.getByName(parts[0]).getAddress();
                int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : addr.length * 8;
                if (bits < 0 || bits > addr.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in " + s);
                }
                return new Cidr(addr, bits);
            } catch (Exception e) {
                throw new IllegalArgumentException("batchwire.outbound.allowed-addresses: '" + s + "' is not an address range", e);
            }
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
