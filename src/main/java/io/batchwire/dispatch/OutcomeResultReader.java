package io.batchwire.dispatch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.IOException;
import java.io.StringWriter;

/**
 * Reads an outcome's {@code result} as a tree, but for the elements of a top-level {@code rows} array (an export
 * page's rows), which are copied token by token into JSON text and kept as raw values: the status writer only ever
 * writes them out again ({@link ExportPages}), so they are never built as trees. Written out, a result reads the same.
 */
final class OutcomeResultReader extends StdDeserializer<JsonNode> {

    OutcomeResultReader() {
        super(JsonNode.class);
    }

    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return ctxt.readTree(p);
        }
        JsonNodeFactory nodes = ctxt.getNodeFactory();
        ObjectNode out = nodes.objectNode();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            if ("rows".equals(name) && t == JsonToken.START_ARRAY) {
                ArrayNode rows = nodes.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    StringWriter text = new StringWriter(64);
                    try (JsonGenerator g = p.getCodec() != null ? p.getCodec().getFactory().createGenerator(text)
                            : new com.fasterxml.jackson.core.JsonFactory().createGenerator(text)) {
                        g.copyCurrentStructure(p);
                    }
                    rows.add(nodes.rawValueNode(new RawValue(text.toString())));
                }
                out.set(name, rows);
            } else {
                out.set(name, ctxt.readTree(p));
            }
        }
        return out;
    }

    /** A JSON null reads as a null node, as a {@link JsonNode} property reads without this reader. */
    @Override
    public JsonNode getNullValue(DeserializationContext ctxt) {
        return NullNode.getInstance();
    }
}
