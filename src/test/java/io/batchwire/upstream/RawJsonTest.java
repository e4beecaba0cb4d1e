package io.batchwire.upstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An upstream's body passes as raw JSON text only when it is exactly one JSON value in plain UTF-8. */
class RawJsonTest {

    private final ObjectMapper json = new ObjectMapper();

    private String raw(String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = json.createParser(bytes)) {
            var node = RawJson.ifOneValue(p, bytes);
            return node == null ? null : RawJson.text(node);
        }
    }

    @Test
    void oneValueIsKeptAsWritten() throws Exception {
        assertThat(raw(" {\"a\": [1, 2.50, 1e400], \"é\": \"\\u00e9 ✓\"}\n")).isEqualTo(" {\"a\": [1, 2.50, 1e400], \"é\": \"\\u00e9 ✓\"}\n");
        assertThat(raw("\"text\"")).isEqualTo("\"text\"");
        assertThat(raw("42")).isEqualTo("42");
        assertThat(raw("[]")).isEqualTo("[]");
        // written out by Jackson, it is the same text
        assertThat(json.writeValueAsString(RawJson.of("{\"x\": 1}"))).isEqualTo("{\"x\": 1}");
    }

    @Test
    void malformedUtf8IsNotPassedOnRaw() throws Exception {
        // an overlong "A" (C1 81) inside a string: Jackson skips it, a lenient decoding would make it U+FFFD
        byte[] overlong = {'{', '"', 'n', '"', ':', '"', (byte) 0xC1, (byte) 0x81, '"', '}'};
        assertThatThrownBy(() -> {
            try (JsonParser p = json.createParser(overlong)) {
                RawJson.ifOneValue(p, overlong);
            }
        }).isInstanceOf(java.nio.charset.CharacterCodingException.class);
        // a replacement character sent as such is well-formed, and stays as sent
        assertThat(raw("{\"n\": \"\uFFFD\"}")).isEqualTo("{\"n\": \"\uFFFD\"}");
    }

    @Test
    void nothingButWhitespaceIsNoValue() throws Exception {
        assertThat(raw("  \n")).isNull();
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> raw("{} {}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> raw("[1, 2")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> raw("{\"a\": tru}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> raw("<html>")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> raw("{\"a\": \"\\q\"}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> raw("1 2")).isInstanceOf(IOException.class);
    }

    @Test
    void theParsersLimitsHold() {
        ObjectMapper shallow = new ObjectMapper();
        shallow.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(3).build());
        byte[] deep = "[[[[1]]]]".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> {
            try (JsonParser p = shallow.createParser(deep)) {
                RawJson.ifOneValue(p, deep);
            }
        }).hasMessageContaining("depth");
    }

    @Test
    void onlyPlainUtf8PassesRaw() {
        assertThat(RawJson.plainUtf8("{}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(RawJson.plainUtf8("1".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(RawJson.plainUtf8(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'})).as("BOM").isFalse();
        assertThat(RawJson.plainUtf8("{}".getBytes(StandardCharsets.UTF_16LE))).as("UTF-16LE").isFalse();
        assertThat(RawJson.plainUtf8("{}".getBytes(StandardCharsets.UTF_16BE))).as("UTF-16BE").isFalse();
        assertThat(RawJson.plainUtf8(new byte[0])).isFalse();
    }
}
