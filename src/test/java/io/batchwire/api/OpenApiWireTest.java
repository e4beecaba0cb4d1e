package io.batchwire.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwire.testing.Api;
import io.batchwire.testing.FakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served {@code /q/openapi} describes the wire: real answers of the running service (a job submitted, read, paged;
 * the admin API; collections and runs; the problem answers) are checked against the schemas the document declares for
 * that operation and status, key by key. Every JSON answer of every operation has an example, and the examples pass
 * the same check. Real bodies are written to target/openapi-wire/ for whoever updates the examples.
 */
@QuarkusTest
class OpenApiWireTest {

    private static SchemaCheck check;
    private final List<String> violations = new ArrayList<>();

    @BeforeEach
    void fetch() throws Exception {
        String doc = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        check = new SchemaCheck(SchemaCheck.JSON.readTree(doc));
        Files.createDirectories(Path.of("target", "openapi-wire"));
        Files.writeString(Path.of("target", "openapi-wire", "openapi.json"), doc);
    }

    /**
     * The one place that says which paths are a seed's dialect and how that seed names its fields. Batchwire's own API
     * (every other path) is snake_case; a dialect speaks its seed document's names: seed 002's task API is camelCase
     * ({@code taskId}, {@code idempotencyKey}), seeds 001 and 003 and the export dialect are snake_case. Whether a
     * dialect's schema names what its resource really sends is checked against real answers in
     * {@link #dialectAnswersConformToTheSchemaOfTheirOperationAndStatus}.
     */
    private static final Map<String, Naming> DIALECT_NAMING = Map.of(
            "/api/v1/async/", Naming.SNAKE,          // ApiOne, seed 001
            "/v1/tasks", Naming.CAMEL,               // task API, seed 002
            "/v1/async/collections", Naming.SNAKE,   // async collections, seed 003
            "/{path}/async/", Naming.SNAKE,          // exports
            "/v1/async_result/", Naming.SNAKE);

    enum Naming {
        SNAKE("[a-z][a-z0-9]*(_[a-z0-9]+)*"), CAMEL("[a-z][a-zA-Z0-9]*");

        final java.util.regex.Pattern pattern;

        Naming(String regex) {
            this.pattern = java.util.regex.Pattern.compile(regex);
        }
    }

