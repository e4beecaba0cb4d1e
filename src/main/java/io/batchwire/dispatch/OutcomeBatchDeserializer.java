package io.batchwire.dispatch;

import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

/** Reads a status-topic message: a JSON array of outcomes, or (as older replicas wrote) one outcome object. */
public class OutcomeBatchDeserializer extends ObjectMapperDeserializer<OutcomeBatch> {
    public OutcomeBatchDeserializer() {
        super(OutcomeBatch.class);
    }
}
