package dev.hart.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hart.schemas.avro.JobProgress;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Job progress over HTTP (interactive queries of the app's job-progress store):
 * <pre>
 * GET /jobs/{id}  -> 200 {"jobId", "submitted", "rejected", "generated", "failed", "firstEventAtMs", "lastEventAtMs",
 *                         "recentRejectReasons": [...]}; 404 unknown job; 503 store not queryable yet (rebalancing)
 * GET /jobs       -> 200 [ ...every job this instance holds... ]
 * GET /health     -> 200 {"status":"UP","state":"RUNNING"} or 503 DOWN
 * </pre>
 * With several instances, a job held by another instance is fetched from it ({@code application.server}).
 */
public final class JobProgressHttpServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;
    private final PromptIngestApp app;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    JobProgressHttpServer(String host, int port, PromptIngestApp app) {
        this.app = app;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 32);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the job progress HTTP port " + host + ":" + port, e);
        }
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ingest-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, error("only GET is supported"));
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            if (path.equals("/health")) {
                boolean up = app.isRunning();
                send(ex, up ? 200 : 503, JSON.createObjectNode().put("status", up ? "UP" : "DOWN")
                        .put("state", app.state().toString()).toString());
            } else if (path.equals("/jobs") || path.equals("/jobs/")) {
                ArrayNode all = JSON.createArrayNode();
                app.localJobs().forEach(p -> all.add(JobProgressJson.toJson(p)));
                send(ex, 200, all.toString());
            } else if (path.startsWith("/jobs/")) {
                String jobId = URLDecoder.decode(path.substring("/jobs/".length()), StandardCharsets.UTF_8);
                boolean localOnly = query != null && query.contains("local=true");
                Optional<HostInfo> owner = localOnly ? Optional.empty() : app.remoteOwner(jobId);
                if (owner.isPresent()) {
                    forward(ex, owner.get(), jobId);
                    return;
                }
                Optional<JobProgress> progress = app.jobProgress(jobId);
                if (progress.isPresent()) {
                    send(ex, 200, JobProgressJson.toJsonString(progress.get()));
                } else {
                    send(ex, 404, error("unknown job '" + jobId + "' (no request, reject or image seen for it yet)"));
                }
            } else {
                send(ex, 404, error("no such resource: " + path + " (try /jobs/{id}, /jobs, /health)"));
            }
        } catch (InvalidStateStoreException e) {
            sendQuietly(ex, 503, error("job progress is not queryable right now (starting or rebalancing): " + e.getMessage()));
        } catch (RuntimeException e) {
            sendQuietly(ex, 500, error(e.toString()));
        } catch (IOException e) {
            // the client went away
        }
    }

    private void forward(HttpExchange ex, HostInfo owner, String jobId) throws IOException {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + "/jobs/"
                + URLEncoder.encode(jobId, StandardCharsets.UTF_8).replace("+", "%20") + "?local=true");
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            send(ex, r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(ex, 503, error("interrupted while asking " + owner));
        } catch (IOException e) {
            send(ex, 502, error("instance " + owner.host() + ":" + owner.port() + " holding job '" + jobId
                    + "' did not answer: " + e.getMessage()));
        }
    }

    private static String error(String message) {
        ObjectNode n = JSON.createObjectNode().put("error", message);
        return n.toString();
    }

    private static void sendQuietly(HttpExchange ex, int status, String body) {
        try {
            send(ex, status, body);
        } catch (IOException | RuntimeException ignored) {
            // headers may already be sent or the client gone
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        dev.hart.runtime.http.HttpResponses.send(ex, status, "application/json", body);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
