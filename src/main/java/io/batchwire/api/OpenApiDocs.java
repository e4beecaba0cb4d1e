package io.batchwire.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the annotations cannot say once for every operation of {@code /q/openapi}: the security schemes, the
 * problem+json answers every operation can give (401 without a key, 404 on a path with an id, 400 on bad input, 408
 * on a body too slow to arrive) and an example for every JSON answer. The examples live in one file,
 * {@code openapi/examples.json}: {@code schemas} by component name (a list answer gets a list of one), {@code problems}
 * by status code. OpenApiWireTest checks that
 * every answer has one and that each example conforms to its schema, as real answers must.
 */
public class OpenApiDocs implements OASFilter {

    static final String EXAMPLES = "openapi/examples.json";
    private static final String SCHEMA_REF = "#/components/schemas/";
    private static final String SLASH = "{slash}";

    private final Map<String, Object> schemaExamples;
    private final Map<String, Object> problemExamples;

    @SuppressWarnings("unchecked")
    public OpenApiDocs() {
        Map<String, Object> all = load();
        this.schemaExamples = (Map<String, Object>) all.getOrDefault("schemas", Map.of());
        this.problemExamples = (Map<String, Object>) all.getOrDefault("problems", Map.of());
    }

    @Override
    public void filterOpenAPI(OpenAPI api) {
        Components components = api.getComponents() == null ? OASFactory.createComponents() : api.getComponents();
        api.setComponents(components);
        components.addSecurityScheme("apiKey", OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name("X-API-Key").description("The tenant's API key"));
        components.addSecurityScheme("bearer", OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").description("The tenant's API key as a bearer token"));
        components.addSecurityScheme("adminKey", OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name("X-Admin-Key").description("The operator's admin key"));
        if (api.getPaths() == null || api.getPaths().getPathItems() == null) {
            return;
        }
        canonicalTrailingSlash(api.getPaths());
        api.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, op) -> {
            boolean signedLink = path.startsWith("/v1/downloads/");
            if (signedLink) {
                op.setSecurity(List.of());
                problem(op, "403", "The link was tampered with");
                problem(op, "410", "The link expired, or the job's results are gone");
            } else if (path.startsWith("/admin/")) {
                op.setSecurity(List.of(requirement("adminKey")));
                problem(op, "401", "No admin key, or a wrong one");
            } else {
                op.setSecurity(List.of(requirement("apiKey"), requirement("bearer")));
                problem(op, "401", "No API key, or an unknown or revoked one");
            }
            if (path.contains("{")) {
                problem(op, "404", "Not found (another tenant's resource is not found either)");
            }
            if (op.getRequestBody() != null || (op.getParameters() != null && !op.getParameters().isEmpty())) {
                problem(op, "400", "Invalid input: the problem names the field");
            }
            if (op.getRequestBody() != null) {
                // BodyLimit's deadline holds for every request body
                problem(op, "408", "The body did not arrive whole within batchwire.http.body-timeout of its headers");
            }
            if (op.getResponses() != null && op.getResponses().getAPIResponses() != null) {
                op.getResponses().getAPIResponses().forEach(this::example);
            }
        }));
    }

    /**
     * The export resource matches {@code {slash: /?}}, an optional trailing slash, which OpenAPI cannot express (a path
     * parameter is required and may not be empty): such a path is documented in its canonical form, with the slash,
     * as the service writes its links ({@code /v1/async_result/{id}/}). Its {@code {path: .+}} parameter is the sync
     * endpoint's path, which may hold slashes: it is documented as a path parameter saying so.
     */
    private static void canonicalTrailingSlash(Paths paths) {
        Map<String, PathItem> renamed = new LinkedHashMap<>();
        for (Map.Entry<String, PathItem> entry : new ArrayList<>(paths.getPathItems().entrySet())) {
            if (entry.getKey().endsWith(SLASH)) {
                paths.removePathItem(entry.getKey());
                renamed.put(entry.getKey().substring(0, entry.getKey().length() - SLASH.length()) + "/", entry.getValue());
            }
        }
        renamed.forEach((path, item) -> {
            item.getOperations().values().forEach(op -> {
                if (op.getParameters() == null) {
                    return;
                }
                List<Parameter> kept = new ArrayList<>(op.getParameters());
                kept.removeIf(p -> "slash".equals(p.getName()));
                op.setParameters(kept);
                kept.stream()
                        .filter(p -> "path".equals(p.getName()) && p.getIn() == Parameter.In.PATH && p.getDescription() == null)
                        .forEach(p -> p.setDescription("The sync endpoint's path without its leading slash, as configured "
                                + "for an export upstream, e.g. api/v3/organizations (its slashes are part of the path)"));
            });
            paths.addPathItem(path, item);
        });
    }

    private static SecurityRequirement requirement(String scheme) {
        return OASFactory.createSecurityRequirement().addScheme(scheme);
    }

    private void problem(Operation op, String status, String description) {
        if (op.getResponses() == null) {
            op.setResponses(OASFactory.createAPIResponses());
        }
        APIResponse existing = op.getResponses().getAPIResponse(status);
        if (existing != null && existing.getContent() != null && existing.getContent().getMediaType(Problem.MEDIA_TYPE) != null) {
            return;
        }
        APIResponse response = existing != null ? existing : OASFactory.createAPIResponse().description(description);
        response.content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(SCHEMA_REF + "Problem"))));
        op.getResponses().addAPIResponse(status, response);
    }

    private void example(String status, APIResponse response) {
        if (response.getContent() == null || response.getContent().getMediaTypes() == null) {
            return;
        }
        response.getContent().getMediaTypes().forEach((type, media) -> {
            if (media.getExample() != null || (media.getExamples() != null && !media.getExamples().isEmpty())) {
                return;
            }
            Object example = Problem.MEDIA_TYPE.equals(type) ? problemExamples.get(status) : forSchema(media);
            if (example != null) {
                media.setExample(example);
            }
        });
    }

    private Object forSchema(MediaType media) {
        Schema schema = media.getSchema();
        if (schema == null) {
            return null;
        }
        if (schema.getRef() != null) {
            return schemaExamples.get(name(schema.getRef()));
        }
        if (schema.getItems() != null && schema.getItems().getRef() != null) {
            Object item = schemaExamples.get(name(schema.getItems().getRef()));
            return item == null ? null : List.of(item);
        }
        return null;
    }

    private static String name(String ref) {
        return ref.startsWith(SCHEMA_REF) ? ref.substring(SCHEMA_REF.length()) : ref;
    }

    private static Map<String, Object> load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = OpenApiDocs.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(EXAMPLES)) {
            if (in == null) {
                throw new IllegalStateException(EXAMPLES + " is not on the class path");
            }
            return new ObjectMapper().readValue(in, new TypeReference<Map<String, Object>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + EXAMPLES, e);
        }
    }
}
