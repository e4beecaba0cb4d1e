package io.batchwire.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Keyset paging of lists shown newest first, on (created_at, id): the one cursor shape of the job, collection and
 * run lists. Ask the store for {@code size + 1} rows after {@link #after}; {@link #page} cuts and makes the cursor.
 */
public final class NewestFirst {

    private NewestFirst() {
    }

    /** Where the previous page ended; null values for the first page. */
    public record After(OffsetDateTime createdAt, UUID id) {
    }

    public static After after(String cursor, String query) {
        JsonNode state = Cursor.decode(cursor, query);
        if (state == null) {
            return new After(null, null);
        }
        try {
            return new After(OffsetDateTime.parse(state.path("t").asText()), UUID.fromString(state.path("i").asText()));
        } catch (RuntimeException e) {
            throw ProblemException.badCursor();
        }
    }

    public static <T, V> Page<V> page(List<T> found, int size, String query, Function<T, OffsetDateTime> createdAt,
                                      Function<T, UUID> id, Function<T, V> view) {
        boolean more = found.size() > size;
        List<T> page = more ? found.subList(0, size) : found;
        String next = null;
        if (more) {
            T last = page.getLast();
            next = Cursor.encode(Cursor.newState(query).put("t", createdAt.apply(last).toString()).put("i", id.apply(last).toString()));
        }
        return new Page<>(page.stream().map(view).toList(), more, next);
    }
}
