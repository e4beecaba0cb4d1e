package io.batchwire.console;

import io.batchwire.delivery.SecretSealer;
import io.batchwire.delivery.SecretsConfig;
import jakarta.ws.rs.core.NewCookie;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain JUnit: the cookie attributes outside dev and test, and what a session seals and refuses. */
class ConsoleCookiesTest {

    @Test
    void outsideDevAndTestTheCookiesAreSecure() {
        ConsoleCookies cookies = new ConsoleCookies(config(true));
        for (NewCookie c : List.of(cookies.session("v"), cookies.login("t"), cookies.clearSession())) {
            assertThat(c.isSecure()).as(c.getName()).isTrue();
            assertThat(c.isHttpOnly()).isTrue();
            assertThat(c.getSameSite()).isEqualTo(NewCookie.SameSite.STRICT);
            assertThat(c.getPath()).isEqualTo("/console");
        }
        assertThat(cookies.session("v").getMaxAge()).isEqualTo(3600);
        assertThat(new ConsoleCookies(config(false)).session("v").isSecure()).isFalse();
    }

    @Test
    void aSessionOpensOnlyAsSealedUnexpiredAndUntouched() {
        SecretSealer sealer = new SecretSealer(new SecretsConfig() {
            public String key() {
                return "unit-test-secrets-key-not-a-secret-0000";
            }

            public Optional<List<String>> previousKeys() {
                return Optional.empty();
            }
        });
        Instant now = Instant.now();
        ConsoleSession admin = ConsoleSession.admin("the-admin-key", now.plusSeconds(60));
        String sealed = admin.seal(sealer);
        assertThat(sealed).doesNotContain("the-admin-key").doesNotContain(admin.csrf());
        assertThat(ConsoleSession.open(sealer, sealed, now)).contains(admin);
        assertThat(ConsoleSession.open(sealer, sealed, now.plusSeconds(61))).as("expired").isEmpty();
        assertThat(sealed).matches("[A-Za-z0-9_-]+");
        String plain = "c1|ADMIN|-|" + admin.keyProof() + "|x|" + now.plusSeconds(60).getEpochSecond();
        assertThat(ConsoleSession.open(sealer, java.util.Base64.getUrlEncoder().encodeToString(plain.getBytes()), now))
                .as("plain text is never a session").isEmpty();
        ConsoleSession tenant = ConsoleSession.tenant(UUID.randomUUID(), new byte[32], now.plusSeconds(60));
        assertThat(ConsoleSession.open(sealer, tenant.seal(sealer), now)).contains(tenant);
        assertThat(admin.csrfMatches(admin.csrf())).isTrue();
        assertThat(admin.csrfMatches(tenant.csrf())).isFalse();
        assertThat(admin.csrfMatches(null)).isFalse();
    }

    private static ConsoleConfig config(boolean secure) {
        return new ConsoleConfig() {
            public boolean enabled() {
                return true;
            }

            public Duration sessionTtl() {
                return Duration.ofHours(1);
            }

            public boolean secureCookie() {
                return secure;
            }

            public Duration liveInterval() {
                return Duration.ofSeconds(1);
            }

            public Duration liveMaxDuration() {
                return Duration.ofMinutes(1);
            }

            public int liveMaxStreams() {
                return 1;
            }

            public int liveMaxJobs() {
                return 1;
            }

            public int pageSize() {
                return 25;
            }
        };
    }
}
