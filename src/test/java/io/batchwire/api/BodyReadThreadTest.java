package io.batchwire.api;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request body up to the body limit is read on the event loop, whole: RESTEasy Reactive hands a body larger than
 * {@code quarkus.rest.input-buffer-size} to a worker thread that reads it as a blocking stream, fed chunk by chunk
 * from the event loop. A 1,000-record job (~60k here) must not take that path.
 */
@QuarkusTest
class BodyReadThreadTest {

    /** The thread that read the last body sent with {@link #MARK}; a pass-through for every other request. */
    @Provider
    public static class RecordingThread implements ReaderInterceptor {
        static final String MARK = "X-Test-Body-Thread";
        static final AtomicReference<String> LAST = new AtomicReference<>();

        @Override
        public Object aroundReadFrom(ReaderInterceptorContext ctx) throws IOException, WebApplicationException {
            if (ctx.getHeaders().containsKey(MARK)) {
                LAST.set(Thread.currentThread().getName());
            }
            return ctx.proceed();
        }
    }

    @Test
    void aThousandRecordJobIsReadOnTheEventLoop() {
        Api api = Api.newTenant();
        List<Map<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            records.add(Map.of("domain", "body-thread-" + i + ".example.com", "custom_id", "r" + i));
        }
        RecordingThread.LAST.set(null);
        String state = api.req().header(RecordingThread.MARK, "1").body(Map.of("type", "company", "records", records))
                .post("/v1/jobs").then().statusCode(202).extract().path("state");
        assertThat(state).isIn("accepted", "queued");
        assertThat(RecordingThread.LAST.get()).as("the thread that read the body").startsWith("vert.x-eventloop-thread");
    }
}
