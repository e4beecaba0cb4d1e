package io.batchwire.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.NewCookie;

/**
 * The console's cookies, all {@code HttpOnly}, {@code SameSite=Strict}, on {@code /console}, and {@code Secure}
 * unless {@code batchwire.console.secure-cookie} is off (dev and test, plain http on loopback): the session, and the
 * login form's CSRF token (double-submitted: the cookie and the form must carry the same value).
 */
@ApplicationScoped
public class ConsoleCookies {

    public static final String SESSION = "batchwire_console";
    public static final String LOGIN = "batchwire_console_login";
    public static final String PATH = "/console";
    public static final String LOGIN_PATH = "/console/login";

    private final ConsoleConfig config;

    public ConsoleCookies(ConsoleConfig config) {
        this.config = config;
    }

    public NewCookie session(String sealed) {
        return cookie(SESSION, sealed, (int) config.sessionTtl().toSeconds());
    }

    public NewCookie clearSession() {
        return cookie(SESSION, "", 0);
    }

    public NewCookie login(String token) {
        return cookie(LOGIN, token, 600);
    }

    public NewCookie clearLogin() {
        return cookie(LOGIN, "", 0);
    }

    private NewCookie cookie(String name, String value, int maxAge) {
        return new NewCookie.Builder(name).value(value).path(PATH).httpOnly(true).secure(config.secureCookie())
                .sameSite(NewCookie.SameSite.STRICT).maxAge(maxAge).build();
    }
}
