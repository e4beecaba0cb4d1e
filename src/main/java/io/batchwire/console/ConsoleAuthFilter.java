package io.batchwire.console;

import io.batchwire.delivery.SecretSealer;
import io.batchwire.tenant.AdminKey;
import io.batchwire.tenant.TenantDirectory;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * Guards {@code /console}: every page but the login needs a valid session cookie ({@link ConsoleSession}). Without
 * one (missing, forged, expired, or its key changed or revoked) a page redirects to the login form and the live
 * stream answers 401. The console switched off answers 404.
 */
public class ConsoleAuthFilter {

    private final ConsoleConfig config;
    private final ConsoleCookies cookies;
    private final SecretSealer sealer;
    private final AdminKey adminKey;
    private final TenantDirectory directory;
    private final ConsoleUser user;

    public ConsoleAuthFilter(ConsoleConfig config, ConsoleCookies cookies, SecretSealer sealer, AdminKey adminKey,
                             TenantDirectory directory, ConsoleUser user) {
        this.config = config;
        this.cookies = cookies;
        this.sealer = sealer;
        this.adminKey = adminKey;
        this.directory = directory;
        this.user = user;
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        if (!path.equals("/console") && !path.startsWith("/console/")) {
            return Uni.createFrom().nullItem();
        }
        if (!config.enabled()) {
            return Uni.createFrom().item(Response.status(404).type(MediaType.TEXT_PLAIN).entity("not found").build());
        }
        if (path.equals(ConsoleCookies.LOGIN_PATH)) {
            return Uni.createFrom().nullItem();
        }
        Cookie cookie = ctx.getCookies().get(ConsoleCookies.SESSION);
        Optional<ConsoleSession> opened = ConsoleSession.open(sealer, cookie == null ? null : cookie.getValue(), Instant.now());
        if (opened.isEmpty()) {
            return Uni.createFrom().item(refuse(path));
        }
        ConsoleSession s = opened.get();
        if (s.role() == ConsoleSession.Role.ADMIN) {
            boolean sameKey = adminKey.value().map(k -> ConsoleSession.adminProof(k).equals(s.keyProof())).orElse(false);
            if (!sameKey) {
                return Uni.createFrom().item(refuse(path));
            }
            user.set(s, "operator");
            return Uni.createFrom().nullItem();
        }
        return directory.byKeyHash(s.keyHash()).map(found -> {
            if (found.isEmpty() || !found.get().id().equals(s.tenantId())) {
                return refuse(path);
            }
            user.set(s, found.get().name());
            return null;
        });
    }

    private Response refuse(String path) {
        if (path.equals(ConsoleResource.LIVE_PATH)) {
            return Response.status(401).type(MediaType.TEXT_PLAIN).entity("log in to the console first").build();
        }
        // 303: the browser follows with a GET, whatever the method was; the stale cookie goes
        return Response.seeOther(URI.create(ConsoleCookies.LOGIN_PATH)).cookie(cookies.clearSession()).build();
    }
}
