package io.batchwire.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.outbound.OutboundClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UrlTemplateTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void fillsEachPlaceholderFormEncodedAndKeepsTheTextAroundThem() {
        UrlTemplate t = UrlTemplate.parse("http://h/x/{a}?q={b}&r=$1\\{not-a-name}&c={a}");
        assertThat(t.names()).containsExactly("a", "b", "a");
        assertThat(t.origin()).isEqualTo(new OutboundClient.Origin("h", 80, false));
        ObjectNode record = json.createObjectNode().put("a", "a b&c=d/é").put("b", 42);
        assertThat(t.expand(record)).isEqualTo("/x/a+b%26c%3Dd%2F%C3%A9?q=42&r=$1\\{not-a-name}&c=a+b%26c%3Dd%2F%C3%A9");
    }

    @Test
    void aUrlWithoutPlaceholdersIsItselfAndAMissingFieldIsEmpty() {
        assertThat(UrlTemplate.parse("http://h/verify").expand(json.createObjectNode())).isEqualTo("/verify");
        assertThat(UrlTemplate.parse("{d}").names()).containsExactly("d");
        assertThat(UrlTemplate.parse("{d}").origin()).isNull();
        assertThat(UrlTemplate.parse("http://h/?d={d}").expand(json.createObjectNode())).isEqualTo("/?d=");
    }

    /** The origin is parsed once when nothing in it is a placeholder; anything unusual is left to the client whole. */
    @Test
    void theOriginIsFoundOnceOrTheWholeUrlIsLeftToTheClient() {
        ObjectNode record = json.createObjectNode().put("y", "v").put("host", "h").put("port", 81);
        UrlTemplate query = UrlTemplate.parse("https://api.example.com:8443?x={y}");
        assertThat(query.origin()).isEqualTo(new OutboundClient.Origin("api.example.com", 8443, true));
        assertThat(query.expand(record)).isEqualTo("/?x=v");
        assertThat(UrlTemplate.parse("HTTPS://Api.Example.com/x").origin())
                .isEqualTo(new OutboundClient.Origin("Api.Example.com", 443, true));
        for (String whole : new String[]{"http://{host}/x?y={y}", "http://h:{port}/x", "http://user:pw@h/x?y={y}",
                "http://[::1]:8080/x?y={y}", "ftp://h/x?y={y}", "http://h:99999/x?y={y}", "http://h:/x?y={y}",
                "http://h/x?y={y}#top", "http://h"}) {
            UrlTemplate t = UrlTemplate.parse(whole);
            assertThat(t.origin()).as(whole).isNull();
            assertThat(t.expand(record)).as(whole).isEqualTo(whole.replace("{y}", "v").replace("{host}", "h")
                    .replace("{port}", "81"));
        }
    }
}
