package io.batchwire.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the rate-limit headers upstreams send: the IETF draft's {@code RateLimit} / {@code RateLimit-Policy} (both
 * the older {@code limit=10, remaining=0, reset=5} list and the structured {@code "default";r=0;t=5} form), its
 * earlier separate {@code RateLimit-Remaining} / {@code RateLimit-Reset}, and the common
 * {@code X-RateLimit-Remaining} / {@code X-RateLimit-Reset} (a reset given as epoch seconds or milliseconds is read as
 * such). A window used up means a pause until it resets; a policy gives a rate.
 */
final class RateLimitHeaders {

    private static final Pattern REMAINING = Pattern.compile("(?:^|[;,\\s])(?:remaining|r)\\s*=\\s*(\\d+)");
    private static final Pattern RESET = Pattern.compile("(?:^|[;,\\s])(?:reset|t)\\s*=\\s*(\\d+)");
    private static final Pattern QUOTA = Pattern.compile("(?:^|;)\\s*q\\s*=\\s*(\\d+)");
    private static final Pattern BARE_QUOTA = Pattern.compile("^\\s*(\\d+)\\s*(?:;|$)");
    private static final Pattern WINDOW = Pattern.compile("(?:^|;)\\s*w\\s*=\\s*(\\d+)");
    /** No window is trusted to be longer than this (a broken header must not stop an upstream for a day). */
    private static final Duration MAX_RESET = Duration.ofHours(1);

    private RateLimitHeaders() {
    }

    /** How long to pause because the upstream's window is used up; null when it is not (or nothing says so). */
    static Duration exhausted(Function<String, String> header) {
        String combined = header.apply("RateLimit");
        if (combined != null) {
            Long remaining = number(REMAINING, combined);
            Long reset = number(RESET, combined);
            if (remaining != null && remaining == 0 && reset != null) {
                return reset(reset);
            }
        }
        for (String prefix : new String[]{"RateLimit-", "X-RateLimit-"}) {
            String remaining = header.apply(prefix + "Remaining");
            String reset = header.apply(prefix + "Reset");
            if (remaining != null && reset != null && remaining.trim().equals("0")) {
                try {
                    return reset(Long.parseLong(reset.trim()));
                } catch (NumberFormatException unreadable) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * The strictest rate (requests per second) the upstream's {@code RateLimit-Policy} declares; 0 when none. Items
     * are comma-separated; each is {@code 100;w=60} (a bare quota) or {@code "name";q=100;w=60}.
     */
    static double policyRate(String policy) {
        if (policy == null || policy.isBlank()) {
            return 0;
        }
        double strictest = 0;
        for (String item : policy.split(",")) {
            Long q = number(QUOTA, item);
            if (q == null) {
                q = number(BARE_QUOTA, item);
            }
            Long w = number(WINDOW, item);
            if (q != null && w != null && w > 0) {
                double rate = (double) q / w;
                strictest = strictest == 0 ? rate : Math.min(strictest, rate);
            }
        }
        return strictest;
    }

    private static Duration reset(long value) {
        Duration d;
        if (value > 100_000_000_000L) {
            d = Duration.between(Instant.now(), Instant.ofEpochMilli(value));
        } else if (value > 1_000_000_000L) {
            d = Duration.between(Instant.now(), Instant.ofEpochSecond(value));
        } else {
            d = Duration.ofSeconds(value);
        }
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(MAX_RESET) > 0 ? MAX_RESET : d;
    }

    private static Long number(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? Long.valueOf(m.group(1)) : null;
    }
}
