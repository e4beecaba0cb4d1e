package io.batchwire.dispatch;

import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

public class JobChunkDeserializer extends ObjectMapperDeserializer<JobChunk> {
    public JobChunkDeserializer() {
        super(JobChunk.class);
    }
}
