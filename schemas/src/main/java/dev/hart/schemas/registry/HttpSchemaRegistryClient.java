package dev.hart.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Confluent Schema Registry REST API v1 client over {@link HttpClient}. Caches id to schema (ids are
 * immutable) and (subject, schema) to id. Several base URLs may be given; the next one is tried when a
 * connection fails, never after the registry has answered.
 */
public class HttpSchemaRegistryClient implements SchemaRegistryClient {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final int MAX_ERROR_BODY_CHARS = 500;

    private final List<URI> baseUris;
    private final String authorization; // null without basic auth
    private final Duration requestTimeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    /** A client for one or more base URLs (comma-separated accepted), no auth, 30 s timeout. */
    public HttpSchemaRegistryClient(String baseUrls) {
        this(baseUrls, null, Duration.ofSeconds(30));
    }

    /**
     * @param baseUrls     comma-separated registry URLs, e.g. {@code http://localhost:8081}
     * @param userInfo     {@code user:password} for HTTP basic auth, or null
     * @param requestTimeout per-request timeout (also used as connect timeout)
     */
    public HttpSchemaRegistryClient(String baseUrls, String userInfo, Duration requestTimeout) {
        this.baseUris = parseUrls(baseUrls);
        if (userInfo != null && !userInfo.isEmpty()) {
            if (!userInfo.contains(":")) {
                throw new IllegalArgumentException("basic auth user info must be 'user:password'");
            }
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        } else {
            this.authorization = null;
        }
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), subject);
        int id = requireInt(answer, "id", "register");
        remember(subject, schema, id);
        return id;
    }

    @Override
    public int getId(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject), schemaBody(schema), subject);
        int id = requireInt(answer, "id", "lookup");
        remember(subject, schema, id);
        return id;
    }

    @Override
    public Schema getSchemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null, null);
        Schema schema = parseSchema(answer, "schema id " + id);
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode answer;
        try {
            answer = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                    schemaBody(schema), subject);
        } catch (SchemaNotFoundException e) {
            return CompatibilityResult.ok(); // nothing registered yet: nothing to be incompatible with
        }
        JsonNode flag = answer.get("is_compatible");
        if (flag == null || !flag.isBoolean()) {
            throw new SchemaRegistryException("registry compatibility answer has no boolean 'is_compatible': "
                    + abbreviate(answer.toString()), 200, -1);
        }
        List<String> messages = new ArrayList<>();
        JsonNode list = answer.get("messages");
        if (list != null && list.isArray()) {
            list.forEach(m -> messages.add(m.asText()));
        }
        return new CompatibilityResult(flag.booleanValue(), messages);
    }

    @Override
    public RegisteredSchema getLatestSchema(String subject) {
        JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null, subject);
        int id = requireInt(answer, "id", "latest version");
        Schema schema = parseSchema(answer, "subject " + subject);
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, requireInt(answer, "version", "latest version"), id, schema);
    }

    @Override
    public List<String> getAllSubjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null, null).forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    @Override
    public List<Integer> getAllVersions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("GET", "/subjects/" + encode(subject) + "/versions", null, subject).forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    // ---------------------------------------------------------------- HTTP

    private JsonNode call(String method, String path, String body, String subject) {
        SchemaRegistryException lastConnectionFailure = null;
        for (URI base : baseUris) {
            URI uri = URI.create(base.toString() + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Accept", ACCEPT);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE)
                        .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while calling the schema registry " + method + " " + uri, e);
            } catch (IOException e) {
                lastConnectionFailure = new SchemaRegistryException("cannot reach the schema registry at " + uri + ": " + e, e);
                continue;
            }
            return handle(method, uri, response, subject);
        }
        throw lastConnectionFailure;
    }

    private JsonNode handle(String method, URI uri, HttpResponse<String> response, String subject) {
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        JsonNode node = null;
        try {
            node = text.isEmpty() ? null : json.readTree(text);
        } catch (IOException e) {
            if (status / 100 == 2) {
                throw new SchemaRegistryException("schema registry " + method + " " + uri + " answered " + status
                        + " with a body that is not JSON: " + abbreviate(text), status, -1);
            }
        }
        if (status / 100 == 2) {
            if (node == null) {
                throw new SchemaRegistryException("schema registry " + method + " " + uri + " answered " + status
                        + " with an empty body", status, -1);
            }
            return node;
        }
        int errorCode = node != null && node.hasNonNull("error_code") ? node.get("error_code").asInt(-1) : -1;
        String message = node != null && node.hasNonNull("message") ? node.get("message").asText() : abbreviate(text);
        if (status == 409 || errorCode == IncompatibleSchemaException.ERROR_CODE) {
            throw new IncompatibleSchemaException(subject == null ? "?" : subject, List.of(message));
        }
        String where = "schema registry " + method + " " + uri + " failed with HTTP " + status
                + (errorCode >= 0 ? " (error_code " + errorCode + ")" : "") + ": " + message;
        if (status == 404) {
            throw new SchemaNotFoundException(where, errorCode);
        }
        if (status == 401 || status == 403) {
            throw new SchemaRegistryException(where + " (check basic.auth.user.info)", status, errorCode);
        }
        throw new SchemaRegistryException(where, status, errorCode);
    }

    // ---------------------------------------------------------------- helpers

    private String schemaBody(Schema schema) {
        Objects.requireNonNull(schema, "schema");
        ObjectNode body = json.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private Schema parseSchema(JsonNode answer, String what) {
        JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new SchemaRegistryException(what + " is a " + type.asText() + " schema; only AVRO is supported", 200, -1);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("registry answer for " + what + " has no 'schema' string: "
                    + abbreviate(answer.toString()), 200, -1);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("registry returned an unparseable Avro schema for " + what + ": " + e.getMessage(), e);
        }
    }

    private static int requireInt(JsonNode answer, String field, String what) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException("registry " + what + " answer has no integer '" + field + "': "
                    + abbreviate(answer.toString()), 200, -1);
        }
        return value.intValue();
    }

    private Integer cachedId(String subject, Schema schema) {
        requireSubject(subject);
        Objects.requireNonNull(schema, "schema");
        Map<Schema, Integer> ids = idsBySubject.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private static String encode(String subject) {
        requireSubject(subject);
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be null or blank");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_ERROR_BODY_CHARS ? text : text.substring(0, MAX_ERROR_BODY_CHARS) + "...";
    }

    private static List<URI> parseUrls(String baseUrls) {
        if (baseUrls == null || baseUrls.isBlank()) {
            throw new IllegalArgumentException("schema registry URL must not be empty");
        }
        List<URI> uris = new ArrayList<>();
        for (String part : baseUrls.split(",")) {
            String url = part.trim();
            if (url.isEmpty()) {
                continue;
            }
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid schema registry URL '" + url + "'", e);
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("schema registry URL '" + url + "' must start with http:// or https://");
            }
            uris.add(uri);
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("schema registry URL must not be empty");
        }
        return List.copyOf(uris);
    }
}
