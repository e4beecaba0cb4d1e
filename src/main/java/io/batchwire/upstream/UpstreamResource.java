package io.batchwire.upstream;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
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

    private final UpstreamViews views;

    public UpstreamResource(UpstreamViews views) {
        this.views = views;
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
        return views.list().map(Upstreams::new);
    }
}
