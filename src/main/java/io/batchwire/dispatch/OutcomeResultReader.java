package io.batchwire.dispatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.upstream.PageReader;
import io.batchwire.upstream.RawJson;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads an outcome's {@code result} as the JSON text it is in the message ({@link RawJson}), never as a tree: the
 * status writer only writes it out again, into jsonb. An object or array is cut out of the message's bytes when the
 * parser reports where it is ({@link JsonParser.Feature#INCLUDE_SOURCE_IN_LOCATION}), else copied token by token; a
 * scalar reads as a node. An export page's result is read into a tree when it is taken apart ({@link #page}).
 */
final class OutcomeResultReader extends StdDeserializer<JsonNode> {

    /** Reads what a page holds: its rows as deep as {@link PageReader} took them, under the page's object and array. */
    private static final ObjectMapper PAGES = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(PageReader.MAX_DEPTH + OutcomeBatch.ROW_NESTING - OutcomeBatch.NESTING).build())
            .build()).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    OutcomeResultReader() {
        super(JsonNode.class);
    }

    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return ctxt.readTree(p);
        }
        JsonLocation at = p.currentTokenLocation();
        Object source = at.contentReference().getRawContent();
        if (source instanceof byte[] bytes && at.getByteOffset() >= 0) {
            int start = (int) at.getByteOffset();
            p.skipChildren();
            int end = (int) p.currentLocation().getByteOffset();
            return RawJson.of(new String(bytes, start, checkedEnd(start, end, bytes.length) - start, StandardCharsets.UTF_8));
        }
        if (source instanceof String text && at.getCharOffset() >= 0) {
            int start = (int) at.getCharOffset();
            p.skipChildren();
            int end = (int) p.currentLocation().getCharOffset();
            return RawJson.of(text.substring(start, checkedEnd(start, end, text.length())));
        }
        return RawJson.of(copy(p));
    }

    private static int checkedEnd(int start, int end, int length) throws IOException {
        if (end <= start || end > length) {
            throw new IOException("a result from " + start + " ends outside the message (" + end + " of " + length + ")");
        }
        return end;
    }

    /** The value at the parser's current token as JSON text, token by token (numbers as written). */
    private static String copy(JsonParser p) throws IOException {
        StringWriter text = new StringWriter(64);
        try (JsonGenerator g = PAGES.getFactory().createGenerator(text)) {
            g.copyCurrentStructureExact(p);
        }
        return text.toString();
    }

    /**
     * An export page's result to take apart: a tree but for the elements of its top-level {@code rows} array, which
     * stay JSON text ({@link RawJson}), since they are only written out again ({@link ExportPages}). Written out, it
     * reads the same. Any other node is returned as it is.
     */
    static JsonNode page(JsonNode result) {
        if (!RawJson.isRaw(result)) {
            return result;
        }
        try (JsonParser p = PAGES.createParser(RawJson.text(result))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return PAGES.readTree(p);
            }
            JsonNodeFactory nodes = PAGES.getNodeFactory();
            ObjectNode out = nodes.objectNode();
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                JsonToken t = p.nextToken();
                if ("rows".equals(name) && t == JsonToken.START_ARRAY) {
                    ArrayNode rows = nodes.arrayNode();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        rows.add(RawJson.of(copy(p)));
                    }
                    out.set(name, rows);
                } else {
                    out.set(name, PAGES.readTree(p));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("an export page's result is not JSON", e);
        }
    }

    /** A JSON null reads as a null node, as a {@link JsonNode} property reads without this reader. */
    @Override
    public JsonNode getNullValue(DeserializationContext ctxt) {
        return NullNode.getInstance();
    }
}
