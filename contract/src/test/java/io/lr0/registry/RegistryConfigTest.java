package io.lr0.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

    @Test
    void confluentKeysAndDefaults() {
        RegistryConfig config = RegistryConfig.from(Map.of("schema.registry.url", "http://a:8081, https://b:8081"));
        assertEquals(2, config.urls().size());
        assertTrue(config.autoRegisterSchemas());
        assertFalse(config.useLatestVersion());
        assertFalse(config.specificAvroReader());
        assertNull(config.userInfo());
    }

    @Test
    void basicAuthFromUserInfoOrUrl() {
        assertEquals(
                "u:p",
                RegistryConfig.from(Map.of(
                                "schema.registry.url",
                                "http://h:1",
                                "basic.auth.credentials.source",
                                "USER_INFO",
                                "schema.registry.basic.auth.user.info",
                                "u:p"))
                        .userInfo());
        assertEquals(
                "x:y",
                RegistryConfig.from(Map.of("schema.registry.url", "http://x:y@h:1"))
                        .userInfo());
    }

    @Test
    void badSettingsNameTheKey() {
        assertTrue(assertThrows(ConfigException.class, () -> RegistryConfig.from(Map.of()))
                .getMessage()
                .contains("schema.registry.url"));
        assertTrue(
                assertThrows(ConfigException.class, () -> RegistryConfig.from(Map.of("schema.registry.url", "ftp://h")))
                        .getMessage()
                        .contains("schema.registry.url"));
        assertTrue(assertThrows(
                        ConfigException.class,
                        () -> RegistryConfig.from(
                                Map.of("schema.registry.url", "http://h", "auto.register.schemas", "yes")))
                .getMessage()
                .contains("auto.register.schemas"));
        assertTrue(assertThrows(
                        ConfigException.class,
                        () -> RegistryConfig.from(Map.of(
                                "schema.registry.url", "http://h", "basic.auth.credentials.source", "USER_INFO")))
                .getMessage()
                .contains("basic.auth.user.info"));
    }

    @Test
    void wireFormatHeader() {
        assertEquals("0001020304", HexFormat.of().formatHex(WireFormat.header(0x01020304)));
        ByteBuffer framed = ByteBuffer.allocate(7)
                .put(WireFormat.header(0x01020304))
                .put((byte) 9)
                .put((byte) 9)
                .flip();
        assertEquals(0x01020304, WireFormat.readSchemaId(framed));
        assertEquals(2, framed.remaining(), "left on the Avro body");
    }
}
