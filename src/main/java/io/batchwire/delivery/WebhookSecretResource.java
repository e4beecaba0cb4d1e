package io.batchwire.delivery;

import io.batchwire.tenant.CurrentTenant;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Tag(name = "Webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Path("/v1/webhook-secret")
public class WebhookSecretResource {

    private final WebhookSecrets secrets;
    private final CurrentTenant tenant;

    public WebhookSecretResource(WebhookSecrets secrets, CurrentTenant tenant) {
        this.secrets = secrets;
        this.tenant = tenant;
    }

    @GET
    @Operation(operationId = "getWebhookSecret", summary = "The tenant's webhook signing secret (whsec_...), and the previous one during a rotation")
    public Uni<WebhookSecrets.Secrets> secret() {
        return secrets.get(tenant.id());
    }

    @POST
    @Path("/rotate")
    @Operation(operationId = "rotateWebhookSecret", summary = "Rotate the webhook secret; both are signed with until the previous one expires")
    public Uni<WebhookSecrets.Secrets> rotate() {
        return secrets.rotate(tenant.id());
    }
}
