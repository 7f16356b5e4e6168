package io.lr0.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A test whose package is missing fails naming it and the line that installs it; a present one passes. */
class RequiredToolsTest {
    @Test
    void aMissingPackageIsNamedWithItsInstallLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("requirements.tsv");
        Files.writeString(
                file,
                "# comment\nbash\tcommand -v bash\tthe shell\nlr0-nonesuch\tcommand -v lr0-no-such-binary\ta check\n");
        RequiredTools.require(file, "bash");
        AssertionError missing =
                assertThrows(AssertionError.class, () -> RequiredTools.require(file, "bash", "lr0-nonesuch"));
        assertTrue(missing.getMessage().contains("lr0-nonesuch (a check)"), missing.getMessage());
        assertTrue(
                missing.getMessage().contains("sudo apt-get install -y --no-install-recommends lr0-nonesuch ("),
                missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RequiredTools.require(file, "unlisted"));
    }
}
