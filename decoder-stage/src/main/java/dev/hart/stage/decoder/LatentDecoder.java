package dev.hart.stage.decoder;

import dev.hart.model.inference.TensorData;

import java.util.List;

/** The tokenizer decoder of a loaded checkpoint: final {@code f_hat} to pixels. */
public interface LatentDecoder extends AutoCloseable {

    /** Id of the checkpoint whose decoder weights are loaded. */
    String checkpointId();

    /**
     * Latents {@code f_hat} [Cvae, P, P], all of one shape, to pixels [3, H, W] in [0, 1] (the reference's
     * {@code (img + 1) / 2}) in one model call; each image depends only on its own latent.
     */
    List<TensorData> decodePixels(List<TensorData> fHats);

    /** Throws IllegalArgumentException unless a latent of this declared shape can be decoded (checked before reading it). */
    void checkLatentShape(long[] shape);

    @Override
    default void close() {
    }
}