    static Naming naming(String path) {
        return DIALECT_NAMING.entrySet().stream().filter(e -> path.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(Naming.SNAKE);
    }

    @Test
    void everyPropertyOfEverySchemaIsNamedAsItsApiNamesIt() {
        // which naming each schema must follow: that of every path whose operations reach it (request or answer)
        Map<String, java.util.Set<Naming>> rules = new java.util.TreeMap<>();
        check.doc().path("paths").fields().forEachRemaining(path -> {
            java.util.Set<String> reached = new java.util.TreeSet<>();
            refs(path.getValue(), reached);
            reached.forEach(schema -> rules.computeIfAbsent(schema, k -> java.util.EnumSet.noneOf(Naming.class))
                    .add(naming(path.getKey())));
        });
        List<String> wrong = new ArrayList<>();
        check.doc().path("components").path("schemas").fields().forEachRemaining(schema -> {
            java.util.Set<Naming> namings = rules.getOrDefault(schema.getKey(), java.util.EnumSet.of(Naming.SNAKE));
            schema.getValue().path("properties").fieldNames().forEachRemaining(name -> namings.forEach(naming -> {
                if (!naming.pattern.matcher(name).matches()) {
                    wrong.add(schema.getKey() + "." + name + " (not " + naming + ")");
                }
            }));
        });
        assertThat(wrong).as("properties not named as their API names them").isEmpty();
        JsonNode status = check.doc().at("/components/schemas/JobStatus/properties");
        assertThat(status.has("started_at")).isTrue();
        assertThat(status.has("startedAt")).isFalse();
        // the global snake_case strategy does not rename the task dialect's camelCase fields
        assertThat(rules.get("Task")).containsExactly(Naming.CAMEL);
        assertThat(check.doc().at("/components/schemas/Task/properties").has("taskId")).isTrue();
        assertThat(check.doc().at("/components/schemas/SubmitTaskRequest/properties").has("idempotencyKey")).isTrue();
        assertThat(check.doc().at("/components/schemas/SubmitTaskRequest/properties").has("idempotency_key")).isFalse();
    }

    /** Every schema {@code node} refers to, and every schema those refer to. */
    private static void refs(JsonNode node, java.util.Set<String> found) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.asText().startsWith("#/components/schemas/")) {
                String name = ref.asText().substring("#/components/schemas/".length());
                if (found.add(name)) {
                    refs(check.doc().path("components").path("schemas").path(name), found);
                }
            }
            node.elements().forEachRemaining(child -> refs(child, found));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> refs(child, found));
        }
    }

    @Test
    void realAnswersConformToTheSchemaOfTheirOperationAndStatus() throws Exception {
        Api api = Api.newTenant();
        Response submitted = exchange("post", "/v1/jobs", null, api.req().body(Map.of("type", "company",
                "metadata", Map.of("pipeline", "wire-test"),
                "records", List.of(Map.of("custom_id", "ok", "domain", "ok-wire.com"), Map.of("domain", "missing-wire.com")))));
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = submitted.path("id");
        api.awaitFinal(id, Duration.ofSeconds(60));
        exchange("get", "/v1/jobs/{id}", "/v1/jobs/" + id, api.req());
        exchange("get", "/v1/jobs", null, api.req().queryParam("limit", "5"));
        exchange("get", "/v1/jobs/{id}/results", "/v1/jobs/" + id + "/results", api.req());
        exchange("get", "/v1/jobs/{id}/results/{key}", "/v1/jobs/" + id + "/results/ok", api.req());
        exchange("get", "/v1/jobs/{id}/deliveries", "/v1/jobs/" + id + "/deliveries", api.req());
        exchange("get", "/v1/credits", null, api.req());
        exchange("get", "/v1/webhook-secret", null, api.req());
        assertThat(exchange("post", "/v1/jobs/{id}/cancel", "/v1/jobs/" + id + "/cancel", api.req()).statusCode()).isEqualTo(409);

        // the problem answers
        assertThat(exchange("get", "/v1/jobs/{id}", "/v1/jobs/" + UUID.randomUUID(), api.req()).statusCode()).isEqualTo(404);
        assertThat(exchange("post", "/v1/jobs", null, api.req().body(Map.of("type", "company", "records", List.of())))
                .statusCode()).isEqualTo(400);
        assertThat(exchange("get", "/v1/jobs", null, given().header("X-API-Key", "bw_wrong")).statusCode()).isEqualTo(401);
        assertThat(exchange("get", "/v1/jobs/{id}/results", "/v1/jobs/" + id + "/results",
                api.req().queryParam("cursor", "forged")).statusCode()).isEqualTo(400);

        // collections and runs
        Response collection = exchange("post", "/v1/collections", null, api.req().body(Map.of("name", "wire",
                "requests", List.of(Map.of("custom_id", "r1", "url", "http://127.0.0.1:" + FakeUpstream.get().port()
                        + "/anything/wire-" + UUID.randomUUID())))));
        assertThat(collection.statusCode()).isEqualTo(201);
        String cid = collection.path("id");
        exchange("get", "/v1/collections/{cid}", "/v1/collections/" + cid, api.req());
        exchange("get", "/v1/collections", null, api.req());
        Response run = exchange("post", "/v1/collections/{cid}/runs", "/v1/collections/" + cid + "/runs", api.req());
        assertThat(run.statusCode()).isEqualTo(202);
        String runId = run.path("run_id");
        exchange("get", "/v1/collections/{cid}/runs", "/v1/collections/" + cid + "/runs", api.req());
        exchange("get", "/v1/collections/{cid}/runs/{runId}", "/v1/collections/" + cid + "/runs/" + runId, api.req());
        exchange("get", "/v1/collections/{cid}/runs/{runId}/jobs", "/v1/collections/" + cid + "/runs/" + runId + "/jobs", api.req());

        // the admin API
        RequestSpecification admin = given().header("X-Admin-Key", Api.ADMIN_KEY).contentType(ContentType.JSON);
        Response tenant = exchange("post", "/admin/v1/tenants", null, given().header("X-Admin-Key", Api.ADMIN_KEY)
                .contentType(ContentType.JSON).body(Map.of("name", "wire-" + UUID.randomUUID())));
        assertThat(tenant.statusCode()).isEqualTo(201);
        String tenantId = tenant.path("id");
        exchange("get", "/admin/v1/tenants/{id}", "/admin/v1/tenants/" + tenantId, admin);
        exchange("post", "/admin/v1/tenants/{id}/keys", "/admin/v1/tenants/" + tenantId + "/keys", admin);
        exchange("post", "/admin/v1/tenants/{id}/credits", "/admin/v1/tenants/" + tenantId + "/credits",
                given().header("X-Admin-Key", Api.ADMIN_KEY).contentType(ContentType.JSON).body(Map.of("amount", 10, "note", "wire")));
        exchange("get", "/admin/v1/tenants/{id}/credits", "/admin/v1/tenants/" + tenantId + "/credits", given().header("X-Admin-Key", Api.ADMIN_KEY));
        exchange("get", "/admin/v1/tenants", null, given().header("X-Admin-Key", Api.ADMIN_KEY));
        exchange("get", "/admin/v1/plans", null, given().header("X-Admin-Key", Api.ADMIN_KEY));
        exchange("get", "/admin/v1/upstreams", null, given().header("X-Admin-Key", Api.ADMIN_KEY));
        exchange("get", "/admin/v1/replicas", null, given().header("X-Admin-Key", Api.ADMIN_KEY));
        exchange("get", "/admin/v1/audit", null, given().header("X-Admin-Key", Api.ADMIN_KEY));
        assertThat(exchange("get", "/admin/v1/plans", null, given().header("X-Admin-Key", "wrong")).statusCode()).isEqualTo(401);

        assertThat(violations).as("answers that do not match the served OpenAPI").isEmpty();
    }

    @Test
    void dialectAnswersConformToTheSchemaOfTheirOperationAndStatus() throws Exception {
        Api api = Api.newTenant();
        // ApiOne (seed 001)
        Response enriched = exchange("post", "/api/v1/async/enrich", null, api.req().body(Map.of("type", "company",
                "records", List.of(Map.of("domain", "ok-wire-apione.com"), Map.of("domain", "missing-wire-apione.com")))));
        assertThat(enriched.statusCode()).isEqualTo(202);
        String jobId = enriched.path("job_id");
        api.awaitFinal(jobId, Duration.ofSeconds(60));
        exchange("get", "/api/v1/async/status/{job_id}", "/api/v1/async/status/" + jobId, api.req());
        exchange("get", "/api/v1/async/results/{job_id}", "/api/v1/async/results/" + jobId, api.req());
        exchange("get", "/api/v1/async/limits", null, api.req());
        assertThat(exchange("post", "/api/v1/async/enrich", null, api.req().body(Map.of("type", "company",
                "records", List.of()))).statusCode()).isEqualTo(400);

        // the task API (seed 002, camelCase)
        Response task = exchange("post", "/v1/tasks", null, api.req().body(Map.of("type", "company",
                "input", Map.of("domain", "ok-wire-task.com"), "idempotencyKey", "wire-" + UUID.randomUUID())));
        assertThat(task.statusCode()).isEqualTo(202);
        String taskId = task.path("taskId");
        assertThat(taskId).isNotNull();
        api.awaitFinal(taskId, Duration.ofSeconds(60));
        Response done = exchange("get", "/v1/tasks/{taskId}", "/v1/tasks/" + taskId, api.req());
        assertThat(done.<String>path("completedAt")).isNotNull();
        assertThat(exchange("get", "/v1/tasks/{taskId}", "/v1/tasks/" + UUID.randomUUID(), api.req()).statusCode()).isEqualTo(404);

        // async collections (seed 003)
        Response created = exchange("post", "/v1/async/collections", null, api.req().body(Map.of("name", "wire-async",
                "requests", List.of(Map.of("custom_id", "r1", "url", "http://127.0.0.1:" + FakeUpstream.get().port()
                        + "/anything/wire-async-" + UUID.randomUUID())))));
        assertThat(created.statusCode()).isEqualTo(201);
        String cid = created.path("id");
        String base = "/v1/async/collections/" + cid;
        exchange("get", "/v1/async/collections/{collection_id}", base, api.req());
        Response run = exchange("post", "/v1/async/collections/{collection_id}/run", base + "/run", api.req());
        assertThat(run.statusCode()).isEqualTo(202);
        String runId = run.path("run_id");
        api.awaitFinal(runId, Duration.ofSeconds(60));
        exchange("get", "/v1/async/collections/{collection_id}/runs", base + "/runs", api.req());
        exchange("get", "/v1/async/collections/{collection_id}/runs/{run_id}", base + "/runs/" + runId, api.req());
        Response jobs = exchange("get", "/v1/async/collections/{collection_id}/runs/{run_id}/jobs", base + "/runs/" + runId + "/jobs", api.req());
        assertThat(jobs.<List<?>>path("items")).hasSize(1);
        exchange("get", "/v1/async/collections/{collection_id}/runs/{run_id}/jobs/{job_id}/result",
                base + "/runs/" + runId + "/jobs/0/result", api.req());

        // exports
        Response export = exchange("post", "/{path}/async/", "/api/v3/organizations/async/",
                api.req().queryParam("async_format", "jsonl").body(Map.of("rows", 3)));
        assertThat(export.statusCode()).isEqualTo(202);
        String exportId = export.path("id");
        api.awaitFinal(exportId, Duration.ofSeconds(60));
        exchange("get", "/v1/async_result/{id}/", "/v1/async_result/" + exportId + "/", api.req());
        // a generated client percent-encodes the slashes of {path}: that form is the same export
        Response encoded = exchange("post", "/{path}/async/", "/api%2Fv3%2Forganizations/async/",
                api.req().urlEncodingEnabled(false).body(Map.of("rows", 3)));
        assertThat(encoded.statusCode()).isEqualTo(202);
        assertThat(exchange("post", "/{path}/async/", "/api/v3/organizations/async/",
                api.req().queryParam("async_format", "parquet").body(Map.of("rows", 3))).statusCode()).isEqualTo(400);

        assertThat(violations).as("dialect answers that do not match the served OpenAPI").isEmpty();
    }

    @Test
    void everyOperationHasAUniqueIdAnErrorAnswerAndAnExampleConformingToItsSchemaForEveryJsonAnswer() {
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        java.util.Set<String> operationIds = new java.util.HashSet<>();
        check.doc().path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            String name = op.getKey().toUpperCase() + " " + path.getKey();
            boolean anError = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = op.getValue().path("responses").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> response = it.next();
                anError |= response.getKey().startsWith("4");
                for (Iterator<Map.Entry<String, JsonNode>> media = response.getValue().path("content").fields(); media.hasNext(); ) {
                    Map.Entry<String, JsonNode> type = media.next();
                    if (!type.getKey().contains("json")) {
                        continue;
                    }
                    JsonNode example = type.getValue().path("example");
                    if (example.isMissingNode()) {
                        missing.add(name + " " + response.getKey() + " " + type.getKey());
                    } else {
                        wrong.addAll(check.violations(example, type.getValue().path("schema"), name + " " + response.getKey() + " example"));
                    }
                }
            }
            if (!anError) {
                missing.add(name + ": no error answer declared");
            }
            String operationId = op.getValue().path("operationId").asText("");
            if (operationId.isEmpty() || !operationIds.add(operationId)) {
                missing.add(name + ": operationId missing or not unique (" + operationId + ")");
            }
        }));
        assertThat(missing).as("answers without an example").isEmpty();
        assertThat(wrong).as("examples that do not match their schema").isEmpty();
    }

    /** Sends, then checks the answer against the document's schema for {@code template}, method and status. */
    private Response exchange(String method, String template, String path, RequestSpecification request) throws Exception {
        Response r = request.request(method.toUpperCase(), path == null ? template : path);
        String where = method.toUpperCase() + " " + template + " " + r.statusCode();
        String type = r.contentType() == null ? "" : r.contentType().split(";")[0].trim();
        JsonNode body = r.asByteArray().length == 0 ? null : SchemaCheck.JSON.readTree(r.asByteArray());
        Path dir = Path.of("target", "openapi-wire");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve((method + template + "-" + r.statusCode()).replaceAll("[^A-Za-z0-9-]+", "_") + ".json"),
                body == null ? "" : body.toPrettyString());
        JsonNode operation = check.doc().path("paths").path(template).path(method);
        if (operation.isMissingNode()) {
            violations.add(where + ": no such operation in the document");
            return r;
        }
        if (!operation.path("responses").has(String.valueOf(r.statusCode()))) {
            violations.add(where + ": status not declared (declared: " + operation.path("responses").fieldNames().next() + "...)");
            return r;
        }
        if (body != null) {
            JsonNode schema = check.responseSchema(method, template, r.statusCode(), type);
            if (schema == null) {
                violations.add(where + ": no schema for " + type);
            } else {
                violations.addAll(check.violations(body, schema, where));
            }
        }
        return r;
    }
}
