package io.batchwire.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.Ids;
import io.batchwire.api.JsonLimits;
import io.batchwire.api.JsonText;
import io.batchwire.api.Problem.FieldError;
import io.batchwire.api.ProblemException;
import io.batchwire.outbound.OutboundPolicy;
import io.batchwire.upstream.Upstream;
import io.batchwire.upstream.UpstreamRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Checks a submitted job and turns it into the rows to store: 400 problem+json naming every field at fault (up to
 * {@code max-reported-errors}), 413 over the record limit. Nothing is stored for a refused job.
 */
@ApplicationScoped
public class JobValidator {

    private final UpstreamRegistry upstreams;
    private final JobLimitsConfig limits;
    private final OutboundPolicy outbound;

    public JobValidator(UpstreamRegistry upstreams, JobLimitsConfig limits, OutboundPolicy outbound) {
        this.upstreams = upstreams;
        this.limits = limits;
        this.outbound = outbound;
    }

    /**
     * The job to store for {@code request}; {@code collectionId} makes it a run of that collection, whose records
     * each have {@code recordTimeoutSeconds} (null: no limit of their own). The request is the caller's alone: its
     * records are changed in place ({@code custom_id} taken out), not copied.
     */
    public JobStore.NewJob validate(UUID tenantId, SubmitJobRequest request, UUID collectionId, Integer recordTimeoutSeconds) {
        if (request == null) {
            throw ProblemException.validation(null, "request body is required");
        }
        if (request.type() == null || request.type().isBlank()) {
            throw ProblemException.validation("type", "'type' is required; one of " + upstreams.types());
        }
        Upstream upstream = upstreams.find(request.type()).orElseThrow(() -> ProblemException.validation("type",
                "unknown type '" + request.type() + "'; one of " + upstreams.types()));
        List<JsonNode> records = request.records();
        if (records == null || records.isEmpty()) {
            throw ProblemException.validation("records", "'records' must hold at least one record");
        }
        if (records.size() > limits.maxRecords()) {
            throw new ProblemException(413, "too-many-records", "Too many records",
                    "a job holds at most " + limits.maxRecords() + " records; this one has " + records.size(),
                    "records", null, Map.of("limit", limits.maxRecords(), "records", records.size()), Map.of());
        }
        Integer timeout = request.timeoutSeconds();
        if (timeout != null && (timeout < 1 || timeout > limits.maxTimeoutSeconds())) {
            throw ProblemException.validation("timeout_seconds",
                    "'timeout_seconds' must be from 1 to " + limits.maxTimeoutSeconds());
        }
        String webhookUrl = outbound.checkGiven(request.webhookUrl(), "webhook_url");
        String resultUrl = outbound.checkGiven(request.resultUrl(), "result_url");
        ExportFormat format = ExportFormat.field(request.format());
        String metadata = metadata(request.metadata());
        Records checked = records(upstream, records, "records", "record", "job");
        return new JobStore.NewJob(Ids.uuid7(), tenantId, upstream.type(), metadata, timeout, webhookUrl, resultUrl,
                format.wire(), collectionId, checked.indexes(), checked.customIds(), checked.inputs(), Job.KIND_BATCH,
                recordTimeoutSeconds, null);
    }

