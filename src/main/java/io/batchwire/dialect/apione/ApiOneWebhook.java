package io.batchwire.dialect.apione;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.PublicUrl;
import io.batchwire.delivery.DeliveryStore;
import io.batchwire.delivery.JobEndPayloads;
import io.batchwire.delivery.WebhookStyle;
import io.batchwire.dialect.DialectsConfig;
import io.batchwire.job.JobService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;

/**
 * An ApiOne job's completion webhook carries its results: {@code {type, timestamp, data}} (signed per Standard
 * Webhooks like every webhook) with {@code data} the body of {@code GET /api/v1/async/results/{job_id}}. Over
 * {@code batchwire.dialects.apione.webhook-max-results-bytes} it carries the job's status instead, with
 * {@code results_included: false}, why, and a signed {@code download_link} to the results.
 */
@ApplicationScoped
public class ApiOneWebhook implements WebhookStyle {

    private final JobService jobs;
    private final ApiOneService apione;
    private final DialectsConfig config;
    private final PublicUrl urls;
    private final ObjectMapper json;

    public ApiOneWebhook(JobService jobs, ApiOneService apione, DialectsConfig config, PublicUrl urls, ObjectMapper json) {
        this.jobs = jobs;
        this.apione = apione;
        this.config = config;
        this.urls = urls;
        this.json = json;
    }

    @Override
    public String dialect() {
        return ApiOneService.DIALECT;
    }

    @Override
    public Uni<String> payload(DeliveryStore.Due due) {
        return jobs.statusById(due.jobId()).chain(status -> apione.resultsBody(status).map(results -> {
            ObjectNode envelope = json.createObjectNode().put("type", due.eventType()).put("timestamp", JobEndPayloads.now());
            int max = config.apione().webhookMaxResultsBytes();
            if (results.toString().getBytes(StandardCharsets.UTF_8).length <= max) {
                results.put("results_included", true);
                envelope.set("data", results);
                return envelope.toString();
            }
            ObjectNode data = apione.statusBody(status, 0);
            data.put("results_included", false)
                    .put("results_omitted_reason", "the results are over " + max + " bytes; fetch them from download_link "
                            + "(signed, no API key needed, until download_link_expires) or results_url")
                    .put("download_link", urls.absolute(status.downloadLink()));
            envelope.set("data", data);
            return envelope.toString();
        }));
    }
}
