package io.batchwire.api;

import java.util.List;

/**
 * A cursor page. {@code cursor_next} continues after the last item; on a page with {@code has_more=false} it is
 * still given where a later call may find more (results of a running job), so a client can keep following.
 */
public record Page<T>(List<T> items, boolean hasMore, String cursorNext) {
}
