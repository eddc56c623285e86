package dev.hart.schemas.registry;

import org.apache.avro.Schema;

/** One version of a subject: its global schema id, its version number within the subject, and the schema. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
}
