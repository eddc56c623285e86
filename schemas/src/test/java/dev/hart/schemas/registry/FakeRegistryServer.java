package dev.hart.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tiny Confluent-REST-compatible registry for tests (JDK HttpServer on loopback), storing schemas in
 * a {@link MockSchemaRegistryClient}. It answers errors as the real registry does:
 * {@code {"error_code": N, "message": "..."}}.
 */
final class FakeRegistryServer implements AutoCloseable {
    record Request(String method, String path, String contentType, String authorization, String body) {
    }

    final MockSchemaRegistryClient store = new MockSchemaRegistryClient();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicReference<String> requiredUserInfo = new AtomicReference<>();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;

    FakeRegistryServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            requests.add(new Request(method, rawPath, exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            String needed = requiredUserInfo.get();
            if (needed != null) {
                String expected = "Basic " + Base64.getEncoder().encodeToString(needed.getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    error(exchange, 401, 401, "Unauthorized");
                    return;
                }
            }
            String[] parts = rawPath.substring(1).split("/");
            for (int i = 0; i < parts.length; i++) {
                parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
            }
            try {
                route(exchange, method, parts, body);
            } catch (IncompatibleSchemaException e) {
                error(exchange, 409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                        + e.subject() + "\", details: " + e.reasons());
            } catch (SchemaNotFoundException e) {
                error(exchange, 404, e.errorCode(), e.getMessage());
            } catch (SchemaParseException e) {
                error(exchange, 422, 42201, "Invalid schema: " + e.getMessage());
            }
        }
    }

    private void route(HttpExchange exchange, String method, String[] p, String body) throws IOException {
        if (method.equals("GET") && p.length == 3 && p[0].equals("schemas") && p[1].equals("ids")) {
            ObjectNode answer = json.createObjectNode();
            answer.put("schema", store.getSchemaById(Integer.parseInt(p[2])).toString());
            send(exchange, 200, answer);
        } else if (method.equals("POST") && p.length == 3 && p[0].equals("subjects") && p[2].equals("versions")) {
            ObjectNode answer = json.createObjectNode();
            answer.put("id", store.register(p[1], schemaOf(body)));
            send(exchange, 200, answer);
        } else if (method.equals("POST") && p.length == 2 && p[0].equals("subjects")) {
            int id = store.getId(p[1], schemaOf(body));
            send(exchange, 200, version(p[1], store.versionOf(p[1], id)));
        } else if (method.equals("POST") && p.length == 5 && p[0].equals("compatibility")) {
            if (!store.getAllSubjects().contains(p[2])) {
                throw new SchemaNotFoundException("Subject '" + p[2] + "' not found.", SchemaNotFoundException.SUBJECT_NOT_FOUND);
            }
            CompatibilityResult result = store.testCompatibility(p[2], schemaOf(body));
            ObjectNode answer = json.createObjectNode();
            answer.put("is_compatible", result.compatible());
            ArrayNode messages = answer.putArray("messages");
            result.messages().forEach(messages::add);
            send(exchange, 200, answer);
        } else if (method.equals("GET") && p.length == 1 && p[0].equals("subjects")) {
            ArrayNode answer = json.createArrayNode();
            store.getAllSubjects().forEach(answer::add);
            send(exchange, 200, answer);
        } else if (method.equals("GET") && p.length == 3 && p[0].equals("subjects") && p[2].equals("versions")) {
            ArrayNode answer = json.createArrayNode();
            store.getAllVersions(p[1]).forEach(answer::add);
            send(exchange, 200, answer);
        } else if (method.equals("GET") && p.length == 4 && p[0].equals("subjects") && p[3].equals("latest")) {
            send(exchange, 200, version(p[1], store.getLatestSchema(p[1]).version()));
        } else {
            error(exchange, 404, 404, "HTTP 404 Not Found");
        }
    }

    private ObjectNode version(String subject, int version) {
        RegisteredSchema registered = store.getVersion(subject, version);
        ObjectNode answer = json.createObjectNode();
        answer.put("subject", subject);
        answer.put("id", registered.id());
        answer.put("version", registered.version());
        answer.put("schema", registered.schema().toString());
        return answer;
    }

    private Schema schemaOf(String body) throws IOException {
        JsonNode node = json.readTree(body);
        return new Schema.Parser().parse(node.get("schema").asText());
    }

    private void error(HttpExchange exchange, int status, int code, String message) throws IOException {
        ObjectNode answer = json.createObjectNode();
        answer.put("error_code", code);
        answer.put("message", message);
        send(exchange, status, answer);
    }

    private void send(HttpExchange exchange, int status, JsonNode answer) throws IOException {
        byte[] bytes = json.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
