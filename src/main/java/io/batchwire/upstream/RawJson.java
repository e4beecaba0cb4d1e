package io.batchwire.upstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * A JSON value kept as the text it came as, not as a tree: an upstream's answer on its way through the status topic
 * into jsonb is only ever written out again, so it is checked once, token by token, and never built. It is a
 * {@link JsonNode} (a raw-value node), so Jackson writes it out as it is, wherever a tree could go.
 */
public final class RawJson {

    private RawJson() {
    }

    /** The JSON text as a node that writes out as this text; the caller vouches that it is one JSON value. */
    public static JsonNode of(String json) {
        return JsonNodeFactory.instance.rawValueNode(new RawValue(json));
    }

    /** Whether the node is raw JSON text ({@link #of}). */
    public static boolean isRaw(JsonNode node) {
        return node instanceof POJONode p && p.getPojo() instanceof RawValue;
    }

    /** The node's JSON text: a raw node's own, any other written out. */
    public static String text(JsonNode node) {
        if (node instanceof POJONode p && p.getPojo() instanceof RawValue raw) {
            return raw.rawValue().toString();
        }
        return node.toString();
    }

    /**
     * {@code bytes} as raw JSON text if they are exactly one JSON value in UTF-8 without a byte-order mark (read to the
     * end by {@code parser}, made over these bytes, so its limits hold); null if they hold no value at all. Throws if
     * they are not JSON, and {@link CharacterCodingException} if they are JSON but not well-formed UTF-8 (an overlong
     * or surrogate form, which skipping a string does not decode): passed on raw, those bytes would be stored as
     * replacement characters. Other encodings are not passed on raw either: the caller reads those as a tree.
     */
    static JsonNode ifOneValue(JsonParser parser, byte[] bytes) throws IOException {
        if (parser.nextToken() == null) {
            return null;
        }
        parser.skipChildren(); // reads every token of the value (an end before its close is an error)
        if (parser.nextToken() != null) {
            throw new IOException("more than one JSON value");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        // the lenient decoding above replaced what it could not decode; only then (or for a U+FFFD sent as such) is
        // the strict decoder asked
        if (text.indexOf('\uFFFD') >= 0) {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
        }
        return of(text);
    }

    /**
     * Whether the bytes can be passed on as UTF-8 text as they are: JSON text starts with an ASCII character, so
     * this leaves out a byte-order mark (which jsonb would refuse) and UTF-16 or UTF-32 (a zero byte among the first
     * two, as JSON's encoding detection goes).
     */
    static boolean plainUtf8(byte[] bytes) {
        return bytes.length > 0 && bytes[0] > 0 && (bytes.length < 2 || bytes[1] != 0);
    }
}
