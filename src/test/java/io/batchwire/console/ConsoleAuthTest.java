package io.batchwire.console;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's access rules over plain HTTP: no or bad session redirects to the login form, a wrong key shows the
 * form again, actions need the session's CSRF token (403 and nothing changed otherwise), a tenant's session sees only
 * its own tenant and cannot act, and the session cookie's attributes.
 */
@QuarkusTest
class ConsoleAuthTest {

    @Test
    void withoutASessionEveryPageRedirectsToTheLoginForm() {
        for (String path : List.of("/console", "/console/jobs", "/console/jobs/" + UUID.randomUUID(), "/console/upstreams",
                "/console/deliveries", "/console/tenants")) {
            Response r = given().redirects().follow(false).get(path);
            if (path.equals("/console")) {
                r = given().redirects().follow(false).get("/console/jobs");
            }
            assertThat(r.statusCode()).as(path).isEqualTo(303);
            assertThat(r.header("Location")).as(path).endsWith("/console/login");
        }
        // an action without a session changes nothing and goes to the login form too
        Response post = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", "x").post("/console/jobs/" + UUID.randomUUID() + "/cancel");
        assertThat(post.statusCode()).isEqualTo(303);
        assertThat(post.header("Location")).endsWith("/console/login");
        // the live stream is not a page: 401
        given().get("/console/live?jobs=" + UUID.randomUUID()).then().statusCode(401);
        // the login form itself and the assets need no session
        given().get("/console/login").then().statusCode(200).contentType("text/html");
        given().get("/console/assets/console.js").then().statusCode(200);
        given().get("/console/assets/console.css").then().statusCode(200);
    }

