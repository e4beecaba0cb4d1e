package io.batchwire.tenant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.batchwire.api.Ids;
import io.batchwire.api.Params;
import io.batchwire.api.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Tenants, keys and plans; guarded by {@link AdminKeyFilter}. */
@Path("/admin/v1")
@Tag(name = "Admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final TenantAdminService service;
    private final AdminAudit audit;

    public AdminResource(TenantAdminService service, AdminAudit audit) {
        this.service = service;
        this.audit = audit;
    }

    public record NewTenant(String name, String plan) {
    }

    public record PlanChange(String plan) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TenantView(UUID id, String name, String plan, OffsetDateTime createdAt, String apiKey) {
        static TenantView of(Tenant t, String key) {
            return new TenantView(t.id, t.name, t.plan, t.createdAt, key);
        }
    }

    public record KeyView(String apiKey, String prefix) {
    }

    public record PlanView(String name, int maxRecordsPerJob, int maxConcurrentJobs, int maxQueuedRecords,
                           long retentionSeconds, Integer defaultTimeoutSeconds, boolean metered, Integer weight) {
        static PlanView of(Plan p) {
            return new PlanView(p.name, p.maxRecordsPerJob, p.maxConcurrentJobs, p.maxQueuedRecords, p.retentionSeconds,
                    p.defaultTimeoutSeconds, p.metered, p.weight);
        }

        Plan toPlan() {
            Plan p = new Plan();
            p.maxRecordsPerJob = maxRecordsPerJob;
            p.maxConcurrentJobs = maxConcurrentJobs;
            p.maxQueuedRecords = maxQueuedRecords;
            p.retentionSeconds = retentionSeconds;
            p.defaultTimeoutSeconds = defaultTimeoutSeconds;
            p.metered = metered;
            p.weight = weight == null ? 1 : weight;
            return p;
        }
    }

    @POST
    @Path("/tenants")
    @Operation(operationId = "createTenant", summary = "Create a tenant and its first API key (shown only here)")
    @APIResponse(responseCode = "201", description = "Created; api_key is shown only here", content = @Content(mediaType = "application/json", schema = @Schema(implementation = TenantView.class)))
    public Uni<Response> create(NewTenant body) {
        return service.create(body == null ? null : body.name(), body == null ? null : body.plan())
                .map(c -> Response.created(URI.create("/admin/v1/tenants/" + c.tenant().id))
                        .entity(TenantView.of(c.tenant(), c.apiKey())).build());
    }

    @GET
    @Path("/tenants")
    @Operation(operationId = "listTenants")
    public Uni<List<TenantView>> list() {
        return service.list().map(ts -> ts.stream().map(t -> TenantView.of(t, null)).toList());
    }

    @GET
    @Path("/tenants/{id}")
    @Operation(operationId = "getTenant")
    public Uni<TenantView> get(@PathParam("id") String id) {
        return service.get(Ids.parse(id, "tenant")).map(t -> TenantView.of(t, null));
    }

    @PATCH
    @Path("/tenants/{id}")
    @Operation(operationId = "changeTenantPlan", summary = "Move a tenant to another plan")
    public Uni<TenantView> changePlan(@PathParam("id") String id, PlanChange body) {
        return service.changePlan(Ids.parse(id, "tenant"), body == null ? null : body.plan()).map(t -> TenantView.of(t, null));
    }

    @POST
    @Path("/tenants/{id}/keys")
    @Operation(operationId = "addApiKey", summary = "Add an API key (for rotation: add, switch clients over, revoke the old one)")
    @APIResponse(responseCode = "201", description = "The new key; shown only here", content = @Content(mediaType = "application/json", schema = @Schema(implementation = KeyView.class)))
    public Uni<Response> addKey(@PathParam("id") String id) {
        return service.addKey(Ids.parse(id, "tenant"))
                .map(key -> Response.status(201).entity(new KeyView(key, ApiKey.prefixOf(key))).build());
    }

    @DELETE
    @Path("/tenants/{id}/keys/{prefix}")
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key by its prefix")
    @APIResponse(responseCode = "204", description = "Revoked")
    public Uni<Response> revokeKey(@PathParam("id") String id, @PathParam("prefix") String prefix) {
        return service.revokeKey(Ids.parse(id, "tenant"), prefix).map(v -> Response.noContent().build());
    }

    @GET
    @Path("/plans")
    @Operation(operationId = "listPlans")
    public Uni<List<PlanView>> plans() {
        return service.plans().map(ps -> ps.stream().map(PlanView::of).toList());
    }

    @PUT
    @Path("/plans/{name}")
    @Operation(operationId = "putPlan", summary = "Create or change a plan")
    public Uni<PlanView> putPlan(@PathParam("name") String name, PlanView body) {
        if (body == null) {
            throw io.batchwire.api.ProblemException.validation(null, "a plan body is required");
        }
        return service.putPlan(name, body.toPlan()).map(PlanView::of);
    }

    /** One entry of the audit trail. */
    public record AuditView(long id, OffsetDateTime at, String action, String target, @Schema(implementation = ObjectNode.class) @JsonRawValue String detail) {
        static AuditView of(AuditEntry e) {
            return new AuditView(e.id, e.at, e.action, e.target, e.detail);
        }
    }

    public record AuditPage(List<AuditView> items, boolean hasMore, String cursorNext) {
    }

    @GET
    @Path("/audit")
    @Operation(operationId = "listAudit", summary = "What the admin API changed, newest first (cursor = the last id seen)")
    public Uni<AuditPage> audit(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        int size = Params.limit(limit, 50, 500);
        Long before;
        try {
            before = cursor == null || cursor.isBlank() ? null : Long.valueOf(cursor);
        } catch (NumberFormatException e) {
            throw ProblemException.validation("cursor", "'cursor' is the id of the last entry seen");
        }
        return audit.page(before, size + 1).map(found -> {
            boolean more = found.size() > size;
            List<AuditView> items = found.stream().limit(size).map(AuditView::of).toList();
            return new AuditPage(items, more, more ? String.valueOf(items.getLast().id()) : null);
        });
    }
}
