package io.batchwire.dispatch;

import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the outcomes of one running chunk into status-topic messages (a JSON array each): a message goes out
 * when it holds {@code maxCount} outcomes, when the next outcome would take it over {@code maxBytes}, when its first
 * outcome has waited {@code lingerMs}, or on {@link #flush()} (the chunk's last call has ended). One message per
 * outcome was the pipeline's largest per-record cost; behind a slow upstream the linger keeps progress as prompt
 * as before.
 *
 * <p>Outcomes arrive from any event loop; the lock covers only list appends, sending happens outside it.
 */
final class OutcomeBatcher {

    /** Receives one ready message: a JSON array of {@code count} outcomes. */
    interface Sink {
        void send(byte[] jsonArray, int count);
    }

    private final Vertx vertx;
    private final int maxCount;
    private final int maxBytes;
    private final long lingerMs;
    private final Sink sink;

    private List<byte[]> items = new ArrayList<>();
    private int bytes;
    private long timer = -1;

    OutcomeBatcher(Vertx vertx, int maxCount, int maxBytes, long lingerMs, Sink sink) {
        this.vertx = vertx;
        this.maxCount = Math.max(1, maxCount);
        this.maxBytes = maxBytes;
        this.lingerMs = Math.max(1, lingerMs);
        this.sink = sink;
    }

    /** Adds one serialized outcome; sends what is ready. */
    void add(byte[] outcome) {
        List<byte[]> over = null;
        List<byte[]> full = null;
        synchronized (this) {
            if (!items.isEmpty() && bytes + outcome.length + 1 > maxBytes) {
                over = take();
            }
            items.add(outcome);
            bytes += outcome.length + 1;
            if (items.size() >= maxCount) {
                full = take();
            } else if (timer == -1) {
                timer = vertx.setTimer(lingerMs, this::lingered);
            }
        }
        send(over);
        send(full);
    }

    /** Sends whatever is gathered now. */
    void flush() {
        List<byte[]> rest;
        synchronized (this) {
            rest = items.isEmpty() ? null : take();
        }
        send(rest);
    }

    private void lingered(long id) {
        List<byte[]> due;
        synchronized (this) {
            if (timer != id || items.isEmpty()) {
                return;
            }
            timer = -1;
            due = take();
        }
        send(due);
    }

    /** Takes the gathered outcomes out; the caller holds the lock. */
    private List<byte[]> take() {
        List<byte[]> out = items;
        items = new ArrayList<>(Math.min(maxCount, 128));
        bytes = 0;
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        return out;
    }

    private void send(List<byte[]> outcomes) {
        if (outcomes == null || outcomes.isEmpty()) {
            return;
        }
        sink.send(jsonArray(outcomes), outcomes.size());
    }

    static byte[] jsonArray(List<byte[]> elements) {
        int size = 1 + elements.size();
        for (byte[] e : elements) {
            size += e.length;
        }
        byte[] out = new byte[size];
        out[0] = '[';
        int at = 1;
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            byte[] e = elements.get(i);
            System.arraycopy(e, 0, out, at, e.length);
            at += e.length;
        }
        out[at] = ']';
        return out;
    }
}
