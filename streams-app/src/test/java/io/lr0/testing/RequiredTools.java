package io.lr0.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The Debian packages a test needs beyond the JDK, as tools/test-requirements.tsv lists them: a test calls
 * {@link #require} first and fails, naming each missing package and the line that installs it, rather than failing
 * later on a missing binary or module (or being skipped, which would hide that it never ran).
 */
public final class RequiredTools {
    private static final Path REQUIREMENTS = Path.of("..", "tools", "test-requirements.tsv");

    private RequiredTools() {}

    /** Fails unless every one of {@code packages} (names in the requirements file) is installed. */
    public static void require(String... packages) {
        require(REQUIREMENTS, packages);
    }

    /** {@link #require} against the requirements file {@code file}. */
    static void require(Path file, String... packages) {
        Map<String, String[]> known = requirements(file);
        List<String> missing = new ArrayList<>();
        List<String> why = new ArrayList<>();
        for (String name : packages) {
            String[] requirement = known.get(name);
            if (requirement == null) {
                throw new IllegalArgumentException(name + " is not in " + file + ": list it there first");
            }
            if (!present(requirement[0])) {
                missing.add(name);
                why.add(name + " (" + requirement[1] + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("This test needs Debian packages that are not installed: " + String.join("; ", why)
                    + ". Install them: sudo apt-get install -y --no-install-recommends " + String.join(" ", missing)
                    + " (or run tools/test.sh, which installs all that the tests need)");
        }
    }

    /** Package name -> {shell check, what needs it}. */
    private static Map<String, String[]> requirements(Path file) {
        Map<String, String[]> requirements = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.split("\t");
                if (!line.isBlank() && !line.startsWith("#") && fields.length == 3) {
                    requirements.put(fields[0], new String[] {fields[1], fields[2]});
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
        return requirements;
    }

    private static boolean present(String check) {
        try {
            Process process = new ProcessBuilder("bash", "-c", check)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
