package dev.hart.cli;

import dev.hart.ingest.PromptIngestMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hart ingest-app [PROPERTIES]}: the prompt-ingest Streams app as its own process, until SIGTERM. */
@Command(name = "ingest-app", mixinStandardHelpOptions = true,
        description = "Run the prompt-ingest Kafka Streams app (validate, filter, de-duplicate, seed, expand numImages,"
                + " reject to the DLQ, job progress over HTTP) until SIGTERM. Settings come from the properties file"
                + " (prompt-ingest/README.md lists the keys), then --bootstrap / --registry, HART_BOOTSTRAP / HART_REGISTRY,"
                + " then the defaults of 'hart cluster start' (localhost:9092, http://localhost:8081).")
public final class IngestAppCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "PROPERTIES", description = "properties file (bootstrap.servers, schema.registry.url, ...)")
    Path config;

    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        java.util.Properties p = PromptIngestMain.load(config, java.util.Map.of());
        if (p.getProperty(ClusterOptions.BOOTSTRAP_KEY) == null) {
            p.setProperty(ClusterOptions.BOOTSTRAP_KEY, cluster.bootstrapServers());
        }
        if (p.getProperty(ClusterOptions.REGISTRY_KEY) == null) {
            p.setProperty(ClusterOptions.REGISTRY_KEY, cluster.registryUrl());
        }
        PromptIngestMain.run(p);
        return 0;
    }
}
