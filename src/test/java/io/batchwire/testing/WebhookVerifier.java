package io.batchwire.testing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** Verifies a Standard Webhooks signature the way a receiving client would, written from the spec (not app code). */
public final class WebhookVerifier {

    private WebhookVerifier() {
    }

    /** True if one of the space-separated {@code v1,} signatures matches the secret, and the timestamp is recent. */
    public static boolean verify(String secret, String id, String timestamp, String signatures, byte[] body) throws Exception {
        long ts = Long.parseLong(timestamp);
        if (Math.abs(System.currentTimeMillis() / 1000 - ts) > 300) {
            return false;
        }
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(body);
        for (String sig : signatures.split(" ")) {
            if (sig.startsWith("v1,") && MessageDigest.isEqual(Base64.getDecoder().decode(sig.substring(3)), expected)) {
                return true;
            }
        }
        return false;
    }
}
