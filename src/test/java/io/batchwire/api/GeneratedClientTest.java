package io.batchwire.api;

import io.batchwire.testing.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client generated from the served {@code /q/openapi} by openapi-generator (the CLI from Maven Central, copied to
 * target/openapi-generator by the build; Java, native library: java.net.http and Jackson) works against the running
 * service: the test generates it into target/generated-client, compiles it with {@code ClientDriver} (a small program
 * written against the generated API, in src/test/resources/generated-client) and runs that, which submits a job,
 * waits for it and reads its results through the generated classes only. A property the document misnames would
 * come back null (or fail the generated model's strict read) and the assertions here would see it.
 */
@QuarkusTest
class GeneratedClientTest {

    private static final Path DIR = Path.of("target", "generated-client");

    @TestHTTPResource("/")
    URI base;

    @Test
    void aClientGeneratedFromTheServedDocumentSubmitsAJobAndReadsItsResults() throws Exception {
        Path jar = Path.of(System.getProperty("openapi-generator.jar", "target/openapi-generator/openapi-generator-cli.jar"));
        assertThat(jar).as("openapi-generator CLI (copied by maven-dependency-plugin in generate-test-resources)").exists();
        deleteTree(DIR);
        Files.createDirectories(DIR);
        Path spec = DIR.resolve("openapi.json");
        Files.writeString(spec, given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString());

        Path out = DIR.resolve("client");
        Process generator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString(), "generate", "-i", spec.toString(), "-g", "java", "--library", "native",
                "-o", out.toString(), "--invoker-package", "io.batchwire.client", "--api-package", "io.batchwire.client.api",
                "--model-package", "io.batchwire.client.model",
                "--additional-properties", "openApiNullable=false,useJakartaEe=true,hideGenerationTimestamp=true",
                "--global-property", "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false")
                .redirectErrorStream(true).redirectOutput(DIR.resolve("generator.log").toFile()).start();
        assertThat(generator.waitFor(5, TimeUnit.MINUTES)).as("openapi-generator finished within 5 minutes").isTrue();
        assertThat(generator.exitValue()).as("openapi-generator exit code; see " + DIR.resolve("generator.log")).isZero();

        List<File> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(out.resolve("src/main/java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> sources.add(f.toFile()));
        }
        Path driverSource = DIR.resolve("driver/io/batchwire/client/ClientDriver.java");
        Files.createDirectories(driverSource.getParent());
        try (var in = getClass().getResourceAsStream("/generated-client/ClientDriver.java")) {
            assertThat(in).as("the driver source").isNotNull();
            Files.write(driverSource, in.readAllBytes());
        }
        sources.add(driverSource.toFile());
        Path classes = DIR.resolve("classes");
        Files.createDirectories(classes);
        compile(sources, classes);

        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> type = loader.loadClass("io.batchwire.client.ClientDriver");
            Object driver = type.getConstructor(String.class, String.class)
                    .newInstance(base.toString(), Api.newTenant().tenant().apiKey());
            String id = (String) type.getMethod("submit").invoke(driver);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> List.of("completed", "failed", "cancelled").contains((String) type.getMethod("state", String.class).invoke(driver, id)));
            @SuppressWarnings("unchecked")
            Map<String, Object> seen = (Map<String, Object>) type.getMethod("read", String.class).invoke(driver, id);

            assertThat(seen.get("state")).isEqualTo("completed");
            assertThat(seen.get("total_records")).isEqualTo(3);
            assertThat(seen.get("created_at")).as("a snake_case date read by the generated model").isNotNull();
            assertThat(seen.get("started_at")).isNotNull();
            assertThat(seen.get("finished_at")).isNotNull();
            assertThat(seen.get("results_link")).asString().endsWith("/results");
            assertThat(seen.get("succeeded")).isEqualTo(2);
            assertThat(seen.get("failed")).isEqualTo(1);
            assertThat(seen.get("metadata")).isEqualTo(Map.of("pipeline", "generated-client"));
            assertThat(seen.get("pages")).as("three results, two a page").isEqualTo(2);
            assertThat(seen.get("results")).isEqualTo(List.of("a:succeeded:200", "b:succeeded:200", "c:failed:404"));
            assertThat(seen.get("result_started_at")).isNotNull();
            assertThat(seen.get("one")).isEqualTo("b:succeeded");
            assertThat(seen.get("missing_status")).isEqualTo(404);
        }
    }

    private static void compile(List<File> sources, Path classes) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK with javac").isNotNull();
        // what the generated code needs (Jackson with java.time, jakarta.annotation), from where the service has it
        String classpath = Stream.of(com.fasterxml.jackson.databind.ObjectMapper.class,
                        com.fasterxml.jackson.annotation.JsonProperty.class, com.fasterxml.jackson.core.JsonParser.class,
                        com.fasterxml.jackson.datatype.jsr310.JavaTimeModule.class, jakarta.annotation.Generated.class)
                .map(c -> {
                    try {
                        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).distinct().reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, files, diagnostics, List.of("-d", classes.toString(), "-classpath", classpath,
                    "--release", "21", "-nowarn", "-proc:none"), null, files.getJavaFileObjectsFromFiles(sources)).call();
            assertThat(ok).as("the generated client compiles: " + diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR).limit(10).map(Object::toString).toList()).isTrue();
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
