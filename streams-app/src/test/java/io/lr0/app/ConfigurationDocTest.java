package io.lr0.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key with its default, so the two cannot drift apart. */
class ConfigurationDocTest {

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (ConfigDef.ConfigKey key : Lr0Config.DEFINITION.configKeys().values()) {
            String row = doc.lines()
                    .filter(line -> line.startsWith("| `" + key.name + "` |"))
                    .findFirst()
                    .orElse(null);
            assertTrue(row != null, "docs/configuration.md has no row for " + key.name);
            String defaultValue = key.defaultValue instanceof List<?> list
                    ? String.join(",", list.stream().map(Object::toString).toList())
                    : key.defaultValue instanceof Password password
                            ? password.value()
                            : String.valueOf(key.defaultValue);
            assertTrue(row.contains("`" + defaultValue + "`"), key.name + " row lacks its default " + defaultValue);
        }
    }
}
