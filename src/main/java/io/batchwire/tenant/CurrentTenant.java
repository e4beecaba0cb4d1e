package io.batchwire.tenant;

import jakarta.enterprise.context.RequestScoped;

import java.util.UUID;

/** The tenant the current request authenticated as; set by {@link ApiKeyFilter}. */
@RequestScoped
public class CurrentTenant {

    private AuthenticatedTenant tenant;

    void set(AuthenticatedTenant tenant) {
        this.tenant = tenant;
    }

    public UUID id() {
        return get().id();
    }

    public AuthenticatedTenant get() {
        if (tenant == null) {
            throw new IllegalStateException("no authenticated tenant on this request");
        }
        return tenant;
    }

    public record AuthenticatedTenant(UUID id, String name, String plan) {
    }
}
