package io.batchwire.result.export;

import io.batchwire.api.ProblemException;
import io.batchwire.job.ExportFormat;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * Signs and checks download tokens: base64url of {@code version | job id | tenant id | format | expiry (epoch
 * seconds)} followed by the HMAC-SHA256 of those bytes under {@code batchwire.downloads.signing-key}. Stateless, so
 * any replica with the same key accepts a token any other issued. The key is checked at start-up: the service does
 * not start without one, or with one shorter than 32 characters.
 */
@Startup
@Singleton
public class DownloadTokens {

    static final int MIN_KEY_CHARS = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte VERSION = 1;
    private static final int PAYLOAD_BYTES = 1 + 16 + 16 + 1 + 8;
    private static final int MAC_BYTES = 32;
    private static final int TOKEN_BYTES = PAYLOAD_BYTES + MAC_BYTES;
    private static final int MAX_TOKEN_CHARS = 4 * ((TOKEN_BYTES + 2) / 3);

    private final SecretKeySpec key;

    public DownloadTokens(DownloadsConfig config) {
        String secret = config.signingKey();
        if (secret == null || secret.strip().length() < MIN_KEY_CHARS) {
            throw new IllegalStateException("batchwire.downloads.signing-key (env BATCHWIRE_DOWNLOADS_SIGNING_KEY) must be"
                    + " set to a random secret of at least " + MIN_KEY_CHARS + " characters: it signs download links");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        mac(new byte[0]); // fail at start-up, not on the first link, if the JVM lacks the algorithm
    }

    public String sign(DownloadGrant grant) {
        ByteBuffer token = ByteBuffer.allocate(TOKEN_BYTES);
        token.put(VERSION)
                .putLong(grant.jobId().getMostSignificantBits()).putLong(grant.jobId().getLeastSignificantBits())
                .putLong(grant.tenantId().getMostSignificantBits()).putLong(grant.tenantId().getLeastSignificantBits())
                .put((byte) grant.format().code())
                .putLong(grant.expiresAt().getEpochSecond());
        token.put(mac(Arrays.copyOf(token.array(), PAYLOAD_BYTES)));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
    }

    /**
     * The grant a token carries, if its signature holds and it has not expired at {@code now}.
     *
     * @throws ProblemException 403 {@code download-link-invalid} for a token this service did not sign (or one
     *                          changed since), 410 {@code download-link-expired} for a genuine one past its expiry
     */
    public DownloadGrant verify(String token, Instant now) {
        byte[] raw = decode(token);
        byte[] payload = Arrays.copyOf(raw, PAYLOAD_BYTES);
        byte[] given = Arrays.copyOfRange(raw, PAYLOAD_BYTES, TOKEN_BYTES);
        if (!MessageDigest.isEqual(mac(payload), given)) {
            throw invalid();
        }
        ByteBuffer in = ByteBuffer.wrap(payload);
        if (in.get() != VERSION) {
            throw invalid();
        }
        UUID jobId = new UUID(in.getLong(), in.getLong());
        UUID tenantId = new UUID(in.getLong(), in.getLong());
        ExportFormat format = ExportFormat.ofCode(in.get());
        Instant expiresAt = Instant.ofEpochSecond(in.getLong());
        if (format == null) {
            throw invalid();
        }
        if (!now.isBefore(expiresAt)) {
            throw new ProblemException(410, "download-link-expired", "Download link expired",
                    "this download link expired at " + expiresAt + "; GET /v1/jobs/" + jobId + " for a fresh download_link",
                    null, null, Map.of("expired_at", expiresAt.toString()), Map.of());
        }
        return new DownloadGrant(jobId, tenantId, format, expiresAt);
    }

    private static byte[] decode(String token) {
        if (token == null || token.length() > MAX_TOKEN_CHARS) {
            throw invalid();
        }
        try {
            byte[] raw = Base64.getUrlDecoder().decode(token);
            // only the one encoding we issue: no padding, no other spelling of the same bytes
            if (raw.length != TOKEN_BYTES || !Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(token)) {
                throw invalid();
            }
            return raw;
        } catch (IllegalArgumentException notBase64) {
            throw invalid();
        }
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static ProblemException invalid() {
        return new ProblemException(403, "download-link-invalid", "Invalid download link",
                "this download link is not valid: it was changed or cut short. GET the job for a fresh download_link",
                null, null, null, Map.of());
    }
}
