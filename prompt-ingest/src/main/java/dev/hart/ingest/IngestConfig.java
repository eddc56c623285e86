package dev.hart.ingest;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Settings of one {@link PromptIngestApp} instance. Build with {@link #builder} or read from properties with
 * {@link #fromProperties}.
 *
 * <p>Properties: {@code bootstrap.servers}, {@code schema.registry.url} (required); {@code application.id}
 * (hart-prompt-ingest); {@code state.dir} (a temporary directory deleted on close); {@code hart.ingest.http.port}
 * (-1 off, 0 any free port; default 8088), {@code hart.ingest.http.host} (bind and advertised host, default
 * 127.0.0.1); {@code hart.ingest.prompt.filter.class} (default {@link BlocklistPromptFilter}) and
 * {@code hart.ingest.blocklist.file}; {@code hart.ingest.topics.create} (create missing topics at start, default
 * true) and {@code hart.ingest.topics.partitions} (1); the {@link PromptRules} keys. Every other key (security,
 * Streams tuning) is passed to Kafka Streams unchanged.
 */
public final class IngestConfig {
    public static final String DEFAULT_APPLICATION_ID = "hart-prompt-ingest";
    public static final int DEFAULT_HTTP_PORT = 8088;

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final String applicationId;
    private final Path stateDir;
    private final int httpPort;
    private final String httpHost;
    private final PromptRules rules;
    private final PromptFilter filter;
    private final boolean createTopics;
    private final int topicPartitions;
    private final Map<String, Object> streamsOverrides;

    private IngestConfig(Builder b) {
        this.bootstrapServers = require(b.bootstrapServers, "bootstrap.servers");
        this.schemaRegistryUrl = require(b.schemaRegistryUrl, "schema.registry.url");
        this.applicationId = require(b.applicationId, "application.id");
        this.stateDir = b.stateDir;
        if (b.httpPort < -1 || b.httpPort > 65535) {
            throw new IllegalArgumentException("hart.ingest.http.port must be -1 (off), 0 (any free port) or 1..65535, got "
                    + b.httpPort);
        }
        this.httpPort = b.httpPort;
        this.httpHost = require(b.httpHost, "hart.ingest.http.host");
        this.rules = Objects.requireNonNull(b.rules, "rules");
        this.filter = Objects.requireNonNull(b.filter, "filter");
        this.createTopics = b.createTopics;
        if (b.topicPartitions < 1) {
            throw new IllegalArgumentException("hart.ingest.topics.partitions must be >= 1, got " + b.topicPartitions);
        }
        this.topicPartitions = b.topicPartitions;
        this.streamsOverrides = Map.copyOf(b.streamsOverrides);
    }

    private static String require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("prompt-ingest needs '" + name + "'");
        }
        return value.trim();
    }

    public static Builder builder(String bootstrapServers, String schemaRegistryUrl) {
        return new Builder().bootstrapServers(bootstrapServers).schemaRegistryUrl(schemaRegistryUrl);
    }

    public static IngestConfig fromProperties(Properties p) {
        Map<String, String> all = new HashMap<>();
        p.stringPropertyNames().forEach(k -> all.put(k, p.getProperty(k)));
        Builder b = new Builder()
                .bootstrapServers(all.remove("bootstrap.servers"))
                .schemaRegistryUrl(all.remove("schema.registry.url"))
                .rules(PromptRules.fromProperties(p))
                .filter(filterFrom(all));
        String appId = all.remove("application.id");
        if (appId != null) {
            b.applicationId(appId);
        }
        String stateDir = all.remove("state.dir");
        if (stateDir != null) {
            b.stateDir(Path.of(stateDir));
        }
        String port = all.get("hart.ingest.http.port");
        if (port != null) {
            b.httpPort(Integer.parseInt(port.trim()));
        }
        String host = all.get("hart.ingest.http.host");
        if (host != null) {
            b.httpHost(host);
        }
        String create = all.get("hart.ingest.topics.create");
        if (create != null) {
            b.createTopics(Boolean.parseBoolean(create.trim()));
        }
        String partitions = all.get("hart.ingest.topics.partitions");
        if (partitions != null) {
            b.topicPartitions(Integer.parseInt(partitions.trim()));
        }
        all.forEach((k, v) -> {
            if (!k.startsWith("hart.") && !k.startsWith("schema.registry.")) {
                b.streamsOverride(k, v);
            }
        });
        return b.build();
    }

    private static PromptFilter filterFrom(Map<String, String> props) {
        String className = props.get("hart.ingest.prompt.filter.class");
        PromptFilter filter;
        if (className == null || className.isBlank()) {
            filter = new BlocklistPromptFilter();
        } else {
            try {
                Object made = Class.forName(className.trim()).getDeclaredConstructor().newInstance();
                if (!(made instanceof PromptFilter f)) {
                    throw new IllegalArgumentException("hart.ingest.prompt.filter.class " + className
                            + " does not implement " + PromptFilter.class.getName());
                }
                filter = f;
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("Cannot create prompt filter " + className
                        + " (needs a public no-argument constructor): " + e, e);
            }
        }
        Map<String, String> hartProps = new HashMap<>();
        props.forEach((k, v) -> {
            if (k.startsWith("hart.ingest.")) {
                hartProps.put(k, v);
            }
        });
        filter.configure(hartProps);
        return filter;
    }

    public String bootstrapServers() { return bootstrapServers; }
    public String schemaRegistryUrl() { return schemaRegistryUrl; }
    public String applicationId() { return applicationId; }
    /** Null: a temporary directory, deleted on close. */
    public Path stateDir() { return stateDir; }
    public int httpPort() { return httpPort; }
    public String httpHost() { return httpHost; }
    public PromptRules rules() { return rules; }
    public PromptFilter filter() { return filter; }
    public boolean createTopics() { return createTopics; }
    public int topicPartitions() { return topicPartitions; }
    public Map<String, Object> streamsOverrides() { return streamsOverrides; }

    public static final class Builder {
        private String bootstrapServers;
        private String schemaRegistryUrl;
        private String applicationId = DEFAULT_APPLICATION_ID;
        private Path stateDir;
        private int httpPort = DEFAULT_HTTP_PORT;
        private String httpHost = "127.0.0.1";
        private PromptRules rules = PromptRules.defaults();
        private PromptFilter filter = new BlocklistPromptFilter();
        private boolean createTopics = true;
        private int topicPartitions = 1;
        private final Map<String, Object> streamsOverrides = new HashMap<>();

        public Builder bootstrapServers(String v) { this.bootstrapServers = v; return this; }
        public Builder schemaRegistryUrl(String v) { this.schemaRegistryUrl = v; return this; }
        public Builder applicationId(String v) { this.applicationId = v; return this; }
        public Builder stateDir(Path v) { this.stateDir = v; return this; }
        /** -1: no HTTP server; 0: any free port. */
        public Builder httpPort(int v) { this.httpPort = v; return this; }
        public Builder httpHost(String v) { this.httpHost = v; return this; }
        public Builder rules(PromptRules v) { this.rules = v; return this; }
        public Builder filter(PromptFilter v) { this.filter = v; return this; }
        public Builder createTopics(boolean v) { this.createTopics = v; return this; }
        public Builder topicPartitions(int v) { this.topicPartitions = v; return this; }
        /** A Kafka Streams property that replaces the app's default. */
        public Builder streamsOverride(String key, Object value) { this.streamsOverrides.put(key, value); return this; }
        public IngestConfig build() { return new IngestConfig(this); }
    }
}
