package io.batchwire.dispatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
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

    static final class Reader extends StdDeserializer<OutcomeBatch> {
        Reader() {
            super(OutcomeBatch.class);
        }

        @Override
        public OutcomeBatch deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                return new OutcomeBatch(List.of(ctxt.readValue(p, RecordOutcome.class)));
            }
            List<RecordOutcome> outcomes = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                outcomes.add(ctxt.readValue(p, RecordOutcome.class));
            }
            return new OutcomeBatch(outcomes);
        }
    }
}
