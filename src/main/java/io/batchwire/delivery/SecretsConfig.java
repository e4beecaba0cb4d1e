package io.batchwire.delivery;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/**
 * The key that seals tenants' webhook secrets at rest (AES-256-GCM): {@code BATCHWIRE_SECRETS_KEY}, 32 random bytes in
 * base64 ({@code openssl rand -base64 32}; any other text of 32+ characters is hashed into a key). To rotate it, set
 * the new key and move the old one to {@code BATCHWIRE_SECRETS_PREVIOUS_KEYS}: secrets are opened with whichever key
 * sealed them and sealed again with the new one when next used (or all at once with
 * {@code POST /admin/v1/secrets/reseal}); then drop the old key.
 */
@ConfigMapping(prefix = "batchwire.secrets")
public interface SecretsConfig {

    String key();

    /** Keys that sealed secrets before the current one, still able to open them (comma-separated). */
    Optional<List<String>> previousKeys();
}
