package io.batchwire.collection;

import io.batchwire.api.NewestFirst;
import io.batchwire.api.Ids;
import io.batchwire.api.Page;
import io.batchwire.api.Params;
import io.batchwire.tenant.CurrentTenant;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

@Path("/v1/collections")
@Tag(name = "Collections")
@Produces(MediaType.APPLICATION_JSON)
public class CollectionResource {

    private static final String LIST_QUERY = "collections";

    private final CollectionService collections;
    private final CurrentTenant tenant;

    public CollectionResource(CollectionService collections, CurrentTenant tenant) {
        this.collections = collections;
        this.tenant = tenant;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createCollection", summary = "Save a collection of http requests",
            description = "Each request is an http record {url, method, headers, body}, optionally with a custom_id. "
                    + "With Idempotency-Key a retry answers the original collection (Idempotent-Replayed: true).")
    @APIResponse(responseCode = "201", description = "Saved; Location is the collection", content = @Content(mediaType = "application/json", schema = @Schema(implementation = CollectionView.class)))
    public Uni<Response> create(CreateCollectionRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return collections.create(tenant.id(), request, idempotencyKey).map(created -> {
            Response.ResponseBuilder r = Response.created(URI.create(created.collection().link())).entity(created.collection());
            if (created.replayed()) {
                r.header("Idempotent-Replayed", "true");
            }
            return r.build();
        });
    }

    @GET
    @Path("/{cid}")
    @Operation(operationId = "getCollection", summary = "A collection with its requests")
    public Uni<CollectionView> get(@PathParam("cid") String cid) {
        return collections.get(tenant.id(), Ids.parse(cid, "collection"));
    }

    @GET
    @Operation(operationId = "listCollections", summary = "The tenant's collections, newest first (without their requests)")
    public Uni<Page<CollectionView>> list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        int size = Params.limit(limit, 20, 100);
        NewestFirst.After after = NewestFirst.after(cursor, LIST_QUERY);
        return collections.list(tenant.id(), after.createdAt(), after.id(), size + 1)
                .map(found -> NewestFirst.page(found, size, LIST_QUERY, c -> c.createdAt, c -> c.id, c -> CollectionView.of(c, null)));
    }

    @DELETE
    @Path("/{cid}")
    @Operation(operationId = "deleteCollection", summary = "Delete a collection",
            description = "Its runs are jobs: they stay readable at /v1/jobs/{run_id} until their retention, and runs "
                    + "in progress finish. Everything under /v1/collections/{cid} then answers 404.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("cid") String cid) {
        return collections.delete(tenant.id(), Ids.parse(cid, "collection")).map(v -> Response.noContent().build());
    }
}
