package io.batchwire.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;

/**
 * Writes a link field absolute ({@link PublicUrl}): put {@code @JsonSerialize(using = AbsoluteLink.class)} on every
 * {@code link}, {@code results_link}, {@code download_link}, ... so that views keep their paths and the wire gets URLs.
 */
public class AbsoluteLink extends StdSerializer<String> {

    public AbsoluteLink() {
        super(String.class);
    }

    @Override
    public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeString(PublicUrl.absoluteStatic(value));
    }
}
