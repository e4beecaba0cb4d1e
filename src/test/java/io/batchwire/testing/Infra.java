package io.batchwire.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The real parts the service runs on in tests and the benchmark: fresh PostgreSQL databases and Kafka brokers. */
public final class Infra {

    /** The PostgreSQL server (host:port) the tests and the benchmark make their databases on. */
    public static final String PG = System.getenv().getOrDefault("BATCHWIRE_TEST_PG",
            System.getenv().getOrDefault("BATCHWIRE_BENCH_PG", "127.0.0.1:5432"));
    public static final String DB_USER = "batchwire";
    public static final String DB_PASSWORD = "batchwire";

    private Infra() {
    }

    /** Drops and creates {@code db}, owned by role {@code batchwire} (created if missing). */
    public static void createDatabase(String db) throws SQLException {
        if (!db.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("a database name must be a plain lower-case identifier, was " + db);
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + PG + "/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + DB_USER + "'")) {
                if (!r.next()) {
                    s.execute("CREATE ROLE " + DB_USER + " LOGIN PASSWORD '" + DB_PASSWORD + "'");
                }
            }
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + db + " OWNER " + DB_USER);
        }
    }

    public static void dropDatabase(String db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + PG + "/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    /**
     * Drops the databases named like {@code pattern} (an SQL LIKE pattern ending in the owner's pid) whose test JVM is
     * gone: a killed run leaves its database behind, a live one keeps it.
     */
    public static void dropStale(String pattern) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + PG + "/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            List<String> stale = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + pattern + "'")) {
                while (r.next()) {
                    stale.add(r.getString(1));
                }
            }
            for (String name : stale) {
                String pid = name.substring(name.lastIndexOf('_') + 1);
                if (pid.chars().allMatch(Character::isDigit) && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                }
            }
        }
    }

    /** Records without an outcome yet, and jobs already on Kafka (for backlog mode). */
    public static long[] backlog(String db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + PG + "/" + db, DB_USER, DB_PASSWORD);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("""
                     SELECT (SELECT count(*) FROM job_records WHERE status = 'pending'),
                            (SELECT count(*) FROM jobs WHERE dispatched_at IS NOT NULL)""")) {
            r.next();
            return new long[]{r.getLong(1), r.getLong(2)};
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A broker started with {@code kafka/kafka.sh} on free ports and a throw-away data dir; {@link #close} resets it. */
    public static final class Broker implements AutoCloseable {

        private final Path dir;
        private final int port;
        private final int controllerPort;

        private Broker(Path dir, int port, int controllerPort) {
            this.dir = dir;
            this.port = port;
            this.controllerPort = controllerPort;
        }

        private static Broker shared;

        /**
         * One broker for the whole test JVM, started on first use and reset when the JVM exits: for tests that each
         * bring their own topics ({@link #topics}), so they need not wait for a broker each.
         */
        public static synchronized Broker shared() throws Exception {
            if (shared == null) {
                Broker b = start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        b.kafka("reset", null);
                    } catch (Exception e) {
                        System.err.println("could not stop the shared test broker: " + e.getMessage());
                    }
                }, "shared-broker-stop"));
                shared = b;
            }
            return shared;
        }

        /**
         * Creates the topics of {@code kafka/topics.txt} named {@code prefix.<name>} instead of
         * {@code batchwire.<name>}, and answers the service properties that point a service at them
         * ({@code batchwire.topics.<name>}) with consumer groups of their own: replicas so configured share the
         * broker with others and never see their messages.
         */
        public Map<String, String> topics(String prefix) throws Exception {
            Map<String, String> props = new LinkedHashMap<>();
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("kafka", "topics.txt"))) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] parts = t.split("\\s+");
                String name = parts[0].substring("batchwire.".length());
                lines.add(prefix + "." + name + " " + parts[1]);
                props.put("batchwire.topics." + name, prefix + "." + name);
            }
            Path file = Files.createTempFile(dir, "topics-", ".txt");
            Files.write(file, lines);
            kafka("topics", file);
            // every consumer group the service configures, so a channel added there gets one of its own here too
            Properties service = new Properties();
            try (var in = Files.newBufferedReader(Path.of("src", "main", "resources", "application.properties"))) {
                service.load(in);
            }
            for (String key : service.stringPropertyNames()) {
                if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.group\\.id")) {
                    props.put(key, prefix + "." + key.split("\\.")[3]);
                }
            }
            return props;
        }

        public static Broker start() throws Exception {
            Broker b = new Broker(Files.createTempDirectory("batchwire-kafka-"), freePort(), freePort());
            try {
                b.kafka("start", null);
            } catch (Exception e) {
                b.close();
                throw e;
            }
            return b;
        }

        public String bootstrap() {
            return "127.0.0.1:" + port;
        }

        public long pid() {
            try {
                return Long.parseLong(Files.readString(dir.resolve("kafka.pid")).trim());
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        }

        @Override
        public void close() throws Exception {
            if (this == shared) {
                throw new IllegalStateException("the shared broker is reset when the JVM exits, not by a test");
            }
            kafka("reset", null);
        }

        private void kafka(String command, Path topicsFile) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder("bash", Path.of("kafka", "kafka.sh").toAbsolutePath().toString(), command)
                    .redirectErrorStream(true);
            pb.environment().put("KAFKA_PORT", String.valueOf(port));
            pb.environment().put("KAFKA_CONTROLLER_PORT", String.valueOf(controllerPort));
            pb.environment().put("BATCHWIRE_KAFKA_DIR", dir.toString());
            if (topicsFile != null) {
                pb.environment().put("KAFKA_TOPICS_FILE", topicsFile.toString());
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("kafka/kafka.sh " + command + " failed:\n" + out);
            }
        }
    }
}
