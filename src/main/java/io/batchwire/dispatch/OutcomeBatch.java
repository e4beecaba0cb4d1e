package io.batchwire.dispatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

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
