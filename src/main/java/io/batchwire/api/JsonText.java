package io.batchwire.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * The compact JSON text of many trees in a row, written by one generator: exactly what {@link JsonNode#toString()}
 * gives (the same plain mapper's output), without the writer, buffers and generator that {@code toString()} builds
 * for every tree. A job's submit turns each of its up to 1,000 records into text to store. One instance per batch,
 * on one thread.
 */
public final class JsonText {

    /** Plain, as {@code JsonNode.toString()}'s mapper is: no feature of the application's mapper changes the text. */
    private static final JsonMapper PLAIN = new JsonMapper();

    private final Chars out = new Chars();
    private final JsonGenerator generator;

    public JsonText() {
        try {
            generator = PLAIN.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // toString() writes one root value; several in a row would be separated by a space
        generator.setRootValueSeparator(null);
    }

    /** {@code node}'s text, as {@code node.toString()} has it. */
    public String of(JsonNode node) {
        try {
            PLAIN.writeTree(generator, node);
            generator.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = out.text.toString();
        out.text.setLength(0);
        return text;
    }

    /** A writer into a builder that is emptied after each tree. */
    private static final class Chars extends Writer {
        final StringBuilder text = new StringBuilder(256);

        @Override
        public void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
        }

        @Override
        public void write(String s, int offset, int length) {
            text.append(s, offset, length);
        }

        @Override
        public void write(int c) {
            text.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
