package io.batchwire.outbound;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Outbound HTTP that a hostile peer cannot turn against the service: the answer is read as a stream against a cap
 * in bytes (after decompression, so a small gzip bomb is stopped where it would grow) and within an overall deadline
 * per attempt (not just an idle time-out, so a peer that trickles bytes is cut off); past either the connection is
 * reset and the call fails with an {@link OutboundException} saying which. A call to a {@link OutboundPolicy.Target}
 * connects to exactly the address the policy checked, with the URL's host kept for the Host header and TLS SNI.
 * Redirects are never followed. One client per use (upstream, deliveries), made at start-up.
 *
 * <p>Each event loop that sends has a pool of its own (of {@code poolSize} connections), and an attempt is made and
 * read wholly on one loop: the loop of its connection. Vert.x hands an answer's bytes to the loop that sent the request
 * while the connection's own loop goes on, so with a shared pool an answer could be over, and its connection back in
 * the pool and serving another request, before the sender had read the bytes; a reset then (a reader that has seen
 * enough, a cap, the deadline, a cancel) closed that other request's connection (vert.x issue 6294), which failed it
 * as a connection error and could repeat its call. On the connection's loop a decision to reset is made while the
 * answer is still this attempt's, or not at all once its end was read.
 */
public final class OutboundClient {

    private final Vertx vertx;
    private final HttpClientOptions options;
    /** By event-loop thread: at most one client per loop, made when the loop first sends. */
    private final Map<Thread, HttpClient> clients = new ConcurrentHashMap<>();

    public OutboundClient(Vertx vertx, HttpClientOptions options) {
        this.vertx = vertx;
        this.options = new HttpClientOptions(options).setForceSni(true).setDecompressionSupported(true);
    }

    /** This event loop's client. */
    private HttpClient client() {
        Thread loop = Thread.currentThread();
        HttpClient c = clients.get(loop);
        return c != null ? c : clients.computeIfAbsent(loop, t -> vertx.createHttpClient(options));
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
            if (Context.isOnEventLoopThread()) {
                exchange(request, maxBytes, deadline, readers, em);
            } else { // a retry after its back-off, a worker: sent from an event loop, where it is then read
                ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext()
                        .runOnContext(v -> exchange(request, maxBytes, deadline, readers, em));
            }
        });
    }

    /** One attempt, on the event loop of the current thread, from sending to settling {@code em}. */
    private <T> void exchange(Request request, long maxBytes, Duration deadline,
                              java.util.function.BiFunction<Integer, MultiMap, BodyReader<T>> readers,
                              UniEmitter<? super Answer<T>> em) {
        Thread owner = Thread.currentThread();
        Context loop = vertx.getOrCreateContext();
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
        Runnable cancel = () -> {
            if (settled.compareAndSet(false, true)) { // cancelled by the caller
                vertx.cancelTimer(timer[0]);
                reset.run();
            }
        };
        // a cancel from elsewhere is made on this loop, in order with the answer's end
        em.onTermination(() -> {
            if (Thread.currentThread() == owner) {
                cancel.run();
            } else {
                loop.runOnContext(v -> cancel.run());
            }
        });
        client().request(options(request)).onComplete(created -> {
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
        clients.values().forEach(HttpClient::close);
    }
}
