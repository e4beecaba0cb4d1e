package io.batchwire.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import com.fasterxml.jackson.datatype.jsr310.ser.OffsetDateTimeSerializer;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * UTC timestamps in JSON, written and read by hand: the text Jackson's Java-time module writes, byte for byte
 * ({@link java.time.format.DateTimeFormatter#ISO_INSTANT} for an {@link Instant}: fractions in groups of three
 * digits; {@link java.time.format.DateTimeFormatter#ISO_OFFSET_DATE_TIME} for an {@link OffsetDateTime} at UTC, the
 * way the database's {@code timestamptz} columns come back: trailing zeros of the fraction dropped), without going
 * through {@code DateTimeFormatter}. Every record's outcome message carries one and every result item two, and the
 * formatter's printing and parsing were 4 % of the service's CPU in the benchmark, its parser one of the JIT's largest
 * compilations (issue 17). Anything else (another offset, a year past 9999, timestamps written as numbers, a string
 * in another ISO shape) goes to Jackson's own serializer or deserializer, unchanged.
 */
@Singleton
public class UtcTimestamps implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(module());
    }

    /** Last, after Quarkus registers the Java-time module: the module registered last wins. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    /** The module: registered after Jackson's Java-time module, so its (de)serializers win for these types. */
    public static SimpleModule module() {
        SimpleModule m = new SimpleModule("batchwire-utc-timestamps");
        m.addSerializer(Instant.class, new InstantText());
        m.addSerializer(OffsetDateTime.class, new OffsetDateTimeText());
        m.addDeserializer(Instant.class, new InstantReader());
        return m;
    }

    /** The largest epoch second written by hand: 9999-12-31T23:59:59Z (later years are signed, five digits or more). */
    private static final long LAST_SECOND = 253_402_300_799L;

    /** The longest text: {@code 9999-12-31T23:59:59.123456789Z}. */
    private static final int MAX_CHARS = 30;

    /**
     * Writes {@code t} as ISO_INSTANT does into {@code out}, returning the length; -1 if the instant is outside the
     * years 1970-9999 (then the formatter writes it).
     */
    static int formatInstant(Instant t, char[] out) {
        long seconds = t.getEpochSecond();
        if (seconds < 0 || seconds > LAST_SECOND) {
            return -1;
        }
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        LocalDate date = LocalDate.ofEpochDay(days);
        int n = dateTime(out, date.getYear(), date.getMonthValue(), date.getDayOfMonth(), secondOfDay / 3600,
                secondOfDay / 60 % 60, secondOfDay % 60);
        int nanos = t.getNano();
        if (nanos != 0) {
            // zero, three, six or nine digits, as many as the value needs
            int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
            n = fraction(out, n, nanos, digits);
        }
        out[n++] = 'Z';
        return n;
    }

    /**
     * Writes {@code t} as ISO_OFFSET_DATE_TIME does into {@code out}, returning the length; -1 unless its offset is
     * UTC and its year within 0-9999.
     */
    static int formatOffsetDateTime(OffsetDateTime t, char[] out) {
        int year = t.getYear();
        if (!ZoneOffset.UTC.equals(t.getOffset()) || year < 0 || year > 9999) {
            return -1;
        }
        int n = dateTime(out, year, t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
        int nanos = t.getNano();
        if (nanos != 0) {
            // as few digits as the value needs: trailing zeros dropped
            int digits = 9;
            int v = nanos;
            while (v % 10 == 0) {
                v /= 10;
                digits--;
            }
            n = fraction(out, n, nanos, digits);
        }
        out[n++] = 'Z';
        return n;
    }

    private static int dateTime(char[] out, int year, int month, int day, int hour, int minute, int second) {
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, hour, 2);
        out[13] = ':';
        digits(out, 14, minute, 2);
        out[16] = ':';
        digits(out, 17, second, 2);
        return 19;
    }

    /** A point and the first {@code digits} of the nine digits of {@code nanos}. */
    private static int fraction(char[] out, int at, int nanos, int digits) {
        out[at] = '.';
        int v = nanos;
        for (int i = 9; i > digits; i--) {
            v /= 10;
        }
        digits(out, at + 1, v, digits);
        return at + 1 + digits;
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * Reads {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (what {@link #formatInstant} and ISO_INSTANT write) from
     * {@code text[from, from + len)}; null for any other text, left to Jackson's deserializer.
     */
    static Instant parseInstant(char[] text, int from, int len) {
        if (len < 20 || len > MAX_CHARS || text[from + len - 1] != 'Z' || text[from + 4] != '-' || text[from + 7] != '-'
                || text[from + 10] != 'T' || text[from + 13] != ':' || text[from + 16] != ':') {
            return null;
        }
        int year = number(text, from, 4);
        int month = number(text, from + 5, 2);
        int day = number(text, from + 8, 2);
        int hour = number(text, from + 11, 2);
        int minute = number(text, from + 14, 2);
        int second = number(text, from + 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int nanos = 0;
        int end = from + len - 1; // the Z
        int at = from + 19;
        if (at < end) {
            int digits = end - at - 1;
            if (text[at] != '.' || digits < 1 || digits > 9) {
                return null;
            }
            nanos = number(text, at + 1, digits);
            if (nanos < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        long days;
        try {
            days = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null; // no such day: the deserializer says so
        }
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal number of {@code width} ASCII digits at {@code at}; -1 if one is not a digit. */
    private static int number(char[] text, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
            int d = text[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** How a value is written by hand into a buffer: its length, or -1 for what Jackson's serializer must write. */
    private interface Format<T> {
        int write(T value, char[] out);
    }

    /**
     * A value written by hand as a JSON string, or by Jackson's serializer {@code jackson} when timestamps are to be
     * numbers or {@code format} does not take the value.
     */
    private abstract static class ByHand<T> extends StdScalarSerializer<T> {
        private final Format<T> format;
        private final JsonSerializer<T> jackson;

        ByHand(Class<T> type, Format<T> format, JsonSerializer<T> jackson) {
            super(type);
            this.format = format;
            this.jackson = jackson;
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (!provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
                char[] out = new char[MAX_CHARS];
                int n = format.write(value, out);
                if (n >= 0) {
                    gen.writeString(out, 0, n);
                    return;
                }
            }
            jackson.serialize(value, gen, provider);
        }
    }

    static final class InstantText extends ByHand<Instant> {
        InstantText() {
            super(Instant.class, UtcTimestamps::formatInstant, InstantSerializer.INSTANCE);
        }
    }

    static final class OffsetDateTimeText extends ByHand<OffsetDateTime> {
        OffsetDateTimeText() {
            super(OffsetDateTime.class, UtcTimestamps::formatOffsetDateTime, OffsetDateTimeSerializer.INSTANCE);
        }
    }

    static final class InstantReader extends StdScalarDeserializer<Instant> {
        InstantReader() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                Instant t = parseInstant(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                if (t != null) {
                    return t;
                }
            }
            return InstantDeserializer.INSTANT.deserialize(p, ctxt);
        }
    }
}
