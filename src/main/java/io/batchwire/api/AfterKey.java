package io.batchwire.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Keyset paging on one numeric key (record index, or store order): the cursor shape of the results lists. Ask the
 * store for {@code size + 1} rows after {@link #after}; {@link #page} cuts them and makes the cursor. On a page with
 * nothing new the caller's cursor is handed back, so a client can keep following a running job.
 */
public final class AfterKey {

    private AfterKey() {
    }

    /** The key the previous page ended at, or null for the first page. */
    public static Long after(String cursor, String query) {
        JsonNode state = Cursor.decode(cursor, query);
        if (state == null) {
            return null;
        }
        if (!state.path("k").canConvertToLong()) {
            throw ProblemException.badCursor();
        }
        return state.path("k").asLong();
    }

    public static <T, V> Page<V> page(List<T> rows, int size, String cursor, String query, ToLongFunction<T> key,
                                      Function<T, V> view) {
        boolean more = rows.size() > size;
        List<T> page = more ? rows.subList(0, size) : rows;
        String next = page.isEmpty() ? cursor : Cursor.encode(Cursor.newState(query).put("k", key.applyAsLong(page.getLast())));
        return new Page<>(page.stream().map(view).toList(), more, next);
    }
}
