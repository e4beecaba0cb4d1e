package io.batchwire.result.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.result.RecordView;

import java.util.List;

/**
 * Turns one record into the cells of a row laid out by {@link ResultColumns}. A cell is a {@link String},
 * {@link Number}, {@link Boolean}, {@link java.time.OffsetDateTime} or null; nested values become compact JSON text.
 */
final class Flattener {

    private final ResultColumns columns;
    private final ObjectMapper json;

    Flattener(ResultColumns columns, ObjectMapper json) {
        this.columns = columns;
        this.json = json;
    }

    Object[] row(RecordView r) {
        Object[] cells = new Object[columns.size()];
        JsonNode error = parse(r.error());
        cells[0] = r.index();
        cells[1] = r.customId();
        cells[2] = r.status();
        cells[3] = r.statusCode();
        cells[4] = r.attempts();
        cells[5] = r.startedAt();
        cells[6] = r.completedAt();
        cells[7] = r.durationMs();
        if (error != null && error.isObject()) {
            cells[8] = scalar(error.get("code"));
            cells[9] = scalar(error.get("message"));
        } else {
            cells[9] = scalar(error);
        }
        int at = ResultColumns.FIXED.size();
        JsonNode result = parse(r.result());
        List<String> keys = columns.keys();
        boolean spread = result != null && result.isObject() && !keys.isEmpty();
        if (columns.resultColumn()) {
            cells[at++] = spread ? null : scalar(result);
        }
        if (spread) {
            for (String key : keys) {
                cells[at++] = scalar(result.get(key));
            }
        }
        return cells;
    }

    /** One row of an export as cells, laid out by {@code ResultColumns.ofRows}. */
    Object[] row(JsonNode row) {
        Object[] cells = new Object[columns.size()];
        int at = 0;
        boolean spread = row != null && row.isObject() && !columns.keys().isEmpty();
        if (columns.resultColumn()) {
            cells[at++] = spread ? null : scalar(row);
        }
        if (spread) {
            for (String key : columns.keys()) {
                cells[at++] = scalar(row.get(key));
            }
        }
        return cells;
    }

    JsonNode parseRow(String raw) {
        return parse(raw);
    }

    /** A JSON value as a cell: scalars as themselves, objects and arrays as compact JSON text. */
    static Object scalar(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isNumber()) {
            return n.numberValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.toString();
    }

    private JsonNode parse(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return json.readTree(raw);
        } catch (JsonProcessingException e) {
            // stored bodies are jsonb, so this does not happen; keep the text rather than lose the row
            return json.getNodeFactory().textNode(raw);
        }
    }
}
