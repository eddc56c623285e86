package dev.hart.model.inference;

import ai.djl.ndarray.NDManager;
import dev.hart.model.checkpoint.HartCheckpointDir;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The three inference parts in one object (for tests and benches): pre-encoded text context in, images out — {@link ArGenerator}, then
 * {@link ResidualSampler}, then {@link ImageDecoder}, exactly as the split stages run them, so a request
 * gives the same image either way. (The Qwen2 text encoder comes in front of this separately.)
 */
public final class HartInference implements AutoCloseable {

    private final ArGenerator generator;
    private final ResidualSampler residual;
    private final ImageDecoder decoder;

    public HartInference(ArGenerator generator, ResidualSampler residual, ImageDecoder decoder) {
        this.generator = generator;
        this.residual = residual;
        this.decoder = decoder;
    }

    /** Loads all three parts of a checkpoint into sub-managers of {@code parent}. */
    public static HartInference load(HartCheckpointDir checkpoint, NDManager parent) {
        ArGenerator g = ArGenerator.load(checkpoint, parent);
        try {
            ResidualSampler r = ResidualSampler.load(checkpoint, parent);
            try {
                return new HartInference(g, r, ImageDecoder.load(checkpoint, parent));
            } catch (RuntimeException e) {
                r.close();
                throw e;
            }
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    public ArGenerator generator() {
        return generator;
    }

    public ResidualSampler residualSampler() {
        return residual;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /** Final latents [Cvae, P, P] of a batch (see {@link ArGenerator#generate} for the arguments). */
    public List<TensorData> generateLatents(TensorData context, long[] contextMask, long[] positionIds,
                                            List<SamplingParams> perRequest) {
        List<ArResult> ar = generator.generate(context, contextMask, positionIds, perRequest);
        return residual.finalLatents(ar, java.util.Collections.nCopies(ar.size(), residual.defaultSteps()));
    }

    /** Pixels [3, H, W] in [0, 1] per request. */
    public List<TensorData> generatePixels(TensorData context, long[] contextMask, long[] positionIds,
                                           List<SamplingParams> perRequest) {
        return decoder.decodePixelsBatch(generateLatents(context, contextMask, positionIds, perRequest));
    }

    /** 8-bit RGB images per request. */
    public List<BufferedImage> generate(TensorData context, long[] contextMask, long[] positionIds,
                                        List<SamplingParams> perRequest) {
        List<BufferedImage> images = new ArrayList<>();
        for (TensorData px : generatePixels(context, contextMask, positionIds, perRequest)) {
            images.add(ImageDecoder.toImage(px));
        }
        return images;
    }

    @Override
    public void close() {
        try {
            decoder.close();
        } finally {
            try {
                residual.close();
            } finally {
                generator.close();
            }
        }
    }
}
