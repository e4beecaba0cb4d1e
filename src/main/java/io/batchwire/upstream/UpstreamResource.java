package io.batchwire.upstream;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Every upstream's limits as the cluster and this replica see them (admin API, behind {@code X-Admin-Key}): the
 * configured limit and rate, the adaptive limit, what is in flight in the cluster and here, what waits here, the
 * slices of the live replicas, pauses and the last 429.
 */
@Path("/admin/v1/upstreams")
@Tag(name = "Admin")
@Produces(MediaType.APPLICATION_JSON)
public class UpstreamResource {

    private final UpstreamRegistry upstreams;
    private final ClusterLimits cluster;

    public UpstreamResource(UpstreamRegistry upstreams, ClusterLimits cluster) {
        this.upstreams = upstreams;
        this.cluster = cluster;
    }

    public record Upstreams(List<UpstreamView> items) {
    }

    /**
     * One upstream: {@code adaptive_limit} is the sum over the live slices of what each replica may use (its slice,
     * within its adaptive cap); {@code here} is this replica's own view.
     */
    public record UpstreamView(String type, String kind, int limit, double ratePerSecond, boolean adaptive,
                               int adaptiveLimit, int inFlight, int waiting, OffsetDateTime pausedUntil,
                               OffsetDateTime last429, Here here, List<ClusterLimits.Slice> slices) {
    }

    /** This replica: its slice, the concurrency in force, the adaptive cap it learnt, in flight, waiting, pauses. */
    public record Here(int slice, int limitInForce, int adaptiveLimit, int inFlight, int waiting, boolean paused,
                       long pauses, long overloads, OffsetDateTime last429) {
    }

    @GET
    @Operation(operationId = "listUpstreams", summary = "Every upstream's cluster-wide limits, slices and health")
    public Uni<Upstreams> list() {
        return Multi.createFrom().iterable(upstreams.all())
                .onItem().transformToUniAndConcatenate(u -> cluster.slices(u.type()).map(slices -> view(u, slices)))
                .collect().asList()
                .map(Upstreams::new);
    }

    private static UpstreamView view(Upstream u, List<ClusterLimits.Slice> rows) {
        UpstreamLimits l = u.limits();
        List<ClusterLimits.Slice> slices = rows.stream().filter(s -> s.replica() != null).toList();
        int adaptive = slices.stream().mapToInt(s -> Math.min(s.granted(), s.adaptiveLimit() == null ? s.granted() : s.adaptiveLimit())).sum();
        int inFlight = slices.stream().mapToInt(ClusterLimits.Slice::inFlight).sum();
        int waiting = slices.stream().mapToInt(s -> Math.max(0, s.wanted() - s.inFlight())).sum();
        OffsetDateTime paused = rows.isEmpty() ? null : rows.getFirst().pausedUntil();
        OffsetDateTime last429 = rows.isEmpty() ? null : rows.getFirst().last429();
        Here here = new Here(l.slice(), l.concurrency().limit(), l.adaptiveLimit(), l.concurrency().inUse(),
                l.concurrency().waiting(), l.paused(), l.pauses(), l.overloads(), utc(l.last429()));
        return new UpstreamView(u.type(), u.config().kind().name().toLowerCase(java.util.Locale.ROOT), u.config().concurrency(),
                l.clusterRate(), u.config().adaptive(), adaptive, inFlight, waiting,
                paused != null && paused.isAfter(OffsetDateTime.now()) ? paused : null, last429, here, slices);
    }

    private static OffsetDateTime utc(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
