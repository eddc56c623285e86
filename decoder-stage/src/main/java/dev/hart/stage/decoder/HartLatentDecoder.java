package dev.hart.stage.decoder;

import ai.djl.ndarray.NDManager;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.pipeline.ImageDecoder;
import dev.hart.model.pipeline.TensorData;
import dev.hart.runtime.pipeline.CheckpointId;

import java.nio.file.Path;

/** The checkpoint's tokenizer decoder ({@code post_quant_conv} + decoder only), via the model's {@link ImageDecoder}. */
public final class HartLatentDecoder implements LatentDecoder {
    private final String checkpointId;
    private final NDManager manager;
    private final HartCheckpointDir checkpoint;
    private final ImageDecoder decoder;

    private HartLatentDecoder(String checkpointId, NDManager manager, HartCheckpointDir checkpoint, ImageDecoder decoder) {
        this.checkpointId = checkpointId;
        this.manager = manager;
        this.checkpoint = checkpoint;
        this.decoder = decoder;
    }

    /** Loads the decode path of the checkpoint directory {@code dir} (with {@code llm/} and {@code tokenizer/}). */
    public static HartLatentDecoder load(Path dir) {
        NDManager m = NDManager.newBaseManager();
        // kept open while the model lives: weights may be mapped from its files
        HartCheckpointDir ckpt = HartCheckpointDir.open(dir);
        try {
            return new HartLatentDecoder(CheckpointId.ofDirectory(dir), m, ckpt, ImageDecoder.load(ckpt, m));
        } catch (RuntimeException e) {
            m.close();
            ckpt.close();
            throw e;
        }
    }

    @Override
    public String checkpointId() {
        return checkpointId;
    }

    @Override
    public TensorData decodePixels(TensorData fHat) {
        return decoder.decodePixels(fHat);
    }

    @Override
    public void close() {
        decoder.close();
        manager.close();
        checkpoint.close();
    }
}
