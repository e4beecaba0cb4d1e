package io.batchwire.api;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which requests the body deadline waits for: only those with a body. A GET's answer may stream for minutes, and its
 * request ends only when the answer has, so a deadline on it would cut the answer.
 */
class BodyLimitHasBodyTest {

    @ParameterizedTest(name = "{0} {1} Content-Length={2} Transfer-Encoding={3}: {4}")
    @CsvSource(nullValues = "-", value = {
            "HTTP_1_1, GET,    -,   -,       false",
            "HTTP_1_1, DELETE, -,   -,       false",
            "HTTP_1_1, POST,   -,   -,       false",
            "HTTP_1_1, POST,   0,   -,       false",
            "HTTP_1_1, POST,   61,  -,       true",
            "HTTP_1_1, GET,    61,  -,       true",
            "HTTP_1_1, POST,   -,   chunked, true",
            "HTTP_1_1, PUT,    -,   CHUNKED, true",
            "HTTP_1_1, POST,   -,   'gzip, chunked', true",
            "HTTP_1_1, POST,   -,   gzip,    false",
            "HTTP_1_0, POST,   12,  -,       true",
            "HTTP_2,   GET,    -,   -,       false",
            "HTTP_2,   POST,   -,   -,       true",
            "HTTP_2,   PUT,    -,   -,       true",
            "HTTP_2,   PATCH,  -,   -,       true",
            "HTTP_2,   POST,   0,   -,       false",
            "HTTP_2,   GET,    5,   -,       true"})
    void onlyARequestWithABodyIsWaitedFor(HttpVersion version, String method, String length, String encoding, boolean waited) {
        HttpServerRequest req = request(version, HttpMethod.valueOf(method), length, encoding);
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length);
        } catch (NumberFormatException e) {
            declared = -1;
        }
        assertThat(BodyLimit.hasBody(req, length, declared)).isEqualTo(waited);
    }

    private static MultiMap headers(String length, String encoding) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        if (length != null) {
            h.add("Content-Length", length);
        }
        if (encoding != null) {
            h.add("Transfer-Encoding", encoding);
        }
        return h;
    }

    private static HttpServerRequest request(HttpVersion version, HttpMethod method, String length, String encoding) {
        return (HttpServerRequest) Proxy.newProxyInstance(HttpServerRequest.class.getClassLoader(),
                new Class<?>[]{HttpServerRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "version" -> version;
                    case "method" -> method;
                    case "getHeader" -> "Content-Length".equalsIgnoreCase(String.valueOf(args[0])) ? length
                            : "Transfer-Encoding".equalsIgnoreCase(String.valueOf(args[0])) ? encoding : null;
                    case "headers" -> headers(length, encoding);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
