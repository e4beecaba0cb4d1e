package io.batchwire.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

import java.util.HashMap;
import java.util.Map;

/**
 * The real parts every {@code @QuarkusTest} runs against: a fresh PostgreSQL database (role and database created on
 * the local server) and a real Kafka broker started with {@code kafka/kafka.sh} on a free port with a throw-away data
 * dir, both once per test JVM, and the {@link FakeUpstream}. Quarkus stops and starts this resource whenever a test
 * profile restarts the application; the broker and the database outlive such restarts (the service restarting on
 * the same broker and database, as it does in production), so a profile costs one application start, not a broker's
 * too. They go when the JVM exits. The broker's address is kept in a system property, which every class loader of
 * the run sees.
 */
@WithTestResource(value = TestInfra.class, scope = TestResourceScope.GLOBAL)
public class TestInfra implements QuarkusTestResourceLifecycleManager {

    /** One database per test JVM, so parallel runs on one machine never see (or drop) each other's. */
    public static final String DB = "batchwire_test_" + ProcessHandle.current().pid();
    public static final String DB_USER = Infra.DB_USER;
    public static final String DB_PASSWORD = Infra.DB_PASSWORD;
    static final String PG = Infra.PG;

    /** A system property: the run's broker, set once it is up. */
    private static final String BOOTSTRAP = "batchwire.test.kafka-bootstrap";

    private FakeUpstream upstream;

    public static String jdbcUrl() {
        return "jdbc:postgresql://" + PG + "/" + DB;
    }

