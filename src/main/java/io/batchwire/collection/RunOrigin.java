package io.batchwire.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.UUID;

/**
 * Which of the collection's requests a run holds. A full run holds all of them, record {@code i} being request
 * {@code i}. A re-run ({@code only_failed_from}) holds some, in ascending request order; which ones is kept in the
 * run's job metadata ({@code rerun_of}, {@code request_indexes}), stored atomically with the job itself.
 */
public record RunOrigin(UUID rerunOf, int[] requestIndexes) {

    public static final RunOrigin FULL = new RunOrigin(null, null);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The origin recorded in a run's metadata (raw JSON text, or null for a full run). */
    public static RunOrigin parse(String metadata) {
        if (metadata == null) {
            return FULL;
        }
        try {
            JsonNode node = JSON.readTree(metadata);
            JsonNode indexes = node.path("request_indexes");
            if (!indexes.isArray()) {
                return FULL;
            }
            int[] out = new int[indexes.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = indexes.get(i).asInt();
            }
            JsonNode of = node.path("rerun_of");
            return new RunOrigin(of.isTextual() ? UUID.fromString(of.asText()) : null, out);
        } catch (Exception e) {
            throw new IllegalStateException("run metadata is not what collections write", e);
        }
    }

    /** The job metadata that records this origin; null for a full run. */
    public ObjectNode toMetadata() {
        if (requestIndexes == null) {
            return null;
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("rerun_of", rerunOf.toString());
        ArrayNode indexes = node.putArray("request_indexes");
        for (int i : requestIndexes) {
            indexes.add(i);
        }
        return node;
    }

    /** The collection request index of the run's record {@code recordIndex}. */
    public int requestIndex(int recordIndex) {
        return requestIndexes == null ? recordIndex : requestIndexes[recordIndex];
    }

    /** The run's record index of collection request {@code requestIndex}, or null if the run does not hold it. */
    public Integer recordIndex(int requestIndex) {
        if (requestIndexes == null) {
            return requestIndex;
        }
        int at = Arrays.binarySearch(requestIndexes, requestIndex);
        return at < 0 ? null : at;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunOrigin other && java.util.Objects.equals(rerunOf, other.rerunOf)
                && Arrays.equals(requestIndexes, other.requestIndexes);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hashCode(rerunOf) + Arrays.hashCode(requestIndexes);
    }

    @Override
    public String toString() {
        return "RunOrigin[rerunOf=" + rerunOf + ", requestIndexes=" + Arrays.toString(requestIndexes) + "]";
    }
}
