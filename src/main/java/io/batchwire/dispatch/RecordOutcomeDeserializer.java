package io.batchwire.dispatch;

import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

public class RecordOutcomeDeserializer extends ObjectMapperDeserializer<RecordOutcome> {
    public RecordOutcomeDeserializer() {
        super(RecordOutcome.class);
    }
}
