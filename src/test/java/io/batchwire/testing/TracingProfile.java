package io.batchwire.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;

/** The default test configuration with tracing on, exported by OTLP/HTTP to an {@link OtlpReceiver} on loopback. */
public class TracingProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OtlpReceiver.class));
    }
}
