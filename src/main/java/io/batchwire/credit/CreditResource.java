package io.batchwire.credit;

import io.batchwire.api.AfterKey;
import io.batchwire.api.Cursor;
import io.batchwire.api.Params;
import io.batchwire.tenant.CurrentTenant;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** The tenant's own credits: balance and ledger. */
@Path("/v1/credits")
@Tag(name = "Credits")
@Produces(MediaType.APPLICATION_JSON)
public class CreditResource {

    static final String QUERY = "credits";

    private final CreditLedger ledger;
    private final CurrentTenant tenant;

    public CreditResource(CreditLedger ledger, CurrentTenant tenant) {
        this.ledger = ledger;
        this.tenant = tenant;
    }

    @GET
    @Operation(operationId = "getCredits", summary = "The credit balance and the ledger, newest first",
            description = "The balance is the sum of every entry: grants, charges (records x price, at submit) and refunds "
                    + "(records that did not run, when the job ends). On an unmetered plan submits are never charged.")
    public Uni<CreditStatement> get(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        return statement(ledger, tenant.id(), cursor, limit);
    }

    static Uni<CreditStatement> statement(CreditLedger ledger, UUID tenantId, String cursor, String limit) {
        int size = Params.limit(limit, 20, 100);
        Long before = AfterKey.after(cursor, QUERY);
        return ledger.statement(tenantId, before, size, id -> Cursor.encode(Cursor.newState(QUERY).put("k", id)));
    }
}
