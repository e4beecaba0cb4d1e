package io.batchwire.console;

import io.batchwire.api.ProblemException;
import jakarta.enterprise.context.RequestScoped;

import java.util.UUID;

/** Who is using the console on this request; set by {@link ConsoleAuthFilter} from the session cookie. */
@RequestScoped
public class ConsoleUser {

    private ConsoleSession session;
    private String name;

    void set(ConsoleSession session, String name) {
        this.session = session;
        this.name = name;
    }

    public ConsoleSession session() {
        if (session == null) {
            throw new IllegalStateException("no console session on this request");
        }
        return session;
    }

    public boolean admin() {
        return session().role() == ConsoleSession.Role.ADMIN;
    }

    /** The tenant a tenant's session is limited to; null for the operator (every tenant). */
    public UUID tenantScope() {
        return admin() ? null : session().tenantId();
    }

    /** Who is logged in, as the pages show it. */
    public String name() {
        return name;
    }

    /**
     * The one check before every action (a POST that changes something): the form's CSRF token must be the
     * session's, and only the operator may act (a tenant's session is read-only). 403 otherwise, before anything
     * is changed.
     */
    public void authorizeAction(String csrf) {
        requireCsrf(csrf);
        requireAdmin();
    }

    /** 403 unless the form's CSRF token is the session's (logging out needs only this). */
    public void requireCsrf(String csrf) {
        if (!session().csrfMatches(csrf)) {
            throw new ProblemException(403, "csrf", "Forbidden", "the form's CSRF token is missing or wrong: reload the"
                    + " page and try again", "csrf", null, null, java.util.Map.of());
        }
    }

    /** 403 unless the operator is logged in (pages of the whole deployment). */
    public void requireAdmin() {
        if (!admin()) {
            throw new ProblemException(403, "forbidden", "Forbidden", "a tenant's console is read-only and shows only"
                    + " its own jobs", null, null, null, java.util.Map.of());
        }
    }
}