    @Override
    public Map<String, String> start() {
        try {
            startOncePerJvm();
            upstream = FakeUpstream.start();
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("test infrastructure did not start: " + e.getMessage(), e);
        }
        String base = "http://127.0.0.1:" + upstream.port();
        Map<String, String> cfg = new HashMap<>();
        cfg.put("kafka.bootstrap.servers", System.getProperty(BOOTSTRAP));
        // where the fake upstream is, for test profiles that point more upstreams at it (e.g. the fake renderer)
        cfg.put("batchwire.test.fake-upstream", base);
        cfg.put("quarkus.datasource.reactive.url", "postgresql://" + PG + "/" + DB);
        cfg.put("quarkus.datasource.jdbc.url", jdbcUrl());
        cfg.put("quarkus.datasource.username", DB_USER);
        cfg.put("quarkus.datasource.password", DB_PASSWORD);
        cfg.put("batchwire.upstreams.company.url", base + "/companies?domain={domain}");
        cfg.put("batchwire.upstreams.company.concurrency", "8");
        cfg.put("batchwire.upstreams.company.timeout", "500ms");
        cfg.put("batchwire.upstreams.company.max-attempts", "3");
        cfg.put("batchwire.upstreams.company.backoff", "50ms");
        cfg.put("batchwire.upstreams.company.max-retry-after", "5s");
        cfg.put("batchwire.upstreams.people.url", base + "/people?email={email}");
        cfg.put("batchwire.upstreams.people.concurrency", "4");
        cfg.put("batchwire.upstreams.email.url", base + "/emails/verify");
        cfg.put("batchwire.upstreams.email.method", "POST");
        cfg.put("batchwire.upstreams.email.concurrency", "4");
        cfg.put("batchwire.upstreams.http.allowed-hosts", "127.0.0.1,*.rebind.test");
        cfg.put("batchwire.upstreams.http.concurrency", "4");
        cfg.put("batchwire.upstreams.http.timeout", "2s");
        cfg.put("batchwire.dispatch.chunk-size", "50");
        // load-driven upstreams for the adaptive limit, and one small enough to be shared by weight
        cfg.put("batchwire.upstreams.capped.url", base + "/capped?key={key}");
        cfg.put("batchwire.upstreams.capped.adaptive", "true");
        cfg.put("batchwire.upstreams.capped.concurrency", "100");
        cfg.put("batchwire.upstreams.capped.max-attempts", "20");
        cfg.put("batchwire.upstreams.capped.timeout", "5s");
        cfg.put("batchwire.upstreams.loaded.url", base + "/loaded?key={key}");
        cfg.put("batchwire.upstreams.loaded.adaptive", "true");
        cfg.put("batchwire.upstreams.loaded.concurrency", "100");
        cfg.put("batchwire.upstreams.loaded.timeout", "5s");
        cfg.put("batchwire.upstreams.weighted.url", base + "/companies?domain={domain}");
        cfg.put("batchwire.upstreams.weighted.concurrency", "4");
        cfg.put("batchwire.upstreams.shared.url", base + "/shared/{key}");
        cfg.put("batchwire.upstreams.shared.concurrency", "8");
        // paginated sync endpoints exported under a public path (the Vainu pattern)
        cfg.put("batchwire.upstreams.organizations.url", base + "/paged/cursor");
        cfg.put("batchwire.upstreams.organizations.method", "POST");
        cfg.put("batchwire.upstreams.organizations.path", "/api/v3/organizations");
        cfg.put("batchwire.upstreams.organizations.pagination", "cursor");
        cfg.put("batchwire.upstreams.organizations.timeout", "5s");
        cfg.put("batchwire.upstreams.organizations.concurrency", "4");
        cfg.put("batchwire.upstreams.organizations.max-row-bytes", "4096");
        cfg.put("batchwire.upstreams.organizations.max-page-rows", "2000");
        // the same endpoint, charged per row on a metered plan (organizations is charged per page call)
        cfg.put("batchwire.upstreams.rows-orgs.url", base + "/paged/cursor");
        cfg.put("batchwire.upstreams.rows-orgs.method", "POST");
        cfg.put("batchwire.upstreams.rows-orgs.path", "/api/v3/rows-organizations");
        cfg.put("batchwire.upstreams.rows-orgs.pagination", "cursor");
        cfg.put("batchwire.upstreams.rows-orgs.export-credits", "per-row");
        cfg.put("batchwire.upstreams.rows-orgs.price", "2");
        cfg.put("batchwire.upstreams.rows-orgs.timeout", "5s");
        cfg.put("batchwire.upstreams.offset-orgs.url", base + "/paged/offset");
        cfg.put("batchwire.upstreams.offset-orgs.method", "POST");
        cfg.put("batchwire.upstreams.offset-orgs.path", "/api/v3/offset-organizations");
        cfg.put("batchwire.upstreams.offset-orgs.pagination", "offset");
        cfg.put("batchwire.upstreams.offset-orgs.page-size", "250");
        cfg.put("batchwire.upstreams.offset-orgs.timeout", "5s");
        cfg.put("batchwire.upstreams.link-orgs.url", base + "/paged/link");
        cfg.put("batchwire.upstreams.link-orgs.method", "POST");
        cfg.put("batchwire.upstreams.link-orgs.path", "/api/v3/link-organizations");
        cfg.put("batchwire.upstreams.link-orgs.pagination", "next-link");
        cfg.put("batchwire.upstreams.link-orgs.timeout", "5s");
        return cfg;
    }

    /** Only the fake upstream goes: the broker and the database serve the next application start too. */
    @Override
    public void stop() {
        if (upstream != null) {
            upstream.stop();
        }
    }

    /** The database and the broker, unless an earlier application start of this JVM made them already. */
    private static void startOncePerJvm() throws Exception {
        synchronized (System.class) {
            if (System.getProperty(BOOTSTRAP) != null) {
                return;
            }
            // a fresh database per run: migrations apply from scratch and no run sees another's rows; databases left
            // by a test JVM that was killed (its pid is in the name) go, a live one's stay
            Infra.dropStale("batchwire\\_test\\_%");
            Infra.createDatabase(DB);
            Infra.Broker broker = Infra.Broker.start();
            // the database first: it is quick, and a broker's stop may take long enough for the fork to be halted
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Infra.dropDatabase(DB);
                } catch (Exception e) {
                    System.err.println("could not drop the test database " + DB + ": " + e.getMessage());
                }
                try {
                    broker.close();
                } catch (Exception e) {
                    System.err.println("could not stop the test broker: " + e.getMessage());
                }
            }, "test-infra-stop"));
            System.setProperty(BOOTSTRAP, broker.bootstrap());
        }
    }
}
