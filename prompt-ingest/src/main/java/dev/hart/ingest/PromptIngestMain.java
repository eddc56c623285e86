package dev.hart.ingest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the prompt-ingest Streams app as its own process until SIGTERM:
 * {@code java dev.hart.ingest.PromptIngestMain [app.properties]}. Settings come from the file ({@link IngestConfig}
 * keys), then the environment ({@code HART_BOOTSTRAP}, {@code HART_REGISTRY}) for what the file leaves out.
 */
public final class PromptIngestMain {
    private PromptIngestMain() {
    }

    public static void main(String[] args) throws Exception {
        run(load(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
    }

    /** Runs the app with these settings until SIGTERM. */
    public static void run(Properties p) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        PromptIngestApp app = new PromptIngestApp(IngestConfig.fromProperties(p));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "prompt-ingest-stop"));
        app.start();
        System.out.println("prompt-ingest running" + (app.httpUrl() == null ? "" : "; job progress at " + app.httpUrl()
                + "/jobs/{id}"));
        stopped.await();
    }

    /** The properties file's entries, with bootstrap and registry from the environment when the file has none. */
    public static Properties load(Path file, Map<String, String> env) throws IOException {
        Properties p = new Properties();
        if (file != null) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
        }
        if (p.getProperty("bootstrap.servers") == null && env.get("HART_BOOTSTRAP") != null) {
            p.setProperty("bootstrap.servers", env.get("HART_BOOTSTRAP"));
        }
        if (p.getProperty("schema.registry.url") == null && env.get("HART_REGISTRY") != null) {
            p.setProperty("schema.registry.url", env.get("HART_REGISTRY"));
        }
        return p;
    }
}
