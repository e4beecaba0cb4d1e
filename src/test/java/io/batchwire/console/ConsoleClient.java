package io.batchwire.console;

import io.batchwire.testing.Api;
import io.restassured.response.Response;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A console session driven over plain HTTP: logs in through the form (with its CSRF cookie) and reads CSRF tokens. */
final class ConsoleClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    final String session;

    private ConsoleClient(String session) {
        this.session = session;
    }

    static ConsoleClient admin() {
        return login(Api.ADMIN_KEY);
    }

    static ConsoleClient login(String key) {
        Response r = postLogin(key);
        assertThat(r.statusCode()).as("login answers 303").isEqualTo(303);
        assertThat(r.header("Location")).endsWith("/console/jobs");
        return new ConsoleClient(r.cookie(ConsoleCookies.SESSION));
    }

    /** GET the form, then POST it with its token and cookie, as a browser does; no redirect followed. */
    static Response postLogin(String key) {
        Response form = given().redirects().follow(false).get("/console/login");
        assertThat(form.statusCode()).isEqualTo(200);
        String token = form.cookie(ConsoleCookies.LOGIN);
        assertThat(csrfIn(form.asString())).isEqualTo(token);
        return given().redirects().follow(false).cookie(ConsoleCookies.LOGIN, token)
                .formParam("key", key).formParam("csrf", token).post("/console/login");
    }

    static String csrfIn(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("the page has a CSRF field").isTrue();
        return m.group(1);
    }

    Response get(String path) {
        return given().redirects().follow(false).cookie(ConsoleCookies.SESSION, session).get(path);
    }

    /** The CSRF token of this session, from a page's form. */
    String csrf() {
        Response page = get("/console/jobs");
        assertThat(page.statusCode()).isEqualTo(200);
        return csrfIn(page.asString());
    }

    Response post(String path, String csrf) {
        var req = given().redirects().follow(false).cookie(ConsoleCookies.SESSION, session).contentType("application/x-www-form-urlencoded");
        if (csrf != null) {
            req = req.formParam("csrf", csrf);
        } else {
            req = req.formParam("other", "x");
        }
        return req.post(path);
    }
}
