// Creates the topics of a topics file (lines "<name> <partitions>", '#' comments) on a
// Kafka broker, idempotently, in one JVM. Run by kafka/kafka.sh on the broker's classpath:
//
//   java -cp <broker classpath> kafka/CreateTopics.java <bootstrap> <topics-file>
//
// Exit codes: 0 ok, 1 broker not reachable / admin error, 2 bad arguments or topics file.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

public class CreateTopics {

    private static final short REPLICATION_FACTOR = 1;

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            fail(2, "usage: CreateTopics <bootstrap-servers> <topics-file>");
        }
        String bootstrap = args[0];
        Map<String, Integer> wanted = parse(Path.of(args[1]));

        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "batchwire-kafka-sh");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");

        try (Admin admin = Admin.create(props)) {
            // Proves the broker really answers (metadata round trip) before anything else.
            int nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            if (nodes == 0) {
                fail(1, "broker at " + bootstrap + " reports no nodes");
            }
            if (wanted.isEmpty()) {
                log("no topics defined in " + args[1]);
                return;
            }

            List<NewTopic> newTopics = new ArrayList<>();
            wanted.forEach((name, partitions) -> newTopics.add(new NewTopic(name, partitions, REPLICATION_FACTOR)));
            CreateTopicsResult result = admin.createTopics(newTopics);

            List<String> created = new ArrayList<>();
            List<String> existing = new ArrayList<>();
            for (var e : result.values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                    created.add(e.getKey());
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof TopicExistsException) {
                        existing.add(e.getKey());
                    } else {
                        fail(1, "creating topic " + e.getKey() + " failed: " + ex.getCause());
                    }
                }
            }

            // Verify: every topic exists; warn when an existing topic has another partition count.
            Map<String, TopicDescription> described =
                    admin.describeTopics(wanted.keySet()).allTopicNames().get(30, TimeUnit.SECONDS);
            for (Map.Entry<String, Integer> e : wanted.entrySet()) {
                int actual = described.get(e.getKey()).partitions().size();
                String state = created.contains(e.getKey()) ? "created" : "exists";
                log(String.format("topic %-32s partitions=%d (%s)", e.getKey(), actual, state));
                if (actual != e.getValue()) {
                    log("WARNING: topic " + e.getKey() + " has " + actual + " partitions but "
                            + e.getValue() + " are defined; it was left unchanged (`kafka.sh reset` recreates it)");
                }
            }
        } catch (java.util.concurrent.TimeoutException e) {
            fail(1, "broker at " + bootstrap + " did not answer in time");
        } catch (ExecutionException e) {
            fail(1, "admin request to " + bootstrap + " failed: " + e.getCause());
        }
    }

    private static Map<String, Integer> parse(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            fail(2, "topics file not found: " + file);
        }
        Map<String, Integer> topics = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = file + ":" + (i + 1) + ": ";
            if (parts.length != 2) {
                fail(2, where + "expected '<name> <partitions>', got '" + line + "'");
            }
            if (!parts[0].matches("[a-zA-Z0-9._-]{1,249}")) {
                fail(2, where + "invalid topic name '" + parts[0] + "'");
            }
            int partitions;
            try {
                partitions = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                partitions = -1;
            }
            if (partitions < 1) {
                fail(2, where + "partitions must be a positive integer, got '" + parts[1] + "'");
            }
            if (topics.put(parts[0], partitions) != null) {
                fail(2, where + "topic '" + parts[0] + "' defined twice");
            }
        }
        return topics;
    }

    private static void log(String msg) {
        System.err.println("kafka.sh: " + msg);
    }

    private static void fail(int code, String msg) {
        System.err.println("kafka.sh: ERROR: " + msg);
        System.exit(code);
    }
}
