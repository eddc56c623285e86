package dev.hart.stage.decoder;

import java.io.IOException;

/**
 * Where the decoder stage puts images. Writes are idempotent by request id: the stage writes before its Kafka
 * transaction commits, so a batch that is retried (after a crash, a rebalance or an abort) writes the same requests
 * again, and that must never leave two copies or a half-written file.
 */
public interface ImageSink extends AutoCloseable {

    /** Writes the image and its metadata, or finds them already written; returns the image's URI. */
    String write(ImageRecord image) throws IOException;

    /**
     * Whether the image of this request is already written and durable (a resumed job skips it). Sinks that cannot
     * tell answer false, and the request is generated again and written idempotently.
     */
    default boolean contains(String jobId, String requestId) throws IOException {
        return false;
    }

    /** Makes everything written so far durable; the stage calls it before committing the batch. */
    default void flush() throws IOException {
    }

    @Override
    void close() throws IOException;
}
