package io.batchwire.dispatch;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One chunk as this replica works on it, from its message to its end here: acknowledged (every record has an outcome,
 * and the broker has taken those this replica produced), or handed back (its partition moved, or the replica is
 * leaving: the records it did not start are left to the next claimant, and the claim is released once the outcomes of
 * those it sent are stored). Every further message of the same chunk that arrives meanwhile rides along.
 */
final class ChunkRun {

    enum Phase {
        /** In the fair queue. */
        WAITING,
        /** Waiting out a claim another replica holds (or this replica's own lease), off the queue. */
        PARKED,
        /** Claimed and calling the upstream. */
        SENDING,
        /** Every record resolved; waiting for the broker to take the last outcomes. */
        SETTLING,
        /** Handed back: waiting for the outcomes it sent to be stored, then releasing the claim. */
        RELEASING,
        /** Over on this replica. */
        DONE
    }

    final JobChunk chunk;
    /** The partition its message came from; null when unknown. */
    final TopicPartition partition;
    /** Outcomes handed to the producer and not yet acknowledged. */
    final AtomicInteger outstanding = new AtomicInteger();
    /** Records this run started a call for. */
    final Set<Integer> sent = ConcurrentHashMap.newKeySet();
    /** Records whose first call it gave up before sending (handed back, or its lease was in doubt). */
    final Set<Integer> unstarted = ConcurrentHashMap.newKeySet();
    /** Completes when the run is over on this replica. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    /** The message that started the run. */
    final Message<byte[]> first;
    private final List<Message<byte[]>> messages = new ArrayList<>(1);
    private Phase phase = Phase.WAITING;
    private boolean handedBack;

    ChunkRun(JobChunk chunk, TopicPartition partition, Message<byte[]> message) {
        this.chunk = chunk;
        this.partition = partition;
        this.first = message;
        this.messages.add(message);
    }

    static String key(JobChunk chunk) {
        return chunk.jobId() + "/" + chunk.from();
    }

    String key() {
        return key(chunk);
    }

    /** Another message of this chunk: acknowledged with the run's own; false if the run is being handed back. */
    synchronized boolean attach(Message<byte[]> message) {
        if (handedBack || phase == Phase.DONE) {
            return false;
        }
        messages.add(message);
        return true;
    }

    synchronized Phase phase() {
        return phase;
    }

    synchronized void phase(Phase next) {
        phase = next;
    }

    synchronized boolean handedBack() {
        return handedBack;
    }

    /**
     * Marks the run handed back; returns its phase then, which says what is left to do: nothing while it is sending
     * (the end of its calls sees the mark), release its claim once settled, or just end when it holds no claim.
     */
    synchronized Phase handBack() {
        handedBack = true;
        return phase;
    }

    /** The messages to acknowledge, once: when the run is settled, not handed back, and the broker has everything. */
    synchronized List<Message<byte[]>> ackable() {
        if (phase != Phase.SETTLING || handedBack || outstanding.get() != 0) {
            return List.of();
        }
        phase = Phase.DONE;
        return List.copyOf(messages);
    }

    /** Ends the run here (acknowledged or handed back). */
    void end() {
        phase(Phase.DONE);
        ended.complete(null);
    }
}
