package io.batchwire.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Several packaged service processes (prod mode, {@code target/quarkus-app}) sharing one database, the
 * {@link FakeUpstream} of this JVM and topics of their own on the JVM's one real broker: what the replica tests run.
 * Optionally the replicas reach Postgres through a {@link TcpProxy} that a test can cut. Everything but the shared
 * broker is stopped by {@link #close}; the service logs stay under {@code target/cluster/}.
 */
public final class Cluster implements AutoCloseable {

    public static final String API_KEY = "cluster-it-key";
    public static final String ADMIN_KEY = "cluster-it-admin-key";
    /** In a property value given to {@link #start}: the fake upstream's base URL. */
    public static final String UPSTREAM = "@UPSTREAM@";
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String db;
    private final FakeUpstream upstream;
    private final TcpProxy dbProxy;
    private final Map<String, String> properties;
    private final Map<String, ServiceProcess> replicas = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path logs;

    private Cluster(String db, FakeUpstream upstream, TcpProxy dbProxy, Map<String, String> properties, Path logs) {
        this.db = db;
        this.upstream = upstream;
        this.dbProxy = dbProxy;
        this.properties = properties;
        this.logs = logs;
    }

    /**
     * A fresh database {@code db}, topics of its own and the fake upstream; no replica yet. {@code company.concurrency}
     * is the upstream limit each replica gets; {@code more} are further service properties.
     */
    public static Cluster start(String name, boolean proxiedDatabase, Map<String, String> more) throws Exception {
        // one database per test JVM, so runs in two checkouts on one machine never drop each other's
        String db = name + "_" + ProcessHandle.current().pid();
        Infra.dropStale(name + "\\_%");
        Infra.createDatabase(db);
        // the JVM's one broker; this cluster's topics and consumer groups are its own
        Infra.Broker broker = Infra.Broker.shared();
        Map<String, String> topics = broker.topics(db);
        FakeUpstream upstream = FakeUpstream.start();
        TcpProxy proxy = proxiedDatabase ? TcpProxy.to(Integer.parseInt(Infra.PG.substring(Infra.PG.indexOf(':') + 1))) : null;
        String pg = proxy == null ? Infra.PG : "127.0.0.1:" + proxy.port();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kafka.bootstrap.servers", broker.bootstrap());
        p.putAll(topics);
        p.put("quarkus.datasource.reactive.url", "postgresql://" + pg + "/" + db);
        p.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + pg + "/" + db);
        p.put("quarkus.datasource.username", Infra.DB_USER);
        p.put("quarkus.datasource.password", Infra.DB_PASSWORD);
        p.put("batchwire.upstreams.company.url", "http://127.0.0.1:" + upstream.port() + "/companies?domain={domain}");
        p.put("batchwire.upstreams.company.timeout", "10s");
        p.put("batchwire.tenants.seed.cluster.api-key", API_KEY);
        p.put("batchwire.admin.api-key", ADMIN_KEY);
        p.put("batchwire.downloads.signing-key", "cluster-it-" + UUID.randomUUID() + UUID.randomUUID());
        p.put("batchwire.secrets.key", "cluster-it-" + UUID.randomUUID() + UUID.randomUUID());
        p.put("quarkus.log.console.json.enabled", "false");
        // a value may name the fake upstream's base URL as @UPSTREAM@
        more.forEach((k, v) -> p.put(k, v.replace(UPSTREAM, "http://127.0.0.1:" + upstream.port())));
        Path logs = Files.createDirectories(Path.of("target", "cluster"));
        return new Cluster(db, upstream, proxy, p, logs);
    }

    public FakeUpstream upstream() {
        return upstream;
    }

    public TcpProxy dbProxy() {
        return dbProxy;
    }

    /** Starts replica {@code name} (again, if it ran before) and waits until it is ready. */
    public ServiceProcess startReplica(String name) throws IOException {
        startReplicas(name);
        return replicas.get(name);
    }

    /**
     * Starts the replicas all at once, as a deployment's pods come up (their migrations and seeds racing), and waits
     * until every one is ready.
     */
    public void startReplicas(String... names) throws IOException {
        List<ServiceProcess> started = new ArrayList<>();
        for (String name : names) {
            Path log = logs.resolve(db + "-" + name + "-" + System.currentTimeMillis() + ".log");
            ServiceProcess p = ServiceProcess.start(JAR, "256m", properties, List.of(), log);
            replicas.put(name, p);
            started.add(p);
        }
        for (ServiceProcess p : started) {
            p.awaitReady(Duration.ofSeconds(120));
        }
    }

    public ServiceProcess replica(String name) {
        return replicas.get(name);
    }

    /** This replica's id in the cluster (as {@code GET /admin/v1/replicas} on it says). */
    public UUID replicaId(String name) throws Exception {
        for (JsonNode r : get(name, "/admin/v1/replicas").path("items")) {
            if (r.path("self").asBoolean()) {
                return UUID.fromString(r.path("id").asText());
            }
        }
        throw new IllegalStateException("replica " + name + " does not list itself");
    }

    /** Submits a company job (one record per key) to replica {@code name}; returns its id. */
    public UUID submit(String name, List<String> keys) throws Exception {
        List<Map<String, String>> records = new ArrayList<>();
        keys.forEach(k -> records.add(Map.of("domain", k)));
        return submit(name, Map.of("type", "company", "records", records));
    }

    /** Sends {@code body} (as JSON; none if null) to replica {@code name}, with the tenant's and the admin key. */
    public HttpResponse<String> send(String name, String method, String path, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(replicas.get(name).uri(path))
                .header("X-API-Key", API_KEY).header("X-Admin-Key", ADMIN_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Submits {@code job} (the request body) to replica {@code name}; returns its id. */
    public UUID submit(String name, Map<String, ?> job) throws Exception {
        HttpResponse<String> r = send(name, "POST", "/v1/jobs", job);
        if (r.statusCode() != 202) {
            throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
        }
        return UUID.fromString(JSON.readTree(r.body()).path("id").asText());
    }

    public JsonNode get(String name, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(replicas.get(name).uri(path))
                .header("X-API-Key", API_KEY).header("X-Admin-Key", ADMIN_KEY)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The HTTP status a replica answers on {@code path} (-1 if it does not answer). */
    public int status(String name, String path) {
        try {
            return http.send(HttpRequest.newBuilder(replicas.get(name).uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The sum of a Prometheus metric's samples on replica {@code name} whose labels contain {@code labels}; 0 if none. */
    public double metric(String name, String metric, String labels) {
        try {
            String text = http.send(HttpRequest.newBuilder(replicas.get(name).uri("/q/metrics")).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            return text.lines().filter(l -> l.startsWith(metric + "{") && l.contains(labels))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    /** A connection to the cluster's database, directly (not through the proxy). */
    public Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + Infra.PG + "/" + db, Infra.DB_USER, Infra.DB_PASSWORD);
    }

    /** A count; a {@code UUID[]} argument is passed as an SQL {@code uuid[]}. */
    public long count(String sql, Object... args) throws SQLException {
        try (Connection c = jdbc(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i] instanceof UUID[] ids ? c.createArrayOf("uuid", ids) : args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Each key of {@code keys} sent to the fake upstream more than once, with how often. */
    public Map<String, Integer> duplicates(List<String> keys) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String k : keys) {
            int n = upstream.requests(k).size();
            if (n > 1) {
                out.put(k, n);
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        for (ServiceProcess p : replicas.values()) {
            p.kill();
        }
        if (dbProxy != null) {
            dbProxy.close();
        }
        upstream.stop();
        Infra.dropDatabase(db);
    }
}
