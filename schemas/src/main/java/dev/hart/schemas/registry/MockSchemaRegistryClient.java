package dev.hart.schemas.registry;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory registry with the Confluent registry's semantics: global ids from 1, the same schema gets
 * the same id in every subject, versions per subject from 1, and a compatibility level per subject
 * (default BACKWARD) enforced on register. Thread-safe.
 *
 * <p>Serdes configured with {@code schema.registry.url=mock://<scope>} share the instance returned by
 * {@link #forScope(String)}, as with Confluent's mock URLs.
 */
public class MockSchemaRegistryClient implements SchemaRegistryClient {
    private static final Map<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final List<Schema> schemasById = new ArrayList<>(); // id = index + 1
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<String, List<Integer>> idsBySubject = new LinkedHashMap<>(); // version = index + 1
    private final Map<String, CompatibilityLevel> levels = new HashMap<>();
    private CompatibilityLevel defaultLevel = CompatibilityLevel.BACKWARD;

    /** The shared instance for a {@code mock://scope} URL, created on first use. */
    public static MockSchemaRegistryClient forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new MockSchemaRegistryClient());
    }

    /** Forgets a scope (tests call this to start clean). */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    /** Sets the level used by subjects without their own. */
    public synchronized void setDefaultCompatibility(CompatibilityLevel level) {
        defaultLevel = level;
    }

    /** Sets one subject's compatibility level ({@code PUT /config/{subject}}). */
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        levels.put(subject, level);
    }

    public synchronized CompatibilityLevel getCompatibility(String subject) {
        return levels.getOrDefault(subject, defaultLevel);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        requireSubject(subject);
        requireSchema(schema);
        List<Integer> versions = idsBySubject.getOrDefault(subject, List.of());
        Integer existingId = idsBySchemaText.get(schema.toString());
        if (existingId != null && versions.contains(existingId)) {
            return existingId;
        }
        CompatibilityResult result = getCompatibility(subject).check(schema, schemasOf(versions));
        if (!result.compatible()) {
            throw new IncompatibleSchemaException(subject, result.messages());
        }
        int id = existingId != null ? existingId : newId(schema);
        idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized int getId(String subject, Schema schema) {
        requireSubject(subject);
        requireSchema(schema);
        List<Integer> versions = idsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaNotFoundException("Subject '" + subject + "' not found", SchemaNotFoundException.SUBJECT_NOT_FOUND);
        }
        Integer id = idsBySchemaText.get(schema.toString());
        if (id == null || !versions.contains(id)) {
            throw new SchemaNotFoundException("Schema " + schema.getFullName() + " is not registered under subject '"
                    + subject + "'", SchemaNotFoundException.SCHEMA_NOT_FOUND);
        }
        return id;
    }

    @Override
    public synchronized Schema getSchemaById(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new SchemaNotFoundException("Schema id " + id + " not found", SchemaNotFoundException.SCHEMA_NOT_FOUND);
        }
        return schemasById.get(id - 1);
    }

    @Override
    public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
        requireSubject(subject);
        requireSchema(schema);
        return getCompatibility(subject).check(schema, schemasOf(idsBySubject.getOrDefault(subject, List.of())));
    }

    @Override
    public synchronized RegisteredSchema getLatestSchema(String subject) {
        List<Integer> versions = versionsOf(subject);
        int version = versions.size();
        int id = versions.get(version - 1);
        return new RegisteredSchema(subject, version, id, getSchemaById(id));
    }

    /** One version of a subject ({@code GET /subjects/{subject}/versions/{version}}). */
    public synchronized RegisteredSchema getVersion(String subject, int version) {
        List<Integer> versions = versionsOf(subject);
        if (version < 1 || version > versions.size()) {
            throw new SchemaNotFoundException("Version " + version + " of subject '" + subject + "' not found",
                    SchemaNotFoundException.VERSION_NOT_FOUND);
        }
        int id = versions.get(version - 1);
        return new RegisteredSchema(subject, version, id, getSchemaById(id));
    }

    /** Version number of an id within a subject, or -1 if the subject does not hold it. */
    public synchronized int versionOf(String subject, int id) {
        List<Integer> versions = idsBySubject.getOrDefault(subject, List.of());
        int index = versions.indexOf(id);
        return index < 0 ? -1 : index + 1;
    }

    @Override
    public synchronized List<String> getAllSubjects() {
        return List.copyOf(idsBySubject.keySet());
    }

    @Override
    public synchronized List<Integer> getAllVersions(String subject) {
        List<Integer> versions = versionsOf(subject);
        List<Integer> numbers = new ArrayList<>(versions.size());
        for (int i = 1; i <= versions.size(); i++) {
            numbers.add(i);
        }
        return numbers;
    }

    private List<Integer> versionsOf(String subject) {
        requireSubject(subject);
        List<Integer> versions = idsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaNotFoundException("Subject '" + subject + "' not found", SchemaNotFoundException.SUBJECT_NOT_FOUND);
        }
        return versions;
    }

    private int newId(Schema schema) {
        schemasById.add(schema);
        int id = schemasById.size();
        idsBySchemaText.put(schema.toString(), id);
        return id;
    }

    private List<Schema> schemasOf(List<Integer> ids) {
        List<Schema> schemas = new ArrayList<>(ids.size());
        for (int id : ids) {
            schemas.add(schemasById.get(id - 1));
        }
        return schemas;
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be null or blank");
        }
    }

    private static void requireSchema(Schema schema) {
        if (schema == null) {
            throw new IllegalArgumentException("schema must not be null");
        }
    }
}
