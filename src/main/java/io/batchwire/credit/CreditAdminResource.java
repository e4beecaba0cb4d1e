package io.batchwire.credit;

import io.batchwire.api.Ids;
import io.batchwire.api.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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

import java.util.UUID;

/** Granting credits, for operators; guarded with the rest of {@code /admin} by the admin key filter. */
@Path("/admin/v1/tenants/{id}/credits")
@Tag(name = "Admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CreditAdminResource {

    /** Most credits one grant adds. */
    static final long MAX_GRANT = 1_000_000_000_000L;

    private final CreditLedger ledger;

    public CreditAdminResource(CreditLedger ledger) {
        this.ledger = ledger;
    }

    public record Grant(Long amount, String note) {
    }

    public record Granted(CreditEntry entry, long balance) {
    }

    @POST
    @Operation(operationId = "grantCredits", summary = "Grant credits to a tenant", description = "Adds a grant entry to the tenant's ledger; answers it and the new balance.")
    @APIResponse(responseCode = "201", description = "The grant entry and the new balance", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Granted.class)))
    public Uni<Response> grant(@PathParam("id") String id, Grant body) {
        UUID tenantId = Ids.parse(id, "tenant");
        if (body == null || body.amount() == null || body.amount() < 1 || body.amount() > MAX_GRANT) {
            throw ProblemException.validation("amount", "'amount' must be a whole number of credits from 1 to " + MAX_GRANT);
        }
        if (body.note() != null && body.note().length() > 500) {
            throw ProblemException.validation("note", "'note' is at most 500 characters");
        }
        return ledger.grant(tenantId, body.amount(), body.note())
                .chain(entry -> ledger.balance(tenantId)
                        .map(balance -> Response.status(201).entity(new Granted(entry, balance)).build()));
    }

    @GET
    @Operation(operationId = "getTenantCredits", summary = "A tenant's balance and ledger, newest first")
    public Uni<CreditStatement> get(@PathParam("id") String id, @QueryParam("cursor") String cursor,
                                    @QueryParam("limit") String limit) {
        return CreditResource.statement(ledger, Ids.parse(id, "tenant"), cursor, limit);
    }
}