    /**
     * The export job to store for a sync endpoint's payload: one record, the first page ({@link Upstream#pageInput}),
     * with the payload as the client sent it but for {@code result_url}, which is Batchwire's (where the file goes).
     * 400 for a payload that is not a storable JSON object of at most {@code max-record-bytes}.
     */
    public JobStore.NewJob validateExport(UUID tenantId, Upstream upstream, JsonNode payload, ExportFormat format) {
        if (payload == null || !payload.isObject()) {
            throw ProblemException.validation(null, "the payload must be a JSON object, as the sync endpoint takes it");
        }
        ObjectNode body = (ObjectNode) payload;
        JsonNode resultUrlField = body.remove("result_url");
        if (resultUrlField != null && !resultUrlField.isNull() && !resultUrlField.isTextual()) {
            throw ProblemException.validation("result_url", "'result_url' must be a string");
        }
        String resultUrl = outbound.checkGiven(resultUrlField == null || resultUrlField.isNull() ? null
                : resultUrlField.asText(), "result_url");
        List<FieldError> errors = new ArrayList<>();
        JsonLimits.checkStorable(body, "payload", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        String input = Upstream.pageInput(body, body, null).toString();
        if (input.length() > limits.maxRecordBytes()) {
            throw ProblemException.validation(null, "the payload is larger than " + limits.maxRecordBytes() + " bytes");
        }
        return new JobStore.NewJob(Ids.uuid7(), tenantId, upstream.type(), null, null, null, resultUrl, format.wire(),
                null, new Integer[]{0}, new String[]{null}, new String[]{input}, Job.KIND_EXPORT, null, null);
    }

    /** Records ready to store: index, custom_id (or null) and the input without it, as JSON text. */
    public record Records(Integer[] indexes, String[] customIds, String[] inputs) {
    }

    /**
     * Checks the items of one job (a job's records, or a collection's requests, each of which is one record of every
     * run) against {@code upstream}: objects only, a {@code custom_id} that is a short string unique among them,
     * storable JSON of at most {@code max-record-bytes}. Items are changed in place ({@code custom_id} taken out).
     * Field paths name {@code field[i]}; messages call an item {@code item} and the whole a {@code whole}.
     */
    public Records records(Upstream upstream, List<JsonNode> items, String field, String item, String whole) {
        int n = items.size();
        Integer[] indexes = new Integer[n];
        String[] customIds = new String[n];
        String[] inputs = new String[n];
        List<FieldError> errors = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        JsonText text = new JsonText();
        for (int i = 0; i < n && errors.size() < limits.maxReportedErrors(); i++) {
            String at = field + "[" + i + "]";
            JsonNode record = items.get(i);
            indexes[i] = i;
            if (record == null || !record.isObject()) {
                errors.add(new FieldError(at, "a " + item + " must be a JSON object"));
                continue;
            }
            ObjectNode input = (ObjectNode) record;
            JsonNode customId = input.remove("custom_id");
            if (customId != null && !customId.isNull()) {
                JsonLimits.checkStorable(customId, at + ".custom_id", errors);
                if (!customId.isTextual() || customId.asText().isEmpty() || customId.asText().length() > limits.maxCustomIdLength()) {
                    errors.add(new FieldError(at + ".custom_id",
                            "'custom_id' must be a string of 1 to " + limits.maxCustomIdLength() + " characters"));
                } else {
                    Integer first = seen.putIfAbsent(customId.asText(), i);
                    if (first != null) {
                        errors.add(new FieldError(at + ".custom_id", "custom_id '" + customId.asText() + "' is already used by "
                                + field + "[" + first + "]; custom_id must be unique in the " + whole));
                    }
                    customIds[i] = customId.asText();
                }
            }
            JsonLimits.checkStorable(input, at, errors);
            upstream.validate(input, at, errors);
            inputs[i] = text.of(input);
            if (inputs[i].length() > limits.maxRecordBytes()) {
                errors.add(new FieldError(at, "a " + item + " is at most " + limits.maxRecordBytes() + " bytes"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return new Records(indexes, customIds, inputs);
    }

    /** The client's metadata as JSON text, if it is storable and small enough. */
    private String metadata(JsonNode metadata) {
        if (metadata == null) {
            return null;
        }
        List<FieldError> bad = new ArrayList<>();
        JsonLimits.checkStorable(metadata, "metadata", bad);
        if (!bad.isEmpty()) {
            throw ProblemException.validation(bad);
        }
        String text = metadata.toString();
        if (text.length() > limits.maxMetadataBytes()) {
            throw ProblemException.validation("metadata", "'metadata' is larger than " + limits.maxMetadataBytes() + " bytes");
        }
        return text;
    }
}
