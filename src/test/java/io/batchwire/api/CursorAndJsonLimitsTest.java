package io.batchwire.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorAndJsonLimitsTest {

    @Test
    void aCursorOnlyDecodesForItsOwnQuery() {
        String c = Cursor.encode(Cursor.newState("results:a").put("k", 42));
        assertThat(Cursor.decode(c, "results:a").path("k").asLong()).isEqualTo(42);
        assertThat(Cursor.decode(null, "results:a")).isNull();
        assertThatThrownBy(() -> Cursor.decode(c, "results:b")).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> Cursor.decode("%%%", "results:a")).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> Cursor.decode("W10", "results:a")).isInstanceOf(ProblemException.class); // "[]"
    }

    @Test
    void storableStringsHaveNoNulAndNoLoneSurrogate() {
        assertThat(JsonLimits.storable("plain")).isTrue();
        assertThat(JsonLimits.storable("emoji \uD83D\uDE00")).isTrue();
        assertThat(JsonLimits.storable("a\u0000b")).isFalse();
        assertThat(JsonLimits.storable("\uD800")).isFalse();
        assertThat(JsonLimits.storable("\uDC00x")).isFalse();
    }

    @Test
    void idsAreVersion7AndMalformedOnesAreNotFound() {
        var id = Ids.uuid7();
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThatThrownBy(() -> Ids.parse("nope", "job")).isInstanceOf(ProblemException.class);
    }
}
