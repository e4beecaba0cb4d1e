package io.batchwire.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a request body that is not valid UTF-8, of any kind (overlong forms, surrogates, truncated or stray bytes),
 * with a 400 problem before anything parses it: a lenient decoder would read {@code C0 AF} as {@code /}, and two
 * readers of one body must never disagree. The body is already bounded ({@code max-body-size}) and in memory.
 */
@Provider
public class StrictUtf8 implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext ctx) throws IOException, WebApplicationException {
        byte[] body = ctx.getInputStream().readAllBytes();
        if (!valid(body)) {
            throw ProblemException.validation(null, "the request body is not valid UTF-8");
        }
        ctx.setInputStream(new ByteArrayInputStream(body));
        return ctx.proceed();
    }

    /** Whether {@code body} is well-formed UTF-8. ASCII, the common body, is every byte below 0x80 and needs no decoder. */
    static boolean valid(byte[] body) {
        int i = 0;
        while (i < body.length && body[i] >= 0) {
            i++;
        }
        if (i == body.length) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body, i, body.length - i));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
