package io.batchwire.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * What the annotations cannot say once for every operation of {@code /q/openapi}: the security schemes, the
 * problem+json answers every operation can give (401 without a key, 404 on a path with an id, 400 on bad input) and an
 * example for every JSON answer. The examples live in one file, {@code openapi/examples.json}: {@code schemas} by
 * component name (a list answer gets a list of one), {@code problems} by status code. OpenApiWireTest checks that
 * every answer has one and that each example conforms to its schema, as real answers must.
 */
public class OpenApiDocs implements OASFilter {

    static final String EXAMPLES = "openapi/examples.json";
    private static final String SCHEMA_REF = "#/components/schemas/";

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
            if (op.getResponses() != null && op.getResponses().getAPIResponses() != null) {
                op.getResponses().getAPIResponses().forEach(this::example);
            }
        }));
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
