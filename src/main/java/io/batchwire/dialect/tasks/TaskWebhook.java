package io.batchwire.dialect.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.delivery.DeliveryStore;
import io.batchwire.delivery.JobEndPayloads;
import io.batchwire.delivery.WebhookStyle;
import io.batchwire.dialect.DialectsConfig;
import io.batchwire.job.JobService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * A task's webhook: {@code {type, timestamp, data}} signed per Standard Webhooks, {@code data} the full task as
 * {@code GET /v1/tasks/{taskId}} shows it; retried on {@code batchwire.dialects.tasks.webhook-retry-schedule}.
 */
@ApplicationScoped
public class TaskWebhook implements WebhookStyle {

    private final JobService jobs;
    private final TaskService tasks;
    private final DialectsConfig config;
    private final ObjectMapper json;

    public TaskWebhook(JobService jobs, TaskService tasks, DialectsConfig config, ObjectMapper json) {
        this.jobs = jobs;
        this.tasks = tasks;
        this.config = config;
        this.json = json;
    }

    @Override
    public String dialect() {
        return TaskService.DIALECT;
    }

    @Override
    public Uni<String> payload(DeliveryStore.Due due) {
        return jobs.statusById(due.jobId()).chain(tasks::task).map(task -> {
            var envelope = json.createObjectNode()
                    .put("type", due.eventType().replace("job.", "task."))
                    .put("timestamp", JobEndPayloads.now());
            envelope.set("data", task);
            return envelope.toString();
        });
    }

    @Override
    public List<Duration> retrySchedule() {
        return config.tasks().webhookRetrySchedule();
    }
}
