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
    @Operation(summary = "Submit a task", description = "Answers {taskId, status}. Credits are checked (402) and the queue "
            + "limit (100,000 waiting tasks by default, the plan's queued records) applies (429 with Retry-After). "
            + "idempotencyKey in the body means what the Idempotency-Key header means.")
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
    @Operation(summary = "A task's status and, once done, its full result")
    public Uni<ObjectNode> get(@PathParam("taskId") String taskId) {
        Dialects.require(config.tasks().enabled(), "tasks");
        return tasks.get(tenant.id(), Ids.parse(taskId, "task"));
    }
}
