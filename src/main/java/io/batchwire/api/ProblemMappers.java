package io.batchwire.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** One mapper per exception type; every error leaves as problem+json, never with class names or stack traces. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder r = Response.status(e.status()).type(Problem.MEDIA_TYPE).entity(e.toProblem());
        e.headers().forEach(r::header);
        return r.build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonParseException e) {
        return respond(400, "malformed-json", "Malformed JSON",
                "request body is not valid JSON: " + e.getOriginalMessage(), null);
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        String field = path(e);
        return respond(400, "validation-error", "Invalid request", "unknown field '" + field + "'", field);
    }

    @ServerExceptionMapper
    public Response wrongFormat(InvalidFormatException e) {
        String field = path(e);
        return respond(400, "validation-error", "Invalid request",
                "field '" + field + "' has a value of the wrong type or format", field);
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        if (e.getCause() instanceof JsonParseException parse) {
            return malformedJson(parse);
        }
        String field = path(e);
        String detail = field.isEmpty() ? "request body does not have the expected shape (a JSON object)"
                : "field '" + field + "' has a value of the wrong type";
        return respond(400, "validation-error", "Invalid request", detail, field.isEmpty() ? null : field);
    }

    @ServerExceptionMapper
    public Response mapping(JsonMappingException e) {
        if (e.getCause() instanceof JsonParseException parse) {
            // the body broke off or went bad inside a value the reader was binding
            return malformedJson(parse);
        }
        String field = path(e);
        return respond(400, "validation-error", "Invalid request",
                "request body could not be read" + (field.isEmpty() ? "" : " at '" + field + "'"), field.isEmpty() ? null : field);
    }

    @ServerExceptionMapper
    public Response unsupportedMediaType(NotSupportedException e) {
        return respond(415, "unsupported-media-type", "Unsupported media type",
                "send the request body as application/json", null);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return respond(404, "not-found", "Not found", "no such resource", null);
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        return respond(405, "method-not-allowed", "Method not allowed",
                "this resource does not answer that method", null);
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return respond(406, "not-acceptable", "Not acceptable", "this resource answers application/json", null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        // the JSON reader wraps what went wrong while reading a body
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof JsonParseException parse) {
                return malformedJson(parse);
            }
            if (c instanceof com.fasterxml.jackson.core.JsonProcessingException p && !(c instanceof JsonMappingException)) {
                // e.g. a limit of JsonLimits: too deep, too long a string or number
                return respond(400, "malformed-json", "Malformed JSON",
                        "request body was refused while reading: " + p.getOriginalMessage(), null);
            }
            if (c instanceof UnrecognizedPropertyException unknown) {
                return unknownField(unknown);
            }
            if (c instanceof InvalidFormatException format) {
                return wrongFormat(format);
            }
            if (c instanceof MismatchedInputException mismatched) {
                return mismatched(mismatched);
            }
            if (c instanceof JsonMappingException mapping) {
                return mapping(mapping);
            }
        }
        if (e.getResponse().getStatus() == 400) {
            LOG.debugf(e, "400 from the framework");
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        String reason = Response.Status.fromStatusCode(status) == null ? "Client error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        return respond(status, "http-" + status, reason, reason, null);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s", id);
        return Response.status(500).type(Problem.MEDIA_TYPE)
                .entity(new Problem(Problem.type("internal-error"), "Internal error", 500,
                        "the server could not complete the request; reference " + id, null, null, Map.of("reference", id)))
                .build();
    }

    private static Response respond(int status, String slug, String title, String detail, String field) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(Problem.type(slug), title, status, detail, field, null, null)).build();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}
