package dev.hart.schemas.serde;

import dev.hart.schemas.registry.HttpSchemaRegistryClient;
import dev.hart.schemas.registry.MockSchemaRegistryClient;
import dev.hart.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration of the Avro serde. Keys mirror Confluent's {@code KafkaAvroSerializerConfig} /
 * {@code KafkaAvroDeserializerConfig} so the same properties drive Confluent's classes when a user
 * swaps them in ({@code key.serializer=io.confluent.kafka.serializers.KafkaAvroSerializer} etc.).
 */
public final class AvroSerdeConfig {
    /** Comma-separated registry URLs; {@code mock://<scope>} uses an in-memory registry shared per scope. Required. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** {@code USER_INFO} (default: use {@link #BASIC_AUTH_USER_INFO}) or {@code URL} (user info in the URL). */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for HTTP basic auth. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Alias of {@link #BASIC_AUTH_USER_INFO}, also accepted by Confluent. */
    public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    /** Serializer: register the record's schema if needed (default true); false = look up its id only. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Deserializer: must be true or absent here (this deserializer always returns specific records). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** Deserializer: generated class (name or Class) to read keys into; default: the class named by the writer schema. */
    public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";
    /** Deserializer: generated class (name or Class) to read values into; default: the class named by the writer schema. */
    public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";
    /** TopicNameStrategy (default), RecordNameStrategy or TopicRecordNameStrategy. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** TopicNameStrategy (default), RecordNameStrategy or TopicRecordNameStrategy. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    /** HART-specific: registry HTTP timeout in ms (default 30000). Confluent's classes ignore it. */
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    public static final String MOCK_URL_PREFIX = "mock://";

    private final String url;
    private final String userInfo;
    private final boolean autoRegister;
    private final boolean specificReader;
    private final Class<? extends SpecificRecord> keyType;
    private final Class<? extends SpecificRecord> valueType;
    private final SubjectNameStrategy keyStrategy;
    private final SubjectNameStrategy valueStrategy;
    private final Duration requestTimeout;

    private AvroSerdeConfig(Map<String, ?> configs) {
        Object rawUrl = configs.get(SCHEMA_REGISTRY_URL);
        this.url = rawUrl == null ? null : rawUrl.toString().trim();
        String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO").toUpperCase(Locale.ROOT);
        String info = string(configs, BASIC_AUTH_USER_INFO, string(configs, SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, null));
        if ("URL".equals(source) && url != null && !url.startsWith(MOCK_URL_PREFIX)) {
            info = URI.create(url.split(",")[0].trim()).getUserInfo();
        } else if (!"USER_INFO".equals(source) && !"URL".equals(source)) {
            throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source, "supported: USER_INFO, URL");
        }
        this.userInfo = info;
        this.autoRegister = bool(configs, AUTO_REGISTER_SCHEMAS, true);
        this.specificReader = bool(configs, SPECIFIC_AVRO_READER, true);
        this.keyType = recordClass(configs, SPECIFIC_AVRO_KEY_TYPE);
        this.valueType = recordClass(configs, SPECIFIC_AVRO_VALUE_TYPE);
        this.keyStrategy = SubjectNameStrategy.parse(configs.get(KEY_SUBJECT_NAME_STRATEGY), KEY_SUBJECT_NAME_STRATEGY);
        this.valueStrategy = SubjectNameStrategy.parse(configs.get(VALUE_SUBJECT_NAME_STRATEGY), VALUE_SUBJECT_NAME_STRATEGY);
        long timeoutMs = Long.parseLong(string(configs, REQUEST_TIMEOUT_MS, "30000"));
        if (timeoutMs <= 0) {
            throw new ConfigException(REQUEST_TIMEOUT_MS, timeoutMs, "must be positive");
        }
        this.requestTimeout = Duration.ofMillis(timeoutMs);
    }

    /** Parses the Kafka client configs given to {@code configure}. */
    public static AvroSerdeConfig parse(Map<String, ?> configs) {
        return new AvroSerdeConfig(configs == null ? Map.of() : configs);
    }

    /** A registry client for {@link #SCHEMA_REGISTRY_URL}: the shared mock for {@code mock://scope}, HTTP otherwise. */
    public SchemaRegistryClient createClient() {
        if (url == null || url.isEmpty()) {
            throw new ConfigException("Missing required configuration '" + SCHEMA_REGISTRY_URL
                    + "' (e.g. http://localhost:8081, or mock://<scope> for an in-memory registry)");
        }
        if (url.startsWith(MOCK_URL_PREFIX)) {
            return MockSchemaRegistryClient.forScope(url.substring(MOCK_URL_PREFIX.length()));
        }
        try {
            return new HttpSchemaRegistryClient(stripUserInfo(url), userInfo, requestTimeout);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, e.getMessage());
        }
    }

    /** Called by the specific deserializer: {@code specific.avro.reader=false} asks for generic records, which it cannot give. */
    public void requireSpecificReader() {
        if (!specificReader) {
            throw new ConfigException(SPECIFIC_AVRO_READER, false, "SpecificAvroDeserializer reads generated (specific) "
                    + "classes only; leave it unset or true, or use GenericAvroDeserializer");
        }
    }

    public boolean autoRegister() {
        return autoRegister;
    }

    public Class<? extends SpecificRecord> recordType(boolean isKey) {
        return isKey ? keyType : valueType;
    }

    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        return isKey ? keyStrategy : valueStrategy;
    }

    private static String stripUserInfo(String urls) {
        StringBuilder out = new StringBuilder();
        for (String part : urls.split(",")) {
            String u = part.trim();
            int at = u.indexOf('@');
            int scheme = u.indexOf("://");
            if (at > 0 && scheme > 0 && at > scheme) {
                u = u.substring(0, scheme + 3) + u.substring(at + 1);
            }
            out.append(out.length() == 0 ? "" : ",").append(u);
        }
        return out.toString();
    }

    private static String string(Map<String, ?> configs, String key, String fallback) {
        Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof org.apache.kafka.common.config.types.Password) {
            return ((org.apache.kafka.common.config.types.Password) value).value();
        }
        return value.toString().trim();
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean fallback) {
        Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException(key, value, "expected true or false");
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends SpecificRecord> recordClass(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        if (value == null) {
            return null;
        }
        Class<?> type;
        if (value instanceof Class) {
            type = (Class<?>) value;
        } else {
            try {
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                type = Class.forName(value.toString().trim(), true, loader != null ? loader : AvroSerdeConfig.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ConfigException(key, value, "class not found on the classpath");
            }
        }
        if (!SpecificRecord.class.isAssignableFrom(type)) {
            throw new ConfigException(key, value, "not an Avro generated (SpecificRecord) class");
        }
        return (Class<? extends SpecificRecord>) type;
    }
}
