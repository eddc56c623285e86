package dev.hart.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the cluster is: a picocli mixin every command that talks to Kafka shares
 * ({@code @Mixin ClusterOptions cluster;}).
 *
 * <p>Each setting is taken from the first of: the command-line flag, the {@code --config} properties file
 * ({@code bootstrap.servers}, {@code schema.registry.url}), the environment ({@code HART_BOOTSTRAP},
 * {@code HART_REGISTRY}), the default ({@code localhost:9092}, {@code http://localhost:8081}). The file may hold
 * any other Kafka client property (security, timeouts, ...); {@link #clientConfig()} passes them all on.
 */
public final class ClusterOptions {
    public static final String ENV_BOOTSTRAP = "HART_BOOTSTRAP";
    public static final String ENV_REGISTRY = "HART_REGISTRY";
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    public static final String DEFAULT_REGISTRY = "http://localhost:8081";
    public static final String BOOTSTRAP_KEY = "bootstrap.servers";
    public static final String REGISTRY_KEY = "schema.registry.url";

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (else --config's bootstrap.servers, else $" + ENV_BOOTSTRAP
                    + ", else " + DEFAULT_BOOTSTRAP + ")")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL",
            description = "Schema registry URL (else --config's schema.registry.url, else $" + ENV_REGISTRY
                    + ", else " + DEFAULT_REGISTRY + ")")
    String registry;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Kafka client properties file (security, timeouts, ...; may set bootstrap.servers and schema.registry.url)")
    Path configFile;

    private Map<String, String> env = System.getenv();
    private Properties fileProps;

    public ClusterOptions() {
    }

    /** For code and tests: explicit values (any may be null) and an explicit environment. */
    public ClusterOptions(String bootstrap, String registry, Path configFile, Map<String, String> env) {
        this.bootstrap = bootstrap;
        this.registry = registry;
        this.configFile = configFile;
        this.env = env == null ? Map.of() : env;
    }

    /** Kafka bootstrap servers, resolved as described in the class comment. */
    public String bootstrapServers() {
        return resolve(bootstrap, BOOTSTRAP_KEY, ENV_BOOTSTRAP, DEFAULT_BOOTSTRAP);
    }

    /** Schema registry URL, resolved as described in the class comment. */
    public String registryUrl() {
        return resolve(registry, REGISTRY_KEY, ENV_REGISTRY, DEFAULT_REGISTRY);
    }

    /** The properties file's entries (empty without {@code --config}). */
    public Properties fileProperties() {
        if (fileProps == null) {
            Properties p = new Properties();
            if (configFile != null) {
                try (Reader in = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                    p.load(in);
                } catch (NoSuchFileException e) {
                    throw new IllegalArgumentException("--config file not found: " + configFile.toAbsolutePath());
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read --config file " + configFile + ": " + e.getMessage(), e);
                }
            }
            fileProps = p;
        }
        return fileProps;
    }

    /** Every client property: the file's entries, then the resolved bootstrap servers and registry URL. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        fileProperties().forEach((k, v) -> config.put(k.toString(), v.toString()));
        config.put(BOOTSTRAP_KEY, bootstrapServers());
        config.put(REGISTRY_KEY, registryUrl());
        return config;
    }

    private String resolve(String flag, String fileKey, String envKey, String fallback) {
        if (flag != null && !flag.isBlank()) {
            return flag.trim();
        }
        String fromFile = fileProperties().getProperty(fileKey);
        if (fromFile != null && !fromFile.isBlank()) {
            return fromFile.trim();
        }
        String fromEnv = env.get(envKey);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        return fallback;
    }
}
