package dev.hart.runtime.registry;

import org.apache.avro.Schema;

/** One registered version: subject, version within the subject, global id, and the schema (text and parsed). */
public record StoredSchema(String subject, int version, int id, String schemaText, Schema schema) {
}
