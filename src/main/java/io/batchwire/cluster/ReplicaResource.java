package io.batchwire.cluster;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** The live replicas (admin API, behind {@code X-Admin-Key} like everything under {@code /admin}). */
@Path("/admin/v1/replicas")
@Tag(name = "Admin")
@Produces(MediaType.APPLICATION_JSON)
public class ReplicaResource {

    private final Replica replica;

    public ReplicaResource(Replica replica) {
        this.replica = replica;
    }

    public record Replicas(List<Replica.Live> items) {
    }

    @GET
    @Operation(operationId = "listReplicas", summary = "The replicas whose lease holds; self marks the one that answered")
    public Uni<Replicas> list() {
        return replica.live().map(Replicas::new);
    }
}
