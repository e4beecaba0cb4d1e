package io.batchwire.delivery;

import io.batchwire.tenant.AdminAudit;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Map;

/** Seals every webhook secret anew under the current key, after a key rotation (admin API). */
@Path("/admin/v1/secrets/reseal")
@Tag(name = "Admin")
@Produces(MediaType.APPLICATION_JSON)
public class SecretsAdminResource {

    private final WebhookSecrets secrets;
    private final AdminAudit audit;

    public SecretsAdminResource(WebhookSecrets secrets, AdminAudit audit) {
        this.secrets = secrets;
        this.audit = audit;
    }

    public record Resealed(int tenants) {
    }

    @POST
    @Operation(operationId = "resealSecrets", summary = "Seal every webhook secret under the current BATCHWIRE_SECRETS_KEY (after a rotation)")
    public Uni<Resealed> reseal() {
        return secrets.resealAll()
                .call(n -> audit.record("secrets.reseal", null, Map.of("tenants", n)))
                .map(Resealed::new);
    }
}
