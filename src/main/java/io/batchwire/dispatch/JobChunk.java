package io.batchwire.dispatch;

import java.util.UUID;

/** One message on the jobs topic: records {@code [from, to)} of a job. Inputs stay in Postgres. */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
public record JobChunk(UUID jobId, UUID tenantId, String type, int from, int to) {
}
