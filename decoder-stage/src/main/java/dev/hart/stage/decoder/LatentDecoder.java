package dev.hart.stage.decoder;

import dev.hart.model.pipeline.TensorData;

/** The tokenizer decoder of a loaded checkpoint: final {@code f_hat} to pixels. */
public interface LatentDecoder extends AutoCloseable {

    /** Id of the checkpoint whose decoder weights are loaded. */
    String checkpointId();

    /** {@code f_hat} [Cvae, P, P] to an image [3, H, W] with values in [-1, 1]. */
    TensorData decode(TensorData fHat);

    @Override
    default void close() {
    }
}
