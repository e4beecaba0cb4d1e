package io.batchwire.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The default test configuration with a request body deadline of 1 s ({@code batchwire.http.body-timeout}), and the
 * console's live streams ending after 3 s, so a stream that outlives the deadline also ends within a test.
 */
public class ShortBodyDeadlineProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("batchwire.http.body-timeout", "1s",
                "batchwire.console.live-interval", "200ms",
                "batchwire.console.live-max-duration", "3s");
    }
}
