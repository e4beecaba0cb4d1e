package io.batchwire.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The default test configuration plus a rendering upstream: {@code browser}, the {@link FakeUpstream}'s fake renderer
 * ({@code POST /render}), with a short time-out, two attempts and a small answer cap, so that every failure path of a
 * browser request is quick to reach. Without this profile no renderer is configured.
 */
public class RenderingProfile implements QuarkusTestProfile {

    /** The renderer's answer cap in bytes: the fake's {@code rhuge-*} pages are larger. */
    public static final int MAX_RESPONSE_BYTES = 65_536;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("batchwire.upstreams.browser.kind", "render",
                "batchwire.upstreams.browser.url", "${batchwire.test.fake-upstream}/render",
                "batchwire.upstreams.browser.concurrency", "4",
                "batchwire.upstreams.browser.timeout", "1s",
                "batchwire.upstreams.browser.max-attempts", "2",
                "batchwire.upstreams.browser.backoff", "50ms",
                "batchwire.upstreams.browser.max-response-bytes", String.valueOf(MAX_RESPONSE_BYTES));
    }
}
