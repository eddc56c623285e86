package dev.hart.runtime.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hart.schemas.registry.BackwardCompatibility;
import dev.hart.schemas.registry.CompatibilityResult;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small schema registry speaking the part of Confluent's REST API v1 that serdes use, so Confluent-compatible
 * clients work against the embedded default. Avro only, BACKWARD compatibility against the latest version, state in a
 * compacted Kafka topic ({@code _schemas} by default) so ids survive a restart.
 *
 * <pre>
 * POST /subjects/{s}/versions                       {"schema": "..."}  -> {"id": n}   (409 incompatible, 422 invalid)
 * POST /subjects/{s}                                 lookup             -> {"subject","version","id","schema"}
 * GET  /subjects, /subjects/{s}/versions, /subjects/{s}/versions/{v|latest}[/schema]
 * GET  /schemas/ids/{id}                                                -> {"schema": "..."}
 * POST /compatibility/subjects/{s}/versions/{v|latest}[?verbose=true] -> {"is_compatible": b[, "messages": [...]]}
 * GET  /config, /config/{s}                                             -> {"compatibilityLevel": "BACKWARD"}
 * </pre>
 * Errors are {@code {"error_code": n, "message": "..."}}: 40401 subject, 40402 version, 40403 schema not found,
 * 409 incompatible, 42201 invalid schema, 42202 invalid version.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    public static final String DEFAULT_TOPIC = "_schemas";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final String topic;
    private final int requestedPort;
    private KafkaSchemaStore store;
    private HttpServer server;
    private ExecutorService executor;

    /** A registry on any free loopback port, storing its state in {@code _schemas}. */
    public EmbeddedSchemaRegistry(String bootstrapServers) {
        this(bootstrapServers, DEFAULT_TOPIC, 0);
    }

    /**
     * @param topic the compacted topic holding the schemas
     * @param port  the loopback port to listen on, 0 for any free port
     */
    public EmbeddedSchemaRegistry(String bootstrapServers, String topic, int port) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("The schema registry needs Kafka bootstrap servers");
        }
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("The schema registry needs a topic name");
        }
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.requestedPort = port;
    }

    /** Reads the stored schemas, then starts answering HTTP. */
    public synchronized EmbeddedSchemaRegistry start() {
        if (server != null) {
            return this;
        }
        KafkaSchemaStore s = new KafkaSchemaStore(bootstrapServers, topic);
        s.start();
        store = s;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 32);
        } catch (IOException e) {
            s.close();
            throw new UncheckedIOException("Cannot open the schema registry port " + requestedPort, e);
        }
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "schema-registry-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        log.info("Embedded schema registry at {} (topic {}, {} subjects)", url(), topic, store.subjects().size());
        return this;
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        if (server == null) {
            throw new IllegalStateException("The schema registry is not started");
        }
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
            executor.shutdownNow();
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange ex) {
        try (ex) {
            try {
                JsonNode answer = route(ex.getRequestMethod(), segments(ex.getRequestURI().getRawPath()),
                        ex.getRequestURI().getRawQuery(), ex);
                send(ex, 200, answer);
            } catch (RegistryError e) {
                ObjectNode err = JSON.createObjectNode().put("error_code", e.code).put("message", e.getMessage());
                send(ex, e.status, err);
            } catch (RuntimeException e) {
                log.warn("schema registry request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                ObjectNode err = JSON.createObjectNode().put("error_code", 50001)
                        .put("message", "Error in the backend data store: " + e.getMessage());
                send(ex, 500, err);
            }
        } catch (IOException e) {
            log.debug("schema registry client went away", e);
        }
    }

    private JsonNode route(String method, List<String> p, String query, HttpExchange ex) throws IOException {
        int n = p.size();
        if (n == 0) {
            return JSON.createObjectNode();
        }
        switch (p.get(0)) {
            case "subjects" -> {
                if (n == 1) {
                    requireMethod(method, "GET");
                    ArrayNode subjects = JSON.createArrayNode();
                    store.subjects().forEach(subjects::add);
                    return subjects;
                }
                String subject = p.get(1);
                if (n == 2) {
                    requireMethod(method, "POST");
                    return lookup(subject, parseSchema(ex));
                }
                if (p.get(2).equals("versions")) {
                    if (n == 3 && method.equals("POST")) {
                        return register(subject, parseSchema(ex));
                    }
                    if (n == 3) {
                        requireMethod(method, "GET");
                        requireSubject(subject);
                        ArrayNode versions = JSON.createArrayNode();
                        store.versions(subject).forEach(versions::add);
                        return versions;
                    }
                    if (n == 4 || (n == 5 && p.get(4).equals("schema"))) {
                        requireMethod(method, "GET");
                        StoredSchema s = version(subject, p.get(3));
                        return n == 4 ? describe(s) : JSON.readTree(s.schemaText());
                    }
                }
            }
            case "schemas" -> {
                if (n == 3 && p.get(1).equals("ids")) {
                    requireMethod(method, "GET");
                    int id = parseInt(p.get(2), 40403, "schema id");
                    StoredSchema s = store.byId(id).orElseThrow(() ->
                            new RegistryError(404, 40403, "Schema " + id + " not found"));
                    return JSON.createObjectNode().put("schema", s.schemaText());
                }
            }
            case "compatibility" -> {
                if (n == 5 && p.get(1).equals("subjects") && p.get(3).equals("versions")) {
                    requireMethod(method, "POST");
                    Schema candidate = parseSchema(ex);
                    StoredSchema against = version(p.get(2), p.get(4));
                    CompatibilityResult r = BackwardCompatibility.check(candidate, against.schema());
                    ObjectNode answer = JSON.createObjectNode().put("is_compatible", r.compatible());
                    if (query != null && query.contains("verbose=true")) {
                        ArrayNode messages = answer.putArray("messages");
                        r.messages().forEach(messages::add);
                    }
                    return answer;
                }
            }
            case "config" -> {
                if (n <= 2) {
                    requireMethod(method, "GET");
                    return JSON.createObjectNode().put("compatibilityLevel", "BACKWARD");
                }
            }
            default -> {
            }
        }
        throw new RegistryError(404, 404, "HTTP 404 Not Found: " + method + " /" + String.join("/", p));
    }

    private JsonNode register(String subject, Schema schema) {
        synchronized (store) {
            Optional<StoredSchema> existing = store.find(subject, schema);
            if (existing.isPresent()) {
                return JSON.createObjectNode().put("id", existing.get().id());
            }
            Optional<StoredSchema> latest = store.latest(subject);
            if (latest.isPresent()) {
                CompatibilityResult r = BackwardCompatibility.check(schema, latest.get().schema());
                if (!r.compatible()) {
                    throw new RegistryError(409, 409, "Schema being registered is incompatible with an earlier schema"
                            + " for subject \"" + subject + "\" (BACKWARD), details: " + r.messages());
                }
            }
            StoredSchema stored = store.register(subject, schema);
            log.info("registered subject {} version {} as id {}", subject, stored.version(), stored.id());
            return JSON.createObjectNode().put("id", stored.id());
        }
    }

    private JsonNode lookup(String subject, Schema schema) {
        requireSubject(subject);
        StoredSchema s = store.find(subject, schema).orElseThrow(() ->
                new RegistryError(404, 40403, "Schema not found under subject '" + subject + "'"));
        return describe(s);
    }

    private static ObjectNode describe(StoredSchema s) {
        return JSON.createObjectNode().put("subject", s.subject()).put("version", s.version()).put("id", s.id())
                .put("schema", s.schemaText());
    }

    private StoredSchema version(String subject, String version) {
        requireSubject(subject);
        if (version.equals("latest") || version.equals("-1")) {
            return store.latest(subject).orElseThrow(() ->
                    new RegistryError(404, 40402, "Version latest not found for subject '" + subject + "'"));
        }
        int v = parseInt(version, 42202, "version");
        if (v < 1) {
            throw new RegistryError(422, 42202, "The specified version '" + version + "' is not a valid version id");
        }
        return store.version(subject, v).orElseThrow(() ->
                new RegistryError(404, 40402, "Version " + v + " not found for subject '" + subject + "'"));
    }

    private void requireSubject(String subject) {
        if (!store.hasSubject(subject)) {
            throw new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
        }
    }

    private static int parseInt(String text, int code, String what) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryError(code == 40403 ? 404 : 422, code, "Invalid " + what + " '" + text + "'");
        }
    }

    private static void requireMethod(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new RegistryError(405, 405, "HTTP 405 Method " + actual + " not allowed here, use " + expected);
        }
    }

    private static Schema parseSchema(HttpExchange ex) throws IOException {
        JsonNode body;
        try (InputStream in = ex.getRequestBody()) {
            body = JSON.readTree(in);
        } catch (IOException e) {
            throw new RegistryError(422, 42201, "Request body is not valid JSON: " + e.getMessage());
        }
        if (body == null || !body.hasNonNull("schema")) {
            throw new RegistryError(422, 42201, "Request body needs a \"schema\" field");
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            throw new RegistryError(422, 42201, "Only AVRO schemas are supported, got schemaType " + type);
        }
        if (body.has("references") && body.get("references").isArray() && !body.get("references").isEmpty()) {
            throw new RegistryError(422, 42201, "Schema references are not supported");
        }
        try {
            return new Schema.Parser().parse(body.get("schema").asText());
        } catch (SchemaParseException | NullPointerException | IllegalArgumentException e) {
            throw new RegistryError(422, 42201, "Invalid schema: " + e.getMessage());
        }
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** An answer with a registry error code. */
    private static final class RegistryError extends RuntimeException {
        final int status;
        final int code;

        RegistryError(int status, int code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }
}
