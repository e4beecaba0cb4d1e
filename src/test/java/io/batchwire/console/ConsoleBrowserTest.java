package io.batchwire.console;

import io.batchwire.testing.Api;
import io.batchwire.testing.Receiver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real browser: Debian's headless Chromium driven through chromium-driver by Selenium (.ci/run
 * installs both). Logs in through the form, watches a job's progress bar reach 100 % by Server-Sent Events, pages and
 * filters its results, cancels a running job, redelivers a webhook, looks at every page, and saves a screenshot of
 * each under {@code target/console-screenshots/}. Every page must leave no SEVERE entry in the browser's console.
 * Waits are explicit and generous (a loaded 2-core machine); nothing sleeps.
 */
@QuarkusTest
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SHOTS = Path.of("target/console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(60);

    static Receiver receiver;
    static WebDriver browser;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void start() throws Exception {
        assertThat(CHROMIUM).as("Chromium (apt-get install chromium chromium-driver; .ci/run installs it)").isExecutable();
        assertThat(DRIVER).as("chromium-driver (apt-get install chromium-driver; .ci/run installs it)").isExecutable();
        Files.createDirectories(SHOTS);
        receiver = new Receiver();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-extensions", "--no-first-run", "--window-size=1440,1000",
                "--force-device-scale-factor=1", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void anOperatorWatchesCancelsRedeliversAndPages() throws Exception {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        // people: concurrency 4 in tests; 80 records of 250 ms take about 5 s: long enough to watch
        String watched = api.req().body(Map.of("type", "people", "webhook_url", receiver.url("/console-hook/ok"),
                        "records", Api.records(80, i -> Map.of("custom_id", "r" + i, "email", "delay-250-" + k + "-" + i))))
                .post("/v1/jobs").then().statusCode(202).extract().path("id");

        // log in through the form; a wrong key first
        open("/console/login");
        browser.findElement(By.id("key")).sendKeys("wrong-" + k);
        browser.findElement(By.id("login")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(browser.findElement(By.id("login-error")).getText()).contains("not valid");
        noConsoleErrors("login");
        browser.findElement(By.id("key")).sendKeys(Api.ADMIN_KEY);
        browser.findElement(By.id("login")).click();
        waitFor().until(ExpectedConditions.titleContains("Jobs"));
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("operator");

        // the jobs list of this tenant: the watched job's bar moves by SSE, no reload
        open("/console/jobs?tenant=" + api.tenant().id());
        By listBar = By.cssSelector("tr[data-job='" + watched + "'] progress");
        waitFor().until(d -> progress(d.findElement(listBar)) == 100.0);
        screenshot("jobs-list");
        noConsoleErrors("jobs");

        // the job page: a second job, watched from below 100 % to 100 % on the page
        String second = api.req().body(Map.of("type", "people", "webhook_url", receiver.url("/console-hook/ok"),
                        "records", Api.records(60, i -> Map.of("custom_id", "s" + i, "email", "delay-300-" + k + "-s" + i))))
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        open("/console/jobs/" + second);
        double first = progress(browser.findElement(By.id("job-progress")));
        assertThat(first).as("the page opened while the job runs").isLessThan(100.0);
        screenshot("job-running");
        waitFor().until(d -> progress(d.findElement(By.id("job-progress"))) > first);
        waitFor().until(d -> progress(d.findElement(By.id("job-progress"))) == 100.0);
        waitFor().until(d -> d.findElement(By.id("job-state")).getText().equals("completed"));
        assertThat(browser.findElement(By.id("c-succeeded")).getText()).isEqualTo("60");
        assertThat(browser.findElement(By.cssSelector("[data-when-done]")).isDisplayed()).isTrue();
        noConsoleErrors("job (live)");

        // reloaded: timeline, downloads, results paged 25 at a time, the status filter
        open("/console/jobs/" + second);
        assertThat(browser.findElements(By.cssSelector("#timeline li.reached"))).hasSize(3);
        for (String format : List.of("json", "jsonl", "csv", "xlsx")) {
            WebElement link = browser.findElement(By.id("download-" + format));
            assertThat(link.getAttribute("href")).contains("/v1/downloads/");
        }
        String csv = io.restassured.RestAssured.given().urlEncodingEnabled(false)
                .get(browser.findElement(By.id("download-csv")).getAttribute("href")).then().statusCode(200).extract().asString();
        assertThat(csv.lines().count()).isEqualTo(61);
        assertThat(indexes()).containsExactlyElementsOf(range(0, 25));
        screenshot("job");
        browser.findElement(By.id("next-results")).click();
        waitFor().until(d -> indexes().equals(range(25, 50)));
        browser.findElement(By.id("next-results")).click();
        waitFor().until(d -> indexes().equals(range(50, 60)));
        assertThat(browser.findElements(By.id("next-results"))).isEmpty();
        browser.findElement(By.id("first-results")).click();
        waitFor().until(d -> indexes().equals(range(0, 25)));
        new Select(browser.findElement(By.id("f-status"))).selectByValue("failed");
        browser.findElement(By.id("apply-status")).click();
        waitFor().until(d -> d.findElements(By.cssSelector("#results td.empty")).size() == 1);
        new Select(browser.findElement(By.id("f-status"))).selectByValue("succeeded");
        browser.findElement(By.id("apply-status")).click();
        waitFor().until(d -> indexes().equals(range(0, 25)));
        noConsoleErrors("job (results)");

        // redeliver the webhook of the first job: the receiver gets the same message once more
        await().atMost(WAIT).until(() -> receiver.requests("/console-hook/ok").size() >= 2);
        int before = receiver.requests("/console-hook/ok").size();
        open("/console/jobs/" + watched);
        WebElement webhook = browser.findElement(By.cssSelector("tr[data-kind='webhook']"));
        waitFor().until(d -> d.findElement(By.cssSelector("tr[data-kind='webhook'] [data-field='delivery-state']")).getText().equals("delivered"));
        webhook.findElement(By.cssSelector("button.redeliver")).click();
        waitFor().until(d -> d.findElement(By.id("notice")).getText().contains("scheduled once more"));
        await().atMost(WAIT).until(() -> receiver.requests("/console-hook/ok").size() == before + 1);
        String redelivered = receiver.requests("/console-hook/ok").getLast().headers().get("webhook-id");
        assertThat(receiver.requests("/console-hook/ok")).filteredOn(r -> redelivered.equals(r.headers().get("webhook-id")))
                .hasSize(2);
        noConsoleErrors("job (redeliver)");

        // cancel a running job from its page
        String slow = api.submit("people", Api.records(100, i -> Map.of("email", "delay-400-" + k + "-c" + i)));
        open("/console/jobs/" + slow);
        browser.findElement(By.id("cancel")).click();
        waitFor().until(d -> d.findElement(By.id("notice")).getText().contains("cancelled"));
        assertThat(browser.findElement(By.id("job-state")).getText()).isEqualTo("cancelled");
        assertThat(browser.findElements(By.id("cancel"))).isEmpty();
        assertThat(api.job(slow).getString("state")).isEqualTo("cancelled");
        noConsoleErrors("job (cancel)");

        // the jobs list filtered by state, with its counts
        open("/console/jobs?tenant=" + api.tenant().id() + "&state=cancelled");
        assertThat(browser.findElements(By.cssSelector("#jobs tbody tr[data-job]"))).hasSize(1);
        assertThat(browser.findElement(By.cssSelector("#counts .state-completed b")).getText()).isEqualTo("2");
        assertThat(browser.findElement(By.cssSelector("#counts .state-cancelled b")).getText()).isEqualTo("1");
        open("/console/jobs?tenant=" + api.tenant().id());
        screenshot("jobs");

        // upstreams: live figures and sparklines arrive by SSE while a job runs
        // (40 records of 1 s at concurrency 4: ten seconds of four calls in flight)
        String busy = api.submit("people", Api.records(40, i -> Map.of("email", "delay-1000-" + k + "-u" + i)));
        open("/console/upstreams");
        waitFor().until(d -> d.findElement(By.tagName("html")).getAttribute("data-live-at") != null);
        By rate = By.cssSelector("tr[data-upstream='people'] [data-field='recordsPerSecond']");
        waitFor().until(d -> !d.findElement(rate).getText().equals("—") && Double.parseDouble(d.findElement(rate).getText()) > 0);
        assertThat(browser.findElement(By.cssSelector("tr[data-upstream='people'] [data-spark='recordsPerSecond'] polyline"))
                .getAttribute("points").split(" ")).hasSizeGreaterThan(1);
        assertThat(browser.findElement(By.cssSelector("tr[data-upstream='people'] [data-field='p50']")).getText()).endsWith(" ms");
        screenshot("upstreams");
        noConsoleErrors("upstreams");
        api.awaitFinal(busy, WAIT);

        open("/console/deliveries");
        assertThat(browser.findElements(By.cssSelector("tr[data-delivery]"))).isNotEmpty();
        screenshot("deliveries");
        noConsoleErrors("deliveries");

        open("/console/tenants");
        assertThat(browser.findElement(By.cssSelector("tr[data-tenant='" + api.tenant().id() + "']")).getText())
                .contains(api.tenant().id().toString());
        screenshot("tenants");
        noConsoleErrors("tenants");

        open("/console/dead-letters");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dead letters");
        screenshot("dead-letters");
        noConsoleErrors("dead letters");

        browser.findElement(By.id("logout")).click();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("login-form")));
        open("/console/jobs");
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("login-form")));
        noConsoleErrors("logout");
    }

    @Test
    void aTenantSeesItsOwnJobsReadOnly() throws Exception {
        Api api = Api.newTenant();
        String id = api.submit("company", List.of(Map.of("domain", "ok-tenant-view.com")));
        api.awaitFinal(id, WAIT);
        open("/console/login");
        browser.findElement(By.id("key")).sendKeys(api.tenant().apiKey());
        browser.findElement(By.id("login")).click();
        waitFor().until(ExpectedConditions.titleContains("Jobs"));
        assertThat(browser.findElement(By.id("who")).getText()).startsWith("tenant ");
        assertThat(browser.findElements(By.id("f-tenant"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#jobs tr[data-job]"))).extracting(e -> e.getAttribute("data-job"))
                .containsExactly(id);
        assertThat(browser.findElements(By.linkText("Upstreams"))).isEmpty();
        open("/console/jobs/" + id);
        assertThat(browser.findElements(By.id("cancel"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("button.redeliver"))).isEmpty();
        screenshot("tenant-job");
        noConsoleErrors("tenant job");
        browser.findElement(By.id("logout")).click();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("login-form")));
    }

    private void open(String path) {
        browser.get(base.toString().replaceAll("/$", "") + path);
        waitFor().until(d -> "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    private static WebDriverWait waitFor() {
        WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static double progress(WebElement bar) {
        return Double.parseDouble(bar.getDomProperty("value"));
    }

    private static List<Integer> indexes() {
        List<Integer> out = new ArrayList<>();
        for (WebElement row : browser.findElements(By.cssSelector("#results tbody tr[data-index]"))) {
            out.add(Integer.parseInt(row.getAttribute("data-index")));
        }
        return out;
    }

    private static List<Integer> range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).boxed().toList();
    }

    /** Nothing the browser logged on this page is SEVERE (script errors, failed loads, CSP violations). */
    private static void noConsoleErrors(String page) {
        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(severe).as("browser console errors on " + page).isEmpty();
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