    @Test
    void aWrongKeyShowsTheFormAgainWithAnErrorAndNoSession() {
        Response r = ConsoleClient.postLogin("not-a-key-" + UUID.randomUUID());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.asString()).contains("That key is not valid.").contains("name=\"csrf\"");
        assertThat(r.cookie(ConsoleCookies.SESSION)).isNull();
        // a blank key too
        Response blank = ConsoleClient.postLogin(" ");
        assertThat(blank.asString()).contains("Enter the admin key or an API key.");
        assertThat(blank.cookie(ConsoleCookies.SESSION)).isNull();
    }

    @Test
    void aLoginWithoutTheFormsTokenIs403() {
        String token = given().get("/console/login").cookie(ConsoleCookies.LOGIN);
        Response noCookie = given().redirects().follow(false).formParam("key", Api.ADMIN_KEY).formParam("csrf", token)
                .post("/console/login");
        assertThat(noCookie.statusCode()).isEqualTo(403);
        assertThat(noCookie.cookie(ConsoleCookies.SESSION)).isNull();
        Response wrong = given().redirects().follow(false).cookie(ConsoleCookies.LOGIN, token)
                .formParam("key", Api.ADMIN_KEY).formParam("csrf", token + "x").post("/console/login");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.cookie(ConsoleCookies.SESSION)).isNull();
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictScopedSealedAndHoldsNoKey() {
        Response r = ConsoleClient.postLogin(Api.ADMIN_KEY);
        assertThat(r.statusCode()).isEqualTo(303);
        String header = r.headers().getValues("Set-Cookie").stream()
                .filter(h -> h.startsWith(ConsoleCookies.SESSION + "=")).findFirst().orElseThrow();
        assertThat(header).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/console")
                .contains("Max-Age=28800");
        // the test profile serves plain http on loopback (batchwire.console.secure-cookie=false); see ConsoleCookiesTest
        assertThat(header).doesNotContain("Secure");
        String value = r.cookie(ConsoleCookies.SESSION);
        assertThat(value).matches("[A-Za-z0-9_-]+").doesNotContain(Api.ADMIN_KEY);
        String sealed = new String(java.util.Base64.getUrlDecoder().decode(value), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(sealed).startsWith("sealed:v1:").doesNotContain(Api.ADMIN_KEY);
        // the page answers carry a strict CSP and are not cached
        Response page = given().redirects().follow(false).cookie(ConsoleCookies.SESSION, value).get("/console/jobs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void aForgedOrTamperedCookieIsNoSession() {
        String proof = ConsoleSession.adminProof(Api.ADMIN_KEY);
        String plain = "c1|ADMIN|-|" + proof + "|csrf|" + (System.currentTimeMillis() / 1000 + 3600);
        String sealed = new String(java.util.Base64.getUrlDecoder().decode(ConsoleClient.admin().session),
                java.nio.charset.StandardCharsets.UTF_8);
        String tampered = sealed.substring(0, sealed.length() - 6) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        java.util.function.Function<String, String> cookieOf = v -> java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String cookie : List.of(cookieOf.apply(plain), plain, cookieOf.apply(tampered), cookieOf.apply("sealed:v1:00000000:AAAA"), "", "%%%")) {
            Response r = given().redirects().follow(false).cookie(ConsoleCookies.SESSION, cookie).get("/console/jobs");
            assertThat(r.statusCode()).as(cookie).isEqualTo(303);
            assertThat(r.header("Location")).endsWith("/console/login");
        }
    }

    @Test
    void anActionWithoutTheSessionsCsrfTokenIs403AndChangesNothing() {
        Api api = Api.newTenant();
        String job = slowJob(api);
        ConsoleClient admin = ConsoleClient.admin();
        String csrf = admin.csrf();
        // missing, wrong, and another session's token
        String other = ConsoleClient.admin().csrf();
        for (String bad : new String[]{null, "", csrf + "x", other}) {
            Response r = admin.post("/console/jobs/" + job + "/cancel", bad);
            assertThat(r.statusCode()).as("csrf " + bad).isEqualTo(403);
        }
        assertThat(api.job(job).getString("state")).isIn("accepted", "processing");
        // redeliver too: 403 before the delivery is even looked up
        assertThat(admin.post("/console/jobs/" + job + "/deliveries/" + UUID.randomUUID() + "/redeliver", "nope")
                .statusCode()).isEqualTo(403);
        // logout is an action as well
        assertThat(admin.post("/console/logout", "nope").statusCode()).isEqualTo(403);

        Response ok = admin.post("/console/jobs/" + job + "/cancel", csrf);
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.header("Location")).endsWith("/console/jobs/" + job + "?notice=cancelled");
        assertThat(api.job(job).getString("state")).isEqualTo("cancelled");
        // once ended, a second cancel says so and changes nothing
        assertThat(admin.post("/console/jobs/" + job + "/cancel", csrf).header("Location")).endsWith("notice=already-finished");
    }

    @Test
    void anApiKeySessionSeesOnlyItsTenantAndCannotAct() {
        Api mine = Api.newTenant();
        Api theirs = Api.newTenant();
        String myJob = slowJob(mine);
        String theirJob = slowJob(theirs);
        ConsoleClient tenant = ConsoleClient.login(mine.tenant().apiKey());

        String jobs = tenant.get("/console/jobs").asString();
        assertThat(jobs).contains(myJob).doesNotContain(theirJob).doesNotContain("name=\"tenant\"");
        // filtering by another tenant is ignored: the scope is the session's
        assertThat(tenant.get("/console/jobs?tenant=" + theirs.tenant().id()).asString()).contains(myJob).doesNotContain(theirJob);
        assertThat(tenant.get("/console/jobs/" + myJob).statusCode()).isEqualTo(200);
        assertThat(tenant.get("/console/jobs/" + myJob).asString()).doesNotContain("id=\"cancel\"");
        assertThat(tenant.get("/console/jobs/" + theirJob).statusCode()).isEqualTo(404);
        assertThat(tenant.get("/console/upstreams").statusCode()).isEqualTo(403);
        String tenantsPage = tenant.get("/console/tenants").asString();
        assertThat(tenantsPage).contains(mine.tenant().id().toString()).doesNotContain(theirs.tenant().id().toString());

        // acting is refused even with the session's own CSRF token, and nothing changes
        String csrf = tenant.csrf();
        assertThat(tenant.post("/console/jobs/" + myJob + "/cancel", csrf).statusCode()).isEqualTo(403);
        assertThat(tenant.post("/console/jobs/" + myJob + "/deliveries/" + UUID.randomUUID() + "/redeliver", csrf)
                .statusCode()).isEqualTo(403);
        assertThat(mine.job(myJob).getString("state")).isIn("accepted", "processing");
        // the live stream shows only its own jobs: another tenant's id is simply not there (a stream of ended jobs
        // ends after its first update)
        String myDone = mine.submit("company", List.of(Map.of("domain", "ok-live.com")));
        mine.awaitFinal(myDone, java.time.Duration.ofSeconds(30));
        String live = given().cookie(ConsoleCookies.SESSION, tenant.session).accept("text/event-stream")
                .get("/console/live?jobs=" + theirJob + "," + myDone).asString();
        assertThat(live).startsWith("data:").contains(myDone).contains("\"done\":true").doesNotContain(theirJob);

        // logging out clears the cookie
        Response out = tenant.post("/console/logout", csrf);
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.header("Location")).endsWith("/console/login");
        assertThat(out.headers().getValues("Set-Cookie")).anyMatch(h -> h.startsWith(ConsoleCookies.SESSION + "=;")
                || h.contains("Max-Age=0"));

        mine.req().post("/v1/jobs/" + myJob + "/cancel").then().statusCode(200);
        theirs.req().post("/v1/jobs/" + theirJob + "/cancel").then().statusCode(200);
    }

    @Test
    void aRevokedKeyEndsItsTenantsSession() {
        Api api = Api.newTenant();
        ConsoleClient tenant = ConsoleClient.login(api.tenant().apiKey());
        assertThat(tenant.get("/console/jobs").statusCode()).isEqualTo(200);
        String prefix = io.batchwire.tenant.ApiKey.prefixOf(api.tenant().apiKey());
        given().header("X-Admin-Key", Api.ADMIN_KEY).delete("/admin/v1/tenants/" + api.tenant().id() + "/keys/" + prefix)
                .then().statusCode(204);
        Response r = tenant.get("/console/jobs");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.header("Location")).endsWith("/console/login");
    }

    /** A job that runs for about ten seconds (people: concurrency 4 in tests, 100 records of 400 ms). */
    private static String slowJob(Api api) {
        String k = UUID.randomUUID().toString().substring(0, 8);
        return api.submit("people", Api.records(100, i -> Map.of("email", "delay-400-" + k + "-" + i)));
    }
}
