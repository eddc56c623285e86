package dev.hart.stage.decoder;

import ai.djl.ndarray.NDManager;
import dev.hart.model.checkpoint.ModelSource;
import dev.hart.model.inference.ImageDecoder;
import dev.hart.model.inference.TensorData;

import java.util.List;
import java.util.function.Supplier;

/** The checkpoint's tokenizer decoder ({@code post_quant_conv} + decoder only), via the model's {@link ImageDecoder}. */
public final class HartLatentDecoder implements LatentDecoder {
    private final String checkpointId;
    private final ModelSource source;
    private final NDManager manager;
    private final ImageDecoder decoder;

    private HartLatentDecoder(String checkpointId, ModelSource source, NDManager manager, ImageDecoder decoder) {
        this.checkpointId = checkpointId;
        this.source = source;
        this.manager = manager;
        this.decoder = decoder;
    }

    /** Loads the decode path from a freshly opened source, which this decoder then owns. */
    public static HartLatentDecoder load(Supplier<ModelSource> opener, String checkpointId) {
        return ModelSource.loadOwned(opener, (src, m) ->
                new HartLatentDecoder(checkpointId, src, m, ImageDecoder.load(src.vaeWeights(), src.tokenizerConfig(), m)));
    }

    @Override
    public String checkpointId() {
        return checkpointId;
    }

    @Override
    public List<TensorData> decodePixels(List<TensorData> fHats) {
        return decoder.decodePixelsBatch(fHats);
    }

    @Override
    public void checkLatentShape(long[] shape) {
        decoder.checkLatentShape(shape);
    }

    @Override
    public void close() {
        decoder.close();
        manager.close();
        source.close();
    }
}
