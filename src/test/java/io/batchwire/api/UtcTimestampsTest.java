package io.batchwire.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Timestamps written and read by hand are the text Jackson's Java-time module writes and reads, value for value:
 * checked against a mapper without {@link UtcTimestamps} over a seeded sample of instants (whole seconds, millis,
 * micros, nanos), and over the shapes left to Jackson (other offsets, years past 9999, numbers, other ISO forms,
 * impossible dates). The service's own mapper has the module.
 */
@QuarkusTest
class UtcTimestampsTest {

    /** What Quarkus configures, without the module: the reference. */
    private static final ObjectMapper JACKSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final ObjectMapper BY_HAND = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(UtcTimestamps.module()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Inject
    ObjectMapper service;

    private record Stamps(Instant instant, OffsetDateTime offset) {
    }

    @Test
    void aSampleOfInstantsIsWrittenAndReadAsJacksonDoes() throws Exception {
        Random random = new Random(17);
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        int handWritten = 0;
        for (int i = 0; i < 20_000; i++) {
            long second = i % 100 == 0 ? (i % 200 == 0 ? 0 : last) : (long) (random.nextDouble() * last);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(second, nanos);
            Stamps stamps = new Stamps(t, t.atOffset(ZoneOffset.UTC));
            String expected = JACKSON.writeValueAsString(stamps);
            assertThat(BY_HAND.writeValueAsString(stamps)).as("%s", t).isEqualTo(expected);
            String text = JACKSON.writeValueAsString(t);
            assertThat(BY_HAND.readValue(text, Instant.class)).as(text).isEqualTo(t).isEqualTo(JACKSON.readValue(text, Instant.class));
            char[] chars = text.substring(1, text.length() - 1).toCharArray();
            if (UtcTimestamps.parseInstant(chars, 0, chars.length) != null) {
                handWritten++;
            }
        }
        assertThat(handWritten).as("every sampled text is read by hand").isEqualTo(20_000);
    }

    @Test
    void whatIsNotAUtcInstantOfTheseYearsIsJacksonsToWrite() throws Exception {
        List<Object> values = List.of(
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:59.5Z"),
                Instant.parse("0001-01-01T00:00:00Z"),
                OffsetDateTime.parse("2026-12-02T05:09:46.31+02:00"), OffsetDateTime.parse("+12026-01-01T00:00Z"),
                OffsetDateTime.parse("2026-12-02T05:09:46Z"), OffsetDateTime.parse("2026-12-02T05:09:00.000100Z"));
        for (Object v : values) {
            assertThat(BY_HAND.writeValueAsString(v)).as("%s", v).isEqualTo(JACKSON.writeValueAsString(v));
        }
        assertThat(UtcTimestamps.formatInstant(Instant.parse("1969-12-31T23:59:59Z"), new char[30])).isEqualTo(-1);
        assertThat(UtcTimestamps.formatOffsetDateTime(OffsetDateTime.parse("2026-01-01T00:00+01:00"), new char[30]))
                .isEqualTo(-1);
        ObjectMapper numbers = BY_HAND.copy().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Stamps stamps = new Stamps(Instant.ofEpochSecond(1_764_650_000L, 123_000_000),
                OffsetDateTime.parse("2026-12-02T05:09:46.123Z"));
        assertThat(numbers.writeValueAsString(stamps))
                .isEqualTo(JACKSON.copy().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(stamps))
                .doesNotContain("\"2026");
    }

    @Test
    void textsNotInTheCanonicalShapeAreReadOrRefusedAsJacksonDoes() {
        List<String> texts = new ArrayList<>(List.of(
                "\"2026-12-02t05:09:46z\"", "\"2026-12-02T05:09:46.1234567891Z\"", "\"2026-12-02T05:09:46.Z\"",
                "\"2026-12-02T05:09:46+00:00\"", "\"2026-12-02T05:09:46.5+01:00\"", "\"2026-02-30T00:00:00Z\"",
                "\"2026-13-01T00:00:00Z\"", "\"2026-12-02T24:00:00Z\"", "\"2026-12-02T23:59:60Z\"",
                "\"2026-12-0xT05:09:46Z\"", "\"+12026-01-01T00:00:00Z\"", "\"1764650000.5\"", "1764650000.5",
                "1764650000", "\"\"", "\" 2026-12-02T05:09:46Z \"", "\"2026-12-02T05:09Z\"", "null"));
        for (String text : texts) {
            Object expected = outcome(JACKSON, text);
            Object got = outcome(BY_HAND, text);
            assertThat(got).as(text).isEqualTo(expected);
        }
        char[] odd = "x2026-12-02T05:09:46.000000001Zy".toCharArray();
        assertThat(UtcTimestamps.parseInstant(odd, 1, odd.length - 2)).isEqualTo(Instant.parse("2026-12-02T05:09:46.000000001Z"));
    }

    /** What reading {@code text} as an Instant gives: the value, or the class of the failure. */
    private static Object outcome(ObjectMapper mapper, String text) {
        Throwable[] failed = new Throwable[1];
        Object[] value = new Object[1];
        failed[0] = catchThrowable(() -> value[0] = mapper.readValue(text, Instant.class));
        return failed[0] != null ? failed[0].getClass() : value[0] == null ? "null" : value[0];
    }

    @Test
    void theServicesMapperWritesAndReadsThemByHand() throws Exception {
        Instant t = Instant.parse("2026-12-02T05:09:46.317100Z");
        assertThat(service.writeValueAsString(new Stamps(t, t.atOffset(ZoneOffset.UTC))))
                .isEqualTo("{\"instant\":\"2026-12-02T05:09:46.317100Z\",\"offset\":\"2026-12-02T05:09:46.3171Z\"}");
        assertThat(service.getSerializerProviderInstance().findValueSerializer(Instant.class))
                .isInstanceOf(UtcTimestamps.InstantText.class);
        assertThat(service.getSerializerProviderInstance().findValueSerializer(OffsetDateTime.class))
                .isInstanceOf(UtcTimestamps.OffsetDateTimeText.class);
        assertThat(service.readValue("\"2026-12-02T05:09:46.3171Z\"", Instant.class)).isEqualTo(t);
    }
}
