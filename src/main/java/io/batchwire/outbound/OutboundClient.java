package io.batchwire.outbound;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Outbound HTTP that a hostile peer cannot turn against the service: the answer is read as a stream against a cap
 * in bytes (after decompression, so a small gzip bomb is stopped where it would grow) and within an overall deadline
 * per attempt (not just an idle time-out, so a peer that trickles bytes is cut off); past either the connection is
 * reset and the call fails with an {@link OutboundException} saying which. A call to a {@link OutboundPolicy.Target}
 * connects to exactly the address the policy checked, with the URL's host kept for the Host header and TLS SNI.
 * Redirects are never followed. One client per use (upstream, deliveries), made at start-up.
 */
public final class OutboundClient {

    private final Vertx vertx;
    private final HttpClient client;

    public OutboundClient(Vertx vertx, HttpClientOptions options) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(options.setForceSni(true).setDecompressionSupported(true));
    }

    /**
     * The options every outbound client starts from: keep-alive, a pool and wait queue of {@code poolSize}, compressed
     * answers accepted (and counted decompressed).
     */
    public static HttpClientOptions options(int poolSize, Duration connectTimeout) {
        return new HttpClientOptions()
                .setMaxPoolSize(poolSize)
                .setMaxWaitQueueSize(poolSize)
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setKeepAlive(true)
                .setTryUseCompression(true)
                // the callers make their own spans (tracing on): no automatic client span or header per call
                .setTracingPolicy(io.vertx.core.tracing.TracingPolicy.IGNORE);
    }

    /** A whole answer, within the cap. */
    public record Response(int status, MultiMap headers, Buffer body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** A scheme, host and port, known before any request to it (an operator's upstream URL, parsed once). */
    public record Origin(String host, int port, boolean ssl) {
    }

    /**
     * What to send: to a checked target, or (for the operator's own upstreams) to an absolute URL, or to the path and
     * query {@code url} at an {@code origin} parsed once (no URL parsed per request).
     */
    public record Request(HttpMethod method, OutboundPolicy.Target target, Origin origin, String url,
                          Map<String, String> headers, Buffer body, ReadStream<Buffer> stream) {

        public static Request to(OutboundPolicy.Target target, HttpMethod method, Map<String, String> headers, Buffer body) {
            return new Request(method, target, null, null, headers, body, null);
        }

        public static Request toUrl(String url, HttpMethod method, Map<String, String> headers, Buffer body) {
            return new Request(method, null, null, url, headers, body, null);
        }

        /** To {@code pathAndQuery} at {@code origin}. */
        public static Request at(Origin origin, String pathAndQuery, HttpMethod method, Map<String, String> headers,
                                 Buffer body) {
            return new Request(method, null, origin, pathAndQuery, headers, body, null);
        }

        /** A streamed body, of a length the caller puts in {@code headers} as Content-Length. */
        public static Request streaming(OutboundPolicy.Target target, HttpMethod method, Map<String, String> headers,
                                        ReadStream<Buffer> stream) {
            return new Request(method, target, null, null, headers, null, stream);
        }
    }

    /** Sends one attempt; its answer (at most {@code maxBytes}), or an {@link OutboundException} when there is none. */
    public Uni<Response> send(Request request, long maxBytes, Duration deadline) {
        return receive(request, maxBytes, deadline, (status, headers) -> new Buffered())
                .map(a -> new Response(a.status(), a.headers(), a.body()));
    }

    /**
     * Reads an answer's body as it arrives, on the event loop that receives it: each chunk as it comes, then its end.
     * {@link #chunk} answering false stops the reading (the connection is reset) and the answer is what {@link #end}
     * makes of what was read.
     */
    public interface BodyReader<T> {
        boolean chunk(Buffer chunk);

        T end();
    }

    /** An answer whose body was read by a {@link BodyReader}. */
    public record Answer<T>(int status, MultiMap headers, T body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** The whole body, in one buffer. */
    private static final class Buffered implements BodyReader<Buffer> {
        private final Buffer body = Buffer.buffer();

        @Override
        public boolean chunk(Buffer chunk) {
            body.appendBuffer(chunk);
            return true;
        }

        @Override
        public Buffer end() {
            return body;
        }
    }

    /**
     * Sends one attempt and reads its answer with the reader {@code readers} gives for its status and headers: at
     * most {@code maxBytes} in all, within {@code deadline}, or an {@link OutboundException} when there is no answer.
     */
    public <T> Uni<Answer<T>> receive(Request request, long maxBytes, Duration deadline,
                                      java.util.function.BiFunction<Integer, MultiMap, BodyReader<T>> readers) {
        return Uni.createFrom().emitter(em -> {
            AtomicBoolean settled = new AtomicBoolean();
            AtomicBoolean answering = new AtomicBoolean();
            AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
            long[] timer = new long[1];
            Runnable reset = () -> {
                HttpClientRequest r = sent.get();
                if (r != null) {
                    r.reset();
                }
            };
            java.util.function.Consumer<Throwable> fail = t -> {
                if (settled.compareAndSet(false, true)) {
                    vertx.cancelTimer(timer[0]);
                    reset.run();
                    em.fail(t instanceof OutboundException ? t : new OutboundException(OutboundException.CONNECTION,
                            t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()));
                }
            };
            timer[0] = vertx.setTimer(Math.max(1, deadline.toMillis()), id -> fail.accept(answering.get()
                    ? new OutboundException(OutboundException.DEADLINE, "the answer did not end within " + deadline.toMillis() + " ms")
                    : new OutboundException(OutboundException.TIMEOUT, "no answer within " + deadline.toMillis() + " ms")));
            em.onTermination(() -> {
                if (settled.compareAndSet(false, true)) { // cancelled by the caller
                    vertx.cancelTimer(timer[0]);
                    reset.run();
                }
            });
            client.request(options(request)).onComplete(created -> {
                if (created.failed()) {
                    fail.accept(created.cause());
                    return;
                }
                HttpClientRequest r = created.result();
                sent.set(r);
                if (settled.get()) {
                    r.reset();
                    return;
                }
                request.headers().forEach(r::putHeader);
                Future<HttpClientResponse> answer = request.body() != null ? r.send(request.body())
                        : request.stream() != null ? r.send(request.stream()) : r.send();
                answer.onComplete(res -> {
                    if (res.failed()) {
                        fail.accept(res.cause());
                        return;
                    }
                    HttpClientResponse resp = res.result();
                    answering.set(true);
                    BodyReader<T> body;
                    try {
                        body = readers.apply(resp.statusCode(), resp.headers());
                    } catch (RuntimeException e) {
                        fail.accept(e);
                        return;
                    }
                    long[] read = new long[1];
                    resp.exceptionHandler(fail::accept);
                    resp.handler(chunk -> {
                        if (settled.get()) {
                            return;
                        }
                        read[0] += chunk.length();
                        if (read[0] > maxBytes) {
                            fail.accept(new OutboundException(OutboundException.TOO_LARGE,
                                    "the answer is over the limit of " + maxBytes + " bytes"));
                            return;
                        }
                        if (!body.chunk(chunk) && settled.compareAndSet(false, true)) {
                            // the reader has seen enough: no more of this answer is read
                            vertx.cancelTimer(timer[0]);
                            reset.run();
                            em.complete(new Answer<>(resp.statusCode(), resp.headers(), body.end()));
                        }
                    });
                    resp.endHandler(v -> {
                        if (settled.compareAndSet(false, true)) {
                            vertx.cancelTimer(timer[0]);
                            em.complete(new Answer<>(resp.statusCode(), resp.headers(), body.end()));
                        }
                    });
                });
            });
        });
    }

    private static RequestOptions options(Request request) {
        RequestOptions o = new RequestOptions().setMethod(request.method()).setFollowRedirects(false);
        OutboundPolicy.Target t = request.target();
        if (t == null) {
            Origin at = request.origin();
            return at == null ? o.setAbsoluteURI(request.url())
                    : o.setHost(at.host()).setPort(at.port()).setSsl(at.ssl()).setURI(request.url());
        }
        return o.setHost(t.host()).setPort(t.port()).setSsl(t.ssl()).setURI(t.pathAndQuery())
                .setServer(SocketAddress.inetSocketAddress(t.port(), t.address().getHostAddress()));
    }

    public void close() {
        client.close();
    }
}
