package io.batchwire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package layering the README's design notes list (between {@code <!-- layers -->} markers, top to bottom):
 * every reference from one package of {@code src/main/java} to another (imports and fully qualified names) must go
 * to a lower line. Fails on an import that goes up or sideways, and on a package the list does not name.
 */
class LayeringTest {

    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.batchwire((?:\\.[a-z]\\w*)+)\\.[A-Z]");
    private static final Pattern PACKAGE = Pattern.compile("^package io\\.batchwire((?:\\.[a-z]\\w*)*);", Pattern.MULTILINE);

    @Test
    void everyImportGoesToALowerLayer() throws IOException {
        Map<String, Integer> level = layers();
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/batchwire"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = Files.readString(f);
                Matcher pm = PACKAGE.matcher(source);
                assertThat(pm.find()).as(f + " has a package").isTrue();
                String from = name(pm.group(1));
                assertThat(level).as("the README's layers name package " + from).containsKey(from);
                Matcher m = REFERENCE.matcher(source);
                while (m.find()) {
                    String to = name(m.group(1));
                    if (to.equals(from)) {
                        continue;
                    }
                    assertThat(level).as("the README's layers name package " + to + " (used by " + f + ")").containsKey(to);
                    if (level.get(to) <= level.get(from)) {
                        wrong.add(f + ": " + from + " (layer " + level.get(from) + ") uses " + to + " (layer " + level.get(to) + ")");
                    }
                }
            }
        }
        assertThat(wrong).as("imports that go up or sideways").isEmpty();
    }

    /** Package (below io.batchwire) to its line in the README's list, 1 = top. */
    private static Map<String, Integer> layers() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("<!-- layers -->");
        int to = readme.indexOf("<!-- /layers -->");
        assertThat(from).as("README.md has the layers list").isPositive();
        Map<String, Integer> level = new HashMap<>();
        Matcher line = Pattern.compile("^\\s*(\\d+)\\. (.*)$", Pattern.MULTILINE).matcher(readme.substring(from, to));
        while (line.find()) {
            int n = Integer.parseInt(line.group(1));
            String packages = line.group(2).split(":", 2)[0];
            Matcher p = Pattern.compile("`([a-z.]+)`").matcher(packages);
            while (p.find()) {
                level.put(p.group(1), n);
            }
        }
        assertThat(level).as("layers listed").hasSizeGreaterThan(5);
        return level;
    }

    private static String name(String dotted) {
        return dotted.startsWith(".") ? dotted.substring(1) : dotted;
    }
}
