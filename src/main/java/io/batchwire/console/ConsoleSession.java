package io.batchwire.console;

import io.batchwire.delivery.SecretSealer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * A console login, kept in the browser as a cookie sealed by {@link SecretSealer} (AES-GCM under the secrets key:
 * neither readable nor forgeable without it). It never holds a key: an operator's session holds a fingerprint of the
 * admin key it was opened with (changing the admin key ends every such session); a tenant's holds the tenant and the
 * hash of its API key (revoking the key ends the session). Each carries its CSRF token, which every action must echo.
 */
public record ConsoleSession(Role role, UUID tenantId, String keyProof, String csrf, Instant expiresAt) {

    public enum Role { ADMIN, TENANT }

    private static final String VERSION = "c1";
    private static final SecureRandom RANDOM = new SecureRandom();

    public static ConsoleSession admin(String adminKey, Instant expiresAt) {
        return new ConsoleSession(Role.ADMIN, null, adminProof(adminKey), token(), expiresAt.truncatedTo(ChronoUnit.SECONDS));
    }

    public static ConsoleSession tenant(UUID tenantId, byte[] keyHash, Instant expiresAt) {
        return new ConsoleSession(Role.TENANT, tenantId, Base64.getUrlEncoder().withoutPadding().encodeToString(keyHash),
                token(), expiresAt.truncatedTo(ChronoUnit.SECONDS));
    }

    /** The fingerprint of an admin key a session may hold (a truncated SHA-256, not the key). */
    public static String adminProof(String adminKey) {
        return HexFormat.of().formatHex(sha256(("batchwire-console:" + adminKey).getBytes(StandardCharsets.UTF_8)))
                .substring(0, 32);
    }

    public byte[] keyHash() {
        return Base64.getUrlDecoder().decode(keyProof);
    }

    /** The cookie value: the sealed session, base64url so that it is a plain cookie token (no quoting). */
    public String seal(SecretSealer sealer) {
        String sealed = sealer.seal(String.join("|", VERSION, role.name(), tenantId == null ? "-" : tenantId.toString(),
                keyProof, csrf, String.valueOf(expiresAt.getEpochSecond())));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sealed.getBytes(StandardCharsets.UTF_8));
    }

    /** The session in a cookie value; empty when it is missing, forged, tampered with, malformed or expired. */
    public static Optional<ConsoleSession> open(SecretSealer sealer, String cookie, Instant now) {
        if (cookie == null || cookie.isEmpty() || cookie.length() > 4096) {
            return Optional.empty();
        }
        try {
            String sealed = new String(Base64.getUrlDecoder().decode(cookie), StandardCharsets.UTF_8);
            String[] f = sealer.openSealed(sealed).split("\\|", -1);
            if (f.length != 6 || !f[0].equals(VERSION)) {
                return Optional.empty();
            }
            Role role = Role.valueOf(f[1]);
            UUID tenant = f[2].equals("-") ? null : UUID.fromString(f[2]);
            if ((role == Role.TENANT) != (tenant != null)) {
                return Optional.empty();
            }
            Instant expires = Instant.ofEpochSecond(Long.parseLong(f[5]));
            if (!expires.isAfter(now)) {
                return Optional.empty();
            }
            return Optional.of(new ConsoleSession(role, tenant, f[3], f[4], expires));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code given} is this session's CSRF token (compared in constant time). */
    public boolean csrfMatches(String given) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                csrf.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh random token (128 bits, base64url). */
    public static String token() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
