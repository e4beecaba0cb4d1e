package io.batchwire.delivery;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretSealerTest {

    private static final String KEY_A = "q0Vx3y9nY2oC8mCkQ4X6l5r8V5bq0Wm1n2o3p4q5r6s=";
    private static final String KEY_B = "another key that is long enough to be hashed into one";

    private static SecretSealer sealer(String key, String... previous) {
        return new SecretSealer(new SecretsConfig() {
            public String key() {
                return key;
            }

            public Optional<List<String>> previousKeys() {
                return previous.length == 0 ? Optional.empty() : Optional.of(List.of(previous));
            }
        });
    }

    @Test
    void aSealedSecretOpensAndShowsNothingOfItself() {
        SecretSealer s = sealer(KEY_A);
        String sealed = s.seal("whsec_abc");
        assertThat(sealed).startsWith("sealed:v1:").doesNotContain("whsec").doesNotContain("abc");
        assertThat(s.open(sealed)).isEqualTo("whsec_abc");
        assertThat(s.seal("whsec_abc")).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(s.needsResealing(sealed)).isFalse();
        assertThat(s.open("whsec_legacy")).as("a value stored before sealing").isEqualTo("whsec_legacy");
        assertThat(s.needsResealing("whsec_legacy")).isTrue();
    }

    @Test
    void aTamperedValueOrAnUnknownKeyDoesNotOpen() {
        SecretSealer s = sealer(KEY_A);
        String sealed = s.seal("whsec_abc");
        // Flip one bit of every byte of nonce, ciphertext and tag in turn: editing a base64 character instead may
        // touch only its padding bits, which decode to the same bytes.
        int cut = sealed.lastIndexOf(':') + 1;
        byte[] raw = Base64.getDecoder().decode(sealed.substring(cut));
        for (int i = 0; i < raw.length; i++) {
            byte[] bent = raw.clone();
            bent[i] ^= 0x01;
            String tampered = sealed.substring(0, cut) + Base64.getEncoder().encodeToString(bent);
            assertThatThrownBy(() -> s.open(tampered)).as("byte %d flipped", i).isInstanceOf(IllegalStateException.class);
        }
        String otherId = sealed.replace(sealed.substring(10, cut - 1), "00000000");
        assertThatThrownBy(() -> s.open(otherId)).hasMessageContaining("does not have");
        assertThatThrownBy(() -> sealer(KEY_B).open(sealed)).hasMessageContaining("does not have");
        assertThatThrownBy(() -> sealer("short")).hasMessageContaining("32");
    }

    @Test
    void aRotationOpensOldValuesAndSealsThemAnew() {
        String old = sealer(KEY_A).seal("whsec_abc");
        SecretSealer rotated = sealer(KEY_B, KEY_A);
        assertThat(rotated.open(old)).isEqualTo("whsec_abc");
        assertThat(rotated.needsResealing(old)).isTrue();
        String anew = rotated.seal(rotated.open(old));
        assertThat(rotated.needsResealing(anew)).isFalse();
        assertThat(sealer(KEY_B).open(anew)).isEqualTo("whsec_abc");
    }
}
