package io.batchwire.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.batchwire.client.api.JobsApi;
import io.batchwire.client.api.ResultsApi;
import io.batchwire.client.model.JobState;
import io.batchwire.client.model.JobStatus;
import io.batchwire.client.model.PageRecordView;
import io.batchwire.client.model.RecordView;
import io.batchwire.client.model.SubmitJobRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Written against the client openapi-generator makes from the served /q/openapi (GeneratedClientTest compiles it with
 * the generated sources, so a renamed operation or property fails to compile). Submits a job, waits for it, pages its
 * results and reads one, and returns what it saw for the test to assert. The generated models read strictly here: an
 * answer key the document does not declare fails the read.
 */
public final class ClientDriver {

    private final JobsApi jobs;
    private final ResultsApi results;

    public ClientDriver(String baseUri, String apiKey) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(baseUri.replaceAll("/$", ""));
        client.setRequestInterceptor(request -> request.header("X-API-Key", apiKey));
        client.setObjectMapper(client.getObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true));
        this.jobs = new JobsApi(client);
        this.results = new ResultsApi(client);
    }

    /** Submits three records (two succeed, one the upstream does not know) and answers the job id. */
    public String submit() throws ApiException {
        String run = UUID.randomUUID().toString();
        List<Object> records = List.of(
                Map.of("custom_id", "a", "domain", "ok-a-" + run + ".com"),
                Map.of("custom_id", "b", "domain", "ok-b-" + run + ".com"),
                Map.of("custom_id", "c", "domain", "missing-c-" + run + ".com"));
        JobStatus submitted = jobs.submitJob(new SubmitJobRequest().type("company").records(records)
                .metadata(Map.of("pipeline", "generated-client")), "gen-" + run);
        return submitted.getId().toString();
    }

    /** The job's state, as the generated enum names it. */
    public String state(String id) throws ApiException {
        return jobs.getJob(id).getState().getValue();
    }

    /** The job and its results, paged two at a time, and one result by custom_id, as the generated models read them. */
    public Map<String, Object> read(String id) throws ApiException {
        JobStatus job = jobs.getJob(id);
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("state", job.getState() == JobState.COMPLETED ? "completed" : String.valueOf(job.getState()));
        seen.put("total_records", job.getTotalRecords());
        seen.put("created_at", job.getCreatedAt());
        seen.put("started_at", job.getStartedAt());
        seen.put("finished_at", job.getFinishedAt());
        seen.put("results_link", job.getResultsLink());
        seen.put("succeeded", job.getCounts().getSucceeded());
        seen.put("failed", job.getCounts().getFailed());
        seen.put("metadata", job.getMetadata());

        List<String> outcomes = new ArrayList<>();
        String cursor = null;
        Object firstStartedAt = null;
        int pages = 0;
        do {
            PageRecordView page = results.listResults(id, cursor, "2", null, null, null);
            pages++;
            for (RecordView r : page.getItems()) {
                outcomes.add(r.getCustomId() + ":" + r.getStatus() + ":" + r.getStatusCode());
                if (firstStartedAt == null) {
                    firstStartedAt = r.getStartedAt();
                }
            }
            cursor = Boolean.TRUE.equals(page.getHasMore()) ? page.getCursorNext() : null;
        } while (cursor != null && pages < 10);
        seen.put("pages", pages);
        seen.put("results", outcomes);
        seen.put("result_started_at", firstStartedAt);
        RecordView one = results.getResult(id, "b");
        seen.put("one", one.getCustomId() + ":" + one.getStatus());
        try {
            results.getResult(id, "nope");
            seen.put("missing_status", 200);
        } catch (ApiException e) {
            seen.put("missing_status", e.getCode());
        }
        return seen;
    }
}
