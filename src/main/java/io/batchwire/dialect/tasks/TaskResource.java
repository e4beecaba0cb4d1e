package io.batchwire.dialect.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.Ids;
import io.batchwire.dialect.Dialects;
import io.batchwire.dialect.DialectsConfig;
import io.batchwire.tenant.CurrentTenant;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.batchwire.api.Problem;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

/** The async task API (seed 002). */
@Path("/v1/tasks")
@Tag(name = "Dialect: tasks")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {

    private final TaskService tasks;
    private final CurrentTenant tenant;
    private final DialectsConfig config;

    public TaskResource(TaskService tasks, CurrentTenant tenant, DialectsConfig config) {
        this.tasks = tasks;
        this.tenant = tenant;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "submitTask", summary = "Submit a task", description = "Answers {taskId, status}. Credits are checked (402) and the queue "
            + "limit (100,000 waiting tasks by default, the plan's queued records) applies (429 with Retry-After). "
            + "idempotencyKey in the body means what the Idempotency-Key header means.")
    @APIResponse(responseCode = "202", description = "Accepted; Location is the task", content = @Content(mediaType = "application/json", schema = @Schema(implementation = TaskBodies.Accepted.class)))
    @APIResponse(responseCode = "402", description = "A metered plan's credits do not cover the job", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The same Idempotency-Key is still in flight (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "More records than the plan allows, or a body over the size limit", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another body", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Over the queued-record limit (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> submit(SubmitTaskRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        Dialects.require(config.tasks().enabled(), "tasks");
        return tasks.submit(tenant.id(), request, idempotencyKey).map(s -> {
            Response.ResponseBuilder r = Response.accepted(s.body()).location(URI.create(s.link()));
            if (s.replayed()) {
                r.header("Idempotent-Replayed", "true");
            }
            s.headers().forEach(r::header);
            return r.build();
        });
    }

    @GET
    @Path("/{taskId}")
    @Operation(operationId = "getTask", summary = "A task's status and, once done, its full result")
    @APIResponse(responseCode = "200", description = "The task", content = @Content(mediaType = "application/json", schema = @Schema(implementation = TaskBodies.Task.class)))
    public Uni<ObjectNode> get(@PathParam("taskId") String taskId) {
        Dialects.require(config.tasks().enabled(), "tasks");
        return tasks.get(tenant.id(), Ids.parse(taskId, "task"));
    }
}
