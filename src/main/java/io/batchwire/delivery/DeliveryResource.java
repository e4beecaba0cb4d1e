package io.batchwire.delivery;

import io.batchwire.api.Ids;
import io.batchwire.api.ProblemException;
import io.batchwire.job.JobService;
import io.batchwire.tenant.CurrentTenant;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

@Tag(name = "Webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Path("/v1/jobs/{id}/deliveries")
public class DeliveryResource {

    private final JobService jobs;
    private final DeliveryStore deliveries;
    private final CurrentTenant tenant;

    public DeliveryResource(JobService jobs, DeliveryStore deliveries, CurrentTenant tenant) {
        this.jobs = jobs;
        this.deliveries = deliveries;
        this.tenant = tenant;
    }

    public record DeliveryList(List<DeliveryView> items) {
    }

    @GET
    @Operation(operationId = "listDeliveries", summary = "A job's webhook, event and result-push deliveries, with every attempt")
    public Uni<DeliveryList> list(@PathParam("id") String id) {
        UUID jobId = Ids.parse(id, "job");
        return jobs.requireOwned(tenant.id(), jobId).chain(() -> deliveries.list(jobId)).map(DeliveryList::new);
    }

    @POST
    @Path("/{delivery_id}/redeliver")
    @Operation(operationId = "redeliver", summary = "Send a webhook or result push once more (same message id and body)")
    @APIResponse(responseCode = "202", description = "Scheduled once more")
    public Uni<Response> redeliver(@PathParam("id") String id, @PathParam("delivery_id") String deliveryId) {
        UUID jobId = Ids.parse(id, "job");
        UUID delivery = Ids.parse(deliveryId, "delivery");
        return jobs.requireOwned(tenant.id(), jobId)
                .chain(() -> deliveries.redeliver(jobId, delivery))
                .map(ok -> {
                    if (!ok) {
                        throw ProblemException.notFound("delivery " + deliveryId + " (or it is being sent right now)");
                    }
                    return Response.accepted().build();
                });
    }
}
