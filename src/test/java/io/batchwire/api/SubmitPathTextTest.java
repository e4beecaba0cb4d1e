package io.batchwire.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The submit path's shortcuts give what the long ways gave: {@link JsonText} the text of {@link JsonNode#toString()},
 * {@link StrictUtf8#valid} the verdict of a strict decoder, and {@link JsonLimits#checkStorable} the same errors
 * whether or not a tree has anything to report; each over a seeded sample.
 */
class SubmitPathTextTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] STRINGS = {"", "plain", "quote \" and \\ backslash", "tab\tnew\nline", "\u0001\u001f",
            "é €", "emoji \uD83D\uDE00", "\u2028\u2029", "</script>", "nul \u0000 inside", "lone \uD800", "\uDC00 first"};

    @Test
    void treesAreWrittenAsTheirToStringIsOneAfterAnother() throws Exception {
        Random random = new Random(41);
        JsonText text = new JsonText();
        ObjectMapper service = new ObjectMapper();
        new JsonLimits().customize(service);
        for (int i = 0; i < 5_000; i++) {
            JsonNode tree = tree(random, 0);
            assertThat(text.of(tree)).isEqualTo(tree.toString());
        }
        // trees as the service's mapper reads them (exact decimals, big integers)
        for (String body : List.of("{\"a\":1.50,\"b\":1e400,\"c\":12345678901234567890123,\"d\":-0.0}", "[]", "{}", "\"s\"", "null", "17")) {
            JsonNode tree = service.readTree(body);
            assertThat(text.of(tree)).as(body).isEqualTo(tree.toString());
        }
    }

    @Test
    void aBodyIsValidUtf8ExactlyWhenAStrictDecoderSaysSo() {
        Random random = new Random(43);
        int invalid = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body;
            if (i % 3 == 0) {
                // text, made into bytes right, then maybe one byte broken
                body = STRINGS[random.nextInt(STRINGS.length)].repeat(1 + random.nextInt(3)).getBytes(StandardCharsets.UTF_8);
                if (body.length > 0 && random.nextBoolean()) {
                    body[random.nextInt(body.length)] = (byte) (0x80 + random.nextInt(0x80));
                }
            } else {
                body = new byte[random.nextInt(12)];
                for (int b = 0; b < body.length; b++) {
                    body[b] = (byte) (random.nextInt(4) == 0 ? 0x80 + random.nextInt(0x80) : random.nextInt(0x80));
                }
            }
            boolean strict = strict(body);
            invalid += strict ? 0 : 1;
            assertThat(StrictUtf8.valid(body)).as("%s", java.util.HexFormat.of().formatHex(body)).isEqualTo(strict);
        }
        assertThat(invalid).as("the sample has invalid bodies").isGreaterThan(1_000);
        assertThat(StrictUtf8.valid(new byte[0])).isTrue();
        assertThat(StrictUtf8.valid(new byte[]{'{', '}', (byte) 0xC0, (byte) 0xAF})).as("overlong '/' after ASCII").isFalse();
        assertThat(StrictUtf8.valid(new byte[]{'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80})).as("a surrogate").isFalse();
    }

    @Test
    void unstorableStringsAreReportedWhereTheyAreAndOthersNot() {
        Random random = new Random(47);
        int reported = 0;
        for (int i = 0; i < 5_000; i++) {
            JsonNode tree = tree(random, 0);
            List<Problem.FieldError> errors = new ArrayList<>();
            JsonLimits.checkStorable(tree, "records[0]", errors);
            List<String> expected = new ArrayList<>();
            unstorable(tree, "records[0]", expected);
            assertThat(errors).extracting(Problem.FieldError::field).as(tree.toString()).isEqualTo(expected);
            reported += errors.isEmpty() ? 0 : 1;
        }
        assertThat(reported).as("the sample has trees to report").isGreaterThan(500);
    }

    /** The reference: every place under {@code node} holding a string or a key JSONB cannot store, in document order. */
    private static void unstorable(JsonNode node, String at, List<String> out) {
        if (node.isTextual() && !JsonLimits.storable(node.textValue())) {
            out.add(at);
        }
        node.properties().forEach(e -> {
            if (!JsonLimits.storable(e.getKey())) {
                out.add(at);
            }
            unstorable(e.getValue(), at + "." + e.getKey(), out);
        });
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                unstorable(node.get(i), at + "[" + i + "]", out);
            }
        }
    }

    private static JsonNode tree(Random random, int depth) {
        int kind = random.nextInt(depth >= 3 ? 7 : 9);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextLong());
            case 3 -> NODES.numberNode(new BigDecimal(BigInteger.valueOf(random.nextLong()), random.nextInt(20) - 10));
            case 4 -> NODES.numberNode(random.nextDouble() * 1e6);
            case 5, 6 -> NODES.textNode(STRINGS[random.nextInt(STRINGS.length)]);
            case 7 -> {
                ObjectNode o = NODES.objectNode();
                for (int k = random.nextInt(4); k > 0; k--) {
                    o.set(STRINGS[random.nextInt(STRINGS.length)] + k, tree(random, depth + 1));
                }
                yield o;
            }
            default -> {
                ArrayNode a = NODES.arrayNode();
                for (int k = random.nextInt(4); k > 0; k--) {
                    a.add(tree(random, depth + 1));
                }
                yield a;
            }
        };
    }

    private static boolean strict(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
