package dev.hart.stage.ar;

import dev.hart.model.inference.ArResult;

import java.util.List;

/**
 * The autoregressive part of a loaded checkpoint (text encoder, transformer, quantizer pieces). Runs a batch of
 * requests together; every random draw of a request comes from its own seed, so a result never depends on which
 * other requests shared the batch.
 */
public interface ArModel extends AutoCloseable {

    /** Id of the checkpoint whose weights are loaded. */
    String checkpointId();

    /** The checkpoint's number of residual-diffusion steps, used when a request leaves it open. */
    int defaultDiffusionSteps();

    /** One result per request, in order. */
    List<ArResult> generate(List<ArRequest> requests);

    @Override
    default void close() {
    }
}
