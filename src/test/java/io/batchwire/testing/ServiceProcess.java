package io.batchwire.testing;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service in a JVM of its own, in prod mode: {@code java @deploy/jvm.options -Xmx<heap> -D... -jar quarkus-run.jar},
 * output to a log file. {@link #close} stops it (SIGTERM, then SIGKILL after 45 s).
 */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the service with {@code properties} as system properties and {@code jvmArgs} before them. */
    public static ServiceProcess start(Path jar, String heap, Map<String, String> properties, List<String> jvmArgs, Path log)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build the service first (./mvnw package, or run the benchmark with ./mvnw -Pbench verify)");
        }
        int port = Infra.freePort();
        // the service's own JVM flags, as the image and the quickstart run it
        List<String> cmd = new ArrayList<>(List.of(javaTool("java").toString(),
                "@" + Path.of("deploy", "jvm.options").toAbsolutePath(), "-Xmx" + heap));
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-Dquarkus.http.port=" + port);
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", jar.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServiceProcess(p, port, log);
    }

    /** {@code $JAVA_HOME/bin/<name>} of the JVM running the benchmark. */
    public static Path javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name);
    }

    public long pid() {
        return process.pid();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public Path log() {
        return log;
    }

    public void awaitReady(Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the service exited with " + process.exitValue()
                            + " during start-up; log " + log + ":\n" + tail(40));
                }
                try {
                    return http.send(HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException notYet) {
                    return false; // not listening yet
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("the service was not ready within " + timeout + "; log " + log + ":\n" + tail(40));
        }
    }

    /** Peak and current RSS (MiB) now. */
    public double[] rssMiB() {
        return new double[]{Proc.statusMiB(pid(), "VmHWM"), Proc.statusMiB(pid(), "VmRSS")};
    }

    /**
     * Heap in use right after a full GC, in MiB: {@code jcmd <pid> GC.run}, then the sum of
     * {@code jvm_memory_used_bytes{area="heap"}} from {@code /q/metrics}. -1 if either step fails.
     */
    public double heapAfterGcMiB() {
        try {
            Process jcmd = new ProcessBuilder(javaTool("jcmd").toString(), String.valueOf(pid()), "GC.run")
                    .redirectErrorStream(true).start();
            jcmd.getInputStream().readAllBytes();
            if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                return -1;
            }
            String metrics = http.send(HttpRequest.newBuilder(uri("/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double bytes = metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            return bytes > 0 ? bytes / (1024 * 1024) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, and waits up to {@code timeout} for the process to exit; its exit code, or -1 if it did not. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        return process.exitValue();
    }

    /** SIGKILL: the process dies at once, mid-work, as a crash does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(45, TimeUnit.SECONDS)) {
            System.err.println("bench: the service did not stop within 45 s; killing it");
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
