package io.batchwire.dispatch;

import io.batchwire.job.JobStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tells the dispatcher which of the jobs it is working on have ended early (cancelled, failed, timed out), whichever
 * replica ended them: one query per interval for all watched jobs, so no new upstream call starts for them.
 */
@Singleton // not a client proxy: it is called on every record's path (issue 17)
public class JobStopWatch {

    private static final Logger LOG = Logger.getLogger(JobStopWatch.class);

    private final JobStore store;
    private final Map<UUID, AtomicInteger> watched = new ConcurrentHashMap<>();
    private final Set<UUID> stopped = ConcurrentHashMap.newKeySet();

    public JobStopWatch(JobStore store) {
        this.store = store;
    }

    public void watch(UUID jobId) {
        watched.computeIfAbsent(jobId, k -> new AtomicInteger()).incrementAndGet();
    }

    public void unwatch(UUID jobId) {
        watched.computeIfPresent(jobId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        if (!watched.containsKey(jobId)) {
            stopped.remove(jobId);
        }
    }

    public boolean isStopped(UUID jobId) {
        return stopped.contains(jobId);
    }

    /** Marks a job stopped on this replica at once (the replica that ended it need not wait for the poll). */
    public void stopNow(UUID jobId) {
        if (watched.containsKey(jobId)) {
            stopped.add(jobId);
        }
    }

    @Scheduled(every = "${batchwire.dispatch.stop-check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> poll() {
        if (watched.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.finalAmong(watched.keySet().toArray(UUID[]::new))
                .invoke(ended -> ended.forEach(this::stopNow))
                .onFailure().invoke(t -> LOG.debugf("stop check failed: %s", t.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
