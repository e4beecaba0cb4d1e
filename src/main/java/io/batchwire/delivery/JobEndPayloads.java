package io.batchwire.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.job.JobService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/**
 * What the webhook and the event say about a job's end: its status body as {@code data}, and one message id for
 * both ({@code evt_<job id>}), so a consumer of both can dedupe.
 */
@ApplicationScoped
public class JobEndPayloads {

    private final JobService jobs;
    private final ObjectMapper json;

    public JobEndPayloads(JobService jobs, ObjectMapper json) {
        this.jobs = jobs;
        this.json = json;
    }

    public static String messageId(UUID jobId) {
        return "evt_" + jobId;
    }

    /** {@code envelope} (the kind's own fields) with the job's status body as {@code data}. */
    public Uni<String> withJobStatus(UUID jobId, ObjectNode envelope) {
        return jobs.statusById(jobId).map(status -> {
            envelope.set("data", json.valueToTree(status));
            return envelope.toString();
        });
    }

    /** The job's status body as JSON, the CloudEvent's {@code data}. */
    public Uni<byte[]> statusJson(UUID jobId) {
        return jobs.statusById(jobId).map(status -> {
            try {
                return json.writeValueAsBytes(status);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("job status not writable as JSON", e);
            }
        });
    }

    public ObjectNode envelope() {
        return json.createObjectNode();
    }

    public static String now() {
        return Instant.now().toString();
    }
}
