package dev.hart.runtime.stage;

import org.apache.kafka.common.errors.RetriableException;

import org.apache.kafka.common.errors.SerializationException;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

/**
 * Whether trying a record again can help. {@link #RETRIABLE}: network trouble (the schema registry or a remote sink
 * unreachable), timeouts, Kafka's retriable errors, other I/O errors (a sink briefly unwritable, a full disk) and
 * {@link RetriableStageException}; the runner retries those with backoff before dead-lettering. {@link #PERMANENT}:
 * everything else (bad bytes, an unknown schema, a checkpoint mismatch, invalid values, a record too large for
 * memory): retrying gives the same answer, so the record goes to the DLQ at once.
 */
public enum FailureClass {
    RETRIABLE, PERMANENT;

    /** The lower-case name written into dead letters ({@code retriable} / {@code permanent}). */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static FailureClass of(Throwable error) {
        boolean io = false;
        boolean badData = false;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.SocketException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.UnknownHostException || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof TimeoutException || t instanceof RetriableException
                    || t instanceof RetriableStageException) {
                return RETRIABLE;
            }
            // bytes that cannot be decoded fail the same way every time, even when reported as an IOException
            badData |= t instanceof SerializationException || t instanceof CharacterCodingException
                    || t instanceof EOFException || t.getClass().getName().startsWith("org.apache.avro.");
            io |= t instanceof IOException || t instanceof UncheckedIOException;
        }
        return io && !badData ? RETRIABLE : PERMANENT;
    }

    /** Parses {@code retriable} / {@code permanent} (any case). */
    public static FailureClass parse(String s) {
        for (FailureClass c : values()) {
            if (c.wireName().equalsIgnoreCase(s.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("failure class must be retriable or permanent, got '" + s + "'");
    }
}
