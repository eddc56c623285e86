package dev.hart.runtime.stage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} (Prometheus text) and {@code GET /health}: {"status":"UP"}; {"status":"DEGRADED"} (still 200:
 * the stage waits for the broker and resumes by itself, restarting it would not help); or 503 {"status":"DOWN"}.
 */
public final class StageHttpServer implements AutoCloseable {
    /** What /health reports. */
    public enum Health { UP, DEGRADED, DOWN }

    private final HttpServer server;

    /**
     * @param port   0 for any free port
     * @param health the stage's current state
     */
    public StageHttpServer(String bindAddress, int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the metrics/health port " + bindAddress + ":" + port, e);
        }
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext("/health", ex -> {
            Health h = health.get();
            respond(ex, h == Health.DOWN ? 503 : 200, "application/json", "{\"status\":\"" + h + "\"}");
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "stage-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            dev.hart.runtime.http.HttpResponses.send(ex, status, contentType, body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
