package io.batchwire.delivery;

import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seals secrets for storage (AES-256-GCM, a fresh 96-bit nonce each time): {@code sealed:v1:<key id>:<base64 of
 * nonce, ciphertext and tag>}. The key id (the first 8 hex digits of the key's SHA-256) names the key that sealed a
 * value, so values sealed under a previous key still open during a rotation. A value without the prefix is legacy
 * plain text: it opens as itself and {@link #needsResealing} says so. The service does not start without a key.
 */
@Singleton
@Startup
public class SecretSealer {

    private static final String PREFIX = "sealed:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final String currentId;
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();

    public SecretSealer(SecretsConfig config) {
        SecretKeySpec current = key(config.key());
        this.currentId = id(current);
        keys.put(currentId, current);
        for (String previous : config.previousKeys().orElse(List.of())) {
            SecretKeySpec k = key(previous);
            keys.putIfAbsent(id(k), k);
        }
    }

    public String seal(String plain) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(currentId.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + currentId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret", e);
        }
    }

    /** The plain value; fails if it was sealed under a key this service does not have, or was tampered with. */
    public String open(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        String rest = stored.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        String id = colon < 0 ? "" : rest.substring(0, colon);
        SecretKeySpec key = keys.get(id);
        if (key == null) {
            throw new IllegalStateException("a secret is sealed under key " + id + ", which this service does not have"
                    + " (set it in BATCHWIRE_SECRETS_PREVIOUS_KEYS)");
        }
        try {
            byte[] in = Base64.getDecoder().decode(rest.substring(colon + 1));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(id.getBytes(StandardCharsets.US_ASCII));
            return new String(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a sealed secret does not open: tampered with, or the wrong key", e);
        }
    }

    /**
     * The plain value of a value this service sealed; unlike {@link #open}, plain text is refused (for values that
     * must have come from {@link #seal}, such as a console session, where a forged plain value must not pass).
     */
    public String openSealed(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            throw new IllegalStateException("not a sealed value");
        }
        return open(stored);
    }

    /** Plain text, or sealed under a key other than the current one. */
    public boolean needsResealing(String stored) {
        return stored != null && !stored.startsWith(PREFIX + currentId + ":");
    }

    private static SecretKeySpec key(String configured) {
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("batchwire.secrets.key (BATCHWIRE_SECRETS_KEY) is required");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(configured.trim());
        } catch (IllegalArgumentException notBase64) {
            raw = null;
        }
        if (raw == null || raw.length != 32) {
            if (configured.length() < 32) {
                throw new IllegalStateException("batchwire.secrets.key must be 32 random bytes in base64, or a text of"
                        + " at least 32 characters");
            }
            raw = sha256(configured.getBytes(StandardCharsets.UTF_8));
        }
        return new SecretKeySpec(raw, "AES");
    }

    private static String id(SecretKeySpec key) {
        return HexFormat.of().formatHex(sha256(key.getEncoded())).substring(0, 8);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
