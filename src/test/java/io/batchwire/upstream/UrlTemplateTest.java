package io.batchwire.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UrlTemplateTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void fillsEachPlaceholderFormEncodedAndKeepsTheTextAroundThem() {
        UrlTemplate t = UrlTemplate.parse("http://h/x/{a}?q={b}&r=$1\\{not-a-name}&c={a}");
        assertThat(t.names()).containsExactly("a", "b", "a");
        ObjectNode record = json.createObjectNode().put("a", "a b&c=d/é").put("b", 42);
        assertThat(t.expand(record)).isEqualTo("http://h/x/a+b%26c%3Dd%2F%C3%A9?q=42&r=$1\\{not-a-name}&c=a+b%26c%3Dd%2F%C3%A9");
    }

    @Test
    void aUrlWithoutPlaceholdersIsItselfAndAMissingFieldIsEmpty() {
        assertThat(UrlTemplate.parse("http://h/verify").expand(json.createObjectNode())).isEqualTo("http://h/verify");
        assertThat(UrlTemplate.parse("{d}").names()).containsExactly("d");
        assertThat(UrlTemplate.parse("http://h/?d={d}").expand(json.createObjectNode())).isEqualTo("http://h/?d=");
    }
}
