package io.batchwire.dispatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.batchwire.upstream.PageReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of the status topic: outcomes of records of one job (the message key), written as a JSON array.
 * A single outcome object, as replicas before batching wrote them, reads as a batch of one, so a rolling upgrade
 * loses nothing that is still on the topic.
 */
@JsonDeserialize(using = OutcomeBatch.Reader.class)
public record OutcomeBatch(List<RecordOutcome> outcomes) {

    /** The levels a message nests a result in: the batch's array and the outcome's object. */
    static final int NESTING = 2;

    /** The levels a message nests an export page's row in: a result's, then the page's object and its rows array. */
    static final int ROW_NESTING = NESTING + 2;

    /**
     * The limits a message is read with: what it holds was bounded when it was written (an outcome at most
     * {@code outcomeMaxBytes}; an answer as deep, as long in its strings and numbers, as the parser that read it
     * allowed: the service's {@code limits}, or for a page's rows {@link PageReader#factory}), so it is not judged again
     * by stricter ones. One the dispatcher wrote and the status writer refused would be dead-lettered with every other
     * outcome of its message, and their jobs would never finish.
     */
    static StreamReadConstraints messageLimits(StreamReadConstraints limits, int outcomeMaxBytes) {
        // no string, number or name in an outcome is longer than the outcome
        return limits.rebuild()
                .maxNestingDepth(Math.max(limits.getMaxNestingDepth() + NESTING, PageReader.MAX_DEPTH + ROW_NESTING))
                .maxStringLength(Math.max(limits.getMaxStringLength(), outcomeMaxBytes))
                .maxNumberLength(Math.max(limits.getMaxNumberLength(), outcomeMaxBytes))
                .maxNameLength(Math.max(limits.getMaxNameLength(), outcomeMaxBytes))
                .build();
    }

    /**
     * Reads the array (or a single outcome) with the outcome's deserializer, found once when the reader is set up
     * ({@link ContextualDeserializer}), not looked up again for every outcome of every message.
     */
    static final class Reader extends StdDeserializer<OutcomeBatch> implements ContextualDeserializer {
        private final JsonDeserializer<Object> outcome;

        Reader() {
            this(null);
        }

        private Reader(JsonDeserializer<Object> outcome) {
            super(OutcomeBatch.class);
            this.outcome = outcome;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
                throws JsonMappingException {
            return new Reader(ctxt.findRootValueDeserializer(ctxt.constructType(RecordOutcome.class)));
        }

        @Override
        public OutcomeBatch deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                return new OutcomeBatch(List.of(read(p, ctxt)));
            }
            List<RecordOutcome> outcomes = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                outcomes.add(read(p, ctxt));
            }
            return new OutcomeBatch(outcomes);
        }

        private RecordOutcome read(JsonParser p, DeserializationContext ctxt) throws IOException {
            return outcome == null ? ctxt.readValue(p, RecordOutcome.class) : (RecordOutcome) outcome.deserialize(p, ctxt);
        }
    }
}
