package io.lr0.registry;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serde and client settings, under the same keys as Confluent's serdes so a configuration moves between the two
 * unchanged. Keys with the {@code schema.registry.} prefix (as Confluent also accepts for the auth keys) win.
 */
public record RegistryConfig(
        List<URI> urls,
        String userInfo,
        boolean autoRegisterSchemas,
        boolean useLatestVersion,
        boolean specificAvroReader,
        SubjectNameStrategy keySubjectNameStrategy,
        SubjectNameStrategy valueSubjectNameStrategy,
        Path trustStore,
        String trustStorePassword) {

    /** Comma-separated base URLs of the registry; tried in order. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Where basic-auth credentials come from: {@code USER_INFO} (the key below) or {@code URL} (user:pass@host). */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for basic auth when the source is USER_INFO. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Register the writer's schema on first use (default true); when false the schema must already be there. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Write with the subject's latest schema (records are converted to it) instead of their own. Default false. */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Deserialize to the generated specific classes instead of GenericRecord. Default false. */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    /** Subject name strategy of keys: Confluent's TopicNameStrategy (default), RecordNameStrategy, TopicRecordNameStrategy. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** Subject name strategy of values, as for keys. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    /** Trust store for an https registry whose certificate the JVM's default CAs do not sign. */
    public static final String SSL_TRUSTSTORE_LOCATION = "ssl.truststore.location";

    public static final String SSL_TRUSTSTORE_PASSWORD = "ssl.truststore.password";

    private static final String PREFIX = "schema.registry.";

    public static RegistryConfig from(Map<String, ?> configs) {
        Object rawUrls = configs.get(SCHEMA_REGISTRY_URL);
        if (rawUrls == null || rawUrls.toString().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + " is required (e.g. http://127.0.0.1:8081)");
        }
        List<URI> urls = new ArrayList<>();
        for (String url : rawUrls.toString().split(",")) {
            urls.add(parseUrl(url.trim()));
        }
        String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE, "URL");
        String userInfo = switch (source.toUpperCase()) {
            case "USER_INFO" -> {
                String info = string(configs, BASIC_AUTH_USER_INFO, null);
                if (info == null || !info.contains(":")) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO + " must be 'user:password' when "
                            + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
                }
                yield info;
            }
            case "URL" -> urls.get(0).getUserInfo();
            default ->
                throw new ConfigException(
                        BASIC_AUTH_CREDENTIALS_SOURCE, source, "supported sources are USER_INFO and URL");
        };
        String trustStore = string(configs, SSL_TRUSTSTORE_LOCATION, null);
        return new RegistryConfig(
                List.copyOf(urls),
                userInfo,
                bool(configs, AUTO_REGISTER_SCHEMAS, true),
                bool(configs, USE_LATEST_VERSION, false),
                bool(configs, SPECIFIC_AVRO_READER, false),
                SubjectNameStrategy.parse(KEY_SUBJECT_NAME_STRATEGY, string(configs, KEY_SUBJECT_NAME_STRATEGY, null)),
                SubjectNameStrategy.parse(
                        VALUE_SUBJECT_NAME_STRATEGY, string(configs, VALUE_SUBJECT_NAME_STRATEGY, null)),
                trustStore == null || trustStore.isBlank() ? null : Path.of(trustStore),
                string(configs, SSL_TRUSTSTORE_PASSWORD, null));
    }

    /** Secrets are not printed: a logged configuration must not leak the credentials. */
    @Override
    public String toString() {
        return "RegistryConfig[urls="
                + urls.stream().map(RegistryConfig::redacted).toList()
                + ", userInfo=" + (userInfo == null ? "none" : "[hidden]") + ", autoRegisterSchemas="
                + autoRegisterSchemas + ", useLatestVersion=" + useLatestVersion + ", specificAvroReader="
                + specificAvroReader + ", keySubjectNameStrategy=" + keySubjectNameStrategy
                + ", valueSubjectNameStrategy="
                + valueSubjectNameStrategy + ", trustStore=" + trustStore + "]";
    }

    /** The URL without its user:password part, for messages and logs. */
    public static String redacted(URI url) {
        return url.getUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "");
    }

    private static URI parseUrl(String url) {
        try {
            URI uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("scheme must be http or https");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, e.getMessage());
        }
    }

    private static String string(Map<String, ?> configs, String key, String fallback) {
        Object value = configs.containsKey(PREFIX + key) ? configs.get(PREFIX + key) : configs.get(key);
        return value == null ? fallback : value.toString();
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean fallback) {
        String value = string(configs, key, null);
        if (value == null) {
            return fallback;
        }
        if (!Arrays.asList("true", "false").contains(value.trim().toLowerCase())) {
            throw new ConfigException(key, value, "expected true or false");
        }
        return Boolean.parseBoolean(value.trim());
    }
}
