package io.batchwire.tenant;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The admin key ({@code batchwire.admin.api-key}): what {@code /admin} ({@link AdminKeyFilter}) and the operator's
 * console login are opened with. Without a configured key neither exists.
 */
@Singleton
public class AdminKey {

    private final Optional<String> key;

    public AdminKey(@ConfigProperty(name = "batchwire.admin.api-key") Optional<String> key) {
        this.key = key.filter(k -> !k.isBlank());
    }

    public boolean configured() {
        return key.isPresent();
    }

    /** The configured key itself (to derive a fingerprint from; never shown). */
    public Optional<String> value() {
        return key;
    }

    /** Whether {@code given} is the admin key (constant time); false when none is configured. */
    public boolean matches(String given) {
        return key.isPresent() && given != null
                && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), key.get().getBytes(StandardCharsets.UTF_8));
    }
}
