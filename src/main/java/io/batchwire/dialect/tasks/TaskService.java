package io.batchwire.dialect.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.ProblemException;
import io.batchwire.dialect.Dialects;
import io.batchwire.dialect.StoredJson;
import io.batchwire.job.JobService;
import io.batchwire.job.JobState;
import io.batchwire.job.JobStatus;
import io.batchwire.job.SubmitJobRequest;
import io.batchwire.result.RecordView;
import io.batchwire.result.ResultStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The task API (seed 002): a task is a job of one record, submitted through {@link JobService} (validation, credits
 * at submit, the plan's queued-record limit with its 429, idempotency), marked {@code "dialect": "tasks"} so its
 * webhook carries the full result on the seed's retry schedule ({@link TaskWebhook}).
 */
@ApplicationScoped
public class TaskService {

    static final String DIALECT = "tasks";

    private final JobService jobs;
    private final ResultStore results;
    private final ObjectMapper json;

    public TaskService(JobService jobs, ResultStore results, ObjectMapper json) {
        this.jobs = jobs;
        this.results = results;
        this.json = json;
    }

    /** A submit's answer, whether it replays an earlier one, and the answer's headers (the queued-record quota). */
    public record Submitted(ObjectNode body, String link, boolean replayed, Map<String, String> headers) {
    }

    public Uni<Submitted> submit(UUID tenantId, SubmitTaskRequest request, String headerKey) {
        if (request == null) {
            return Uni.createFrom().failure(ProblemException.validation(null, "request body is required"));
        }
        if (request.input() == null || request.input().isNull()) {
            return Uni.createFrom().failure(ProblemException.validation("input", "'input' is required"));
        }
        String key = request.idempotencyKey();
        if (key != null && headerKey != null && !key.equals(headerKey)) {
            return Uni.createFrom().failure(ProblemException.validation("idempotencyKey",
                    "'idempotencyKey' and the Idempotency-Key header differ; send one, or the same in both"));
        }
        if (key == null) {
            key = headerKey;
        }
        String webhookUrl = request.webhook() == null ? null : request.webhook().url();
        ObjectNode metadata = json.createObjectNode().put(Dialects.METADATA_KEY, DIALECT);
        SubmitJobRequest job = new SubmitJobRequest(request.type(), List.of(request.input()), metadata, null, webhookUrl,
                null, null);
        return jobs.submit(tenantId, job, key, null, "tasks").map(s -> {
            ObjectNode body = json.createObjectNode().put("taskId", s.status().id().toString())
                    .put("status", status(s.status().state(), null));
            return new Submitted(body, path(s.status().id()), s.replayed(), s.headers());
        });
    }

    public Uni<ObjectNode> get(UUID tenantId, UUID taskId) {
        return jobs.status(tenantId, taskId).chain(this::task);
    }

    /** The task with, once done, its full result: for the API and the webhook. */
    Uni<ObjectNode> task(JobStatus s) {
        return results.one(s.id(), "0").map(record -> {
            ObjectNode body = json.createObjectNode()
                    .put("taskId", s.id().toString())
                    .put("type", s.type())
                    .put("status", status(s.state(), record))
                    .put("createdAt", StoredJson.text(s.createdAt()))
                    .put("startedAt", StoredJson.text(s.startedAt()))
                    .put("completedAt", StoredJson.text(s.finishedAt()));
            if (record != null && s.state().isFinal()) {
                body.put("statusCode", record.statusCode());
                body.put("attempts", record.attempts());
                body.set("result", parse(record.result()));
                body.set("error", parse(record.error()));
            }
            if (s.error() != null) {
                body.put("error", s.error());
            }
            return body;
        });
    }

    /**
     * pending (waiting or stored), processing, then completed (the request succeeded) or failed (it failed, timed out,
     * was cancelled, or the task could not run).
     */
    static String status(JobState state, RecordView record) {
        return switch (state) {
            case QUEUED, ACCEPTED -> "pending";
            case PROCESSING -> "processing";
            case COMPLETED -> record == null || "succeeded".equals(record.status()) ? "completed" : "failed";
            case FAILED, CANCELLED -> "failed";
        };
    }

    private JsonNode parse(String text) {
        return StoredJson.parse(json, text);
    }

    static String path(UUID id) {
        return "/v1/tasks/" + id;
    }
}
