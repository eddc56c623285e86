package dev.hart.schemas.registry;

import org.apache.avro.Schema;

import java.util.List;

/**
 * The subset of the Confluent Schema Registry REST API v1 the pipeline uses, for Avro schemas.
 * Implementations: {@link HttpSchemaRegistryClient} (a real or embedded registry over HTTP) and
 * {@link MockSchemaRegistryClient} (in memory, for tests and single-process use). All failures are
 * {@link SchemaRegistryException}s (unchecked); implementations are thread-safe.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers {@code schema} under {@code subject} (or finds it if already there) and returns its
     * global id. {@code POST /subjects/{subject}/versions}.
     *
     * @throws IncompatibleSchemaException if the subject's compatibility level refuses it
     */
    int register(String subject, Schema schema);

    /**
     * Id of a schema already registered under {@code subject}. {@code POST /subjects/{subject}}.
     *
     * @throws SchemaNotFoundException if the subject or the schema under it is unknown
     */
    int getId(String subject, Schema schema);

    /** The schema with this global id. {@code GET /schemas/ids/{id}}; cached. */
    Schema getSchemaById(int id);

    /**
     * Would {@code schema} be accepted by {@code subject}'s compatibility level against its latest
     * version? {@code POST /compatibility/subjects/{subject}/versions/latest}. A subject with no
     * versions accepts anything.
     */
    CompatibilityResult testCompatibility(String subject, Schema schema);

    /** The newest version of a subject. {@code GET /subjects/{subject}/versions/latest}. */
    RegisteredSchema getLatestSchema(String subject);

    /** All subjects. {@code GET /subjects}. */
    List<String> getAllSubjects();

    /** Version numbers of a subject, ascending. {@code GET /subjects/{subject}/versions}. */
    List<Integer> getAllVersions(String subject);

    /** Releases resources; the default does nothing. */
    @Override
    default void close() {
    }
}
