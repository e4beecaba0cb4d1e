package io.batchwire.upstream;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Block pages against content: the challenge header, HTML markers, and what is never taken for a block page. */
class BlockPagesTest {

    private static final UpstreamConfig.Upstream CFG = config(List.of("cf-mitigated=challenge"),
            List.of("g-recaptcha", "hcaptcha.com", "verify you are a human"), 1024);

    @Test
    void theChallengeHeaderIsABlockPageWhateverTheBody() {
        assertThat(BlockPages.signal(CFG, Map.of("cf-mitigated", " Challenge ")::get, Buffer.buffer("{\"ok\":true}")))
                .contains("cf-mitigated");
        assertThat(BlockPages.signal(CFG, Map.of("cf-mitigated", "none")::get, Buffer.buffer("{}"))).isNull();
    }

    @Test
    void markersCountOnlyInHtmlAndOnlyInTheScannedBytes() {
        String captcha = "<html><body><H1>Verify You Are A Human</H1></body></html>";
        assertThat(BlockPages.signal(CFG, Map.of("Content-Type", "text/html")::get, Buffer.buffer(captcha))).contains("marker");
        // no Content-Type: a body that starts with < is HTML
        assertThat(BlockPages.signal(CFG, Map.<String, String>of()::get, Buffer.buffer("  " + captcha))).isNotNull();
        // a JSON API that mentions a captcha is content
        assertThat(BlockPages.signal(CFG, Map.of("Content-Type", "application/json")::get,
                Buffer.buffer("{\"note\": \"verify you are a human\"}"))).isNull();
        // past the scanned prefix a marker is not seen
        String late = "<html>" + "x".repeat(2000) + "g-recaptcha</html>";
        assertThat(BlockPages.signal(CFG, Map.of("Content-Type", "text/html")::get, Buffer.buffer(late))).isNull();
        assertThat(BlockPages.signal(CFG, Map.of("Content-Type", "text/html")::get, Buffer.buffer("<html>Example Domain</html>")))
                .isNull();
        assertThat(BlockPages.signal(CFG, Map.of("Content-Type", "text/html")::get, Buffer.buffer(""))).isNull();
    }

    /** Only the block settings are read by BlockPages; anything else is a test mistake. */
    private static UpstreamConfig.Upstream config(List<String> headers, List<String> markers, int scan) {
        return (UpstreamConfig.Upstream) Proxy.newProxyInstance(BlockPagesTest.class.getClassLoader(),
                new Class<?>[]{UpstreamConfig.Upstream.class}, (p, m, a) -> switch (m.getName()) {
                    case "blockHeaders" -> headers;
                    case "blockMarkers" -> markers;
                    case "blockScanBytes" -> scan;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
