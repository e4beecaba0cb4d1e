package io.batchwire.result.export;

import io.batchwire.api.Problem;
import io.batchwire.api.ProblemException;
import io.batchwire.job.ExportFormat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DownloadTokensTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final DownloadTokens tokens = new DownloadTokens(config("k".repeat(32)));
    private final DownloadGrant grant = new DownloadGrant(UUID.randomUUID(), UUID.randomUUID(), ExportFormat.CSV,
            NOW.plusSeconds(900));

    @Test
    void aSignedTokenGivesBackItsGrantUntilItExpires() {
        String token = tokens.sign(grant);

        assertThat(token).matches("[A-Za-z0-9_-]+");
        assertThat(tokens.verify(token, NOW)).isEqualTo(grant);
        assertThat(tokens.verify(token, NOW.plusSeconds(899))).isEqualTo(grant);
        for (ExportFormat f : ExportFormat.values()) {
            DownloadGrant g = new DownloadGrant(grant.jobId(), grant.tenantId(), f, grant.expiresAt());
            assertThat(tokens.verify(tokens.sign(g), NOW).format()).isEqualTo(f);
        }
    }

    @Test
    void anExpiredTokenIs410() {
        String token = tokens.sign(grant);

        assertProblem(() -> tokens.verify(token, NOW.plusSeconds(900)), 410, "download-link-expired");
        assertProblem(() -> tokens.verify(token, NOW.plus(Duration.ofDays(3))), 410, "download-link-expired");
    }

    @Test
    void everyChangedCharacterIs403() {
        String token = tokens.sign(grant);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            char other = alphabet.charAt((alphabet.indexOf(c) + 1) % alphabet.length());
            String tampered = token.substring(0, i) + other + token.substring(i + 1);
            assertProblem(() -> tokens.verify(tampered, NOW), 403, "download-link-invalid");
        }
    }

    @Test
    void aTamperedExpiredTokenIs403NotGone() {
        // the signature is checked before the expiry, so a forged token learns nothing from the answer
        String token = tokens.sign(grant);
        String tampered = token.substring(0, 10) + (token.charAt(10) == 'A' ? 'B' : 'A') + token.substring(11);

        assertProblem(() -> tokens.verify(tampered, NOW.plusSeconds(10_000)), 403, "download-link-invalid");
    }

    @Test
    void garbledTruncatedPaddedOrForeignTokensAre403() {
        // fixed ids: a random grant's token has no '-' or '_' about one time in 23, and then its standard-alphabet
        // spelling is the token itself
        DownloadGrant fixed = new DownloadGrant(UUID.fromString("6f1c2a4e-0b7d-4c53-9e21-7a5d3f8b9c10"),
                UUID.fromString("0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a"), ExportFormat.CSV, NOW.plusSeconds(900));
        String token = tokens.sign(fixed);
        String standardAlphabet = token.replace('-', '+').replace('_', '/');
        assertThat(standardAlphabet).as("the standard-alphabet spelling differs from the token").isNotEqualTo(token);
        DownloadTokens otherKey = new DownloadTokens(config("another-key-of-at-least-32-chars!!"));

        for (String bad : new String[] {"", "abc", "!!!!", token.substring(0, token.length() - 1), token + "A",
                token + "=", standardAlphabet, "x".repeat(5000), otherKey.sign(fixed),
                Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[74])}) {
            assertProblem(() -> tokens.verify(bad, NOW), 403, "download-link-invalid");
        }
        assertProblem(() -> tokens.verify(null, NOW), 403, "download-link-invalid");
    }

    @Test
    void aMissingOrShortKeyStopsStartUp() {
        assertThatThrownBy(() -> new DownloadTokens(config("k".repeat(31))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 32 characters");
        assertThatThrownBy(() -> new DownloadTokens(config("   " + "k".repeat(20) + "           ")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new DownloadTokens(config(null))).isInstanceOf(IllegalStateException.class);
    }

    private static void assertProblem(Runnable call, int status, String slug) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.toProblem().type()).isEqualTo(Problem.type(slug));
        });
    }

    static DownloadsConfig config(String key) {
        return new DownloadsConfig() {
            @Override
            public String signingKey() {
                return key;
            }

            @Override
            public Duration linkTtl() {
                return Duration.ofMinutes(15);
            }

            @Override
            public int pageSize() {
                return 200;
            }

            @Override
            public int pageBytes() {
                return 1 << 20;
            }

            @Override
            public int maxResultColumns() {
                return 500;
            }
        };
    }
}
