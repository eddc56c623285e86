package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hart.model.Trace;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.WeightSource;

import java.util.List;

/**
 * The hybrid VAE tokenizer ({@code HARTAutoEncoder}). Each pipeline stage loads only the part it needs:
 * {@link #loadDecoder} (decoder stage), {@link #loadQuantizer} (transformer stage), {@link #loadEncoder};
 * {@link #load} loads all three for reconstruction.
 *
 * <p>Weights are the tokenizer checkpoint seen without its {@code vae.} prefix
 * ({@link dev.hart.model.checkpoint.HartCheckpointDir#tokenizerWeights()}).
 */
public final class HybridTokenizer implements AutoCloseable {

    /** What {@link #encode} produces for an image. */
    public record Encoding(NDArray f, List<NDArray> indices, NDArray residual, NDArray fHatDiscrete, NDArray fHatFull) {
    }

    private final VaeEncoder encoder;
    private final MultiScaleQuantizer quantizer;
    private final VaeDecoder decoder;

    private HybridTokenizer(VaeEncoder encoder, MultiScaleQuantizer quantizer, VaeDecoder decoder) {
        this.encoder = encoder;
        this.quantizer = quantizer;
        this.decoder = decoder;
    }

    public static VaeDecoder loadDecoder(WeightSource vaeWeights, TokenizerConfig config, NDManager parent) {
        return VaeDecoder.load(vaeWeights, config, parent);
    }

    public static MultiScaleQuantizer loadQuantizer(WeightSource vaeWeights, TokenizerConfig config, NDManager parent) {
        return MultiScaleQuantizer.load(vaeWeights, config, parent);
    }

    public static VaeEncoder loadEncoder(WeightSource vaeWeights, TokenizerConfig config, NDManager parent) {
        return VaeEncoder.load(vaeWeights, config, parent);
    }

    public static HybridTokenizer load(WeightSource vaeWeights, TokenizerConfig config, NDManager parent) {
        VaeEncoder e = null;
        MultiScaleQuantizer q = null;
        try {
            e = loadEncoder(vaeWeights, config, parent);
            q = loadQuantizer(vaeWeights, config, parent);
            return new HybridTokenizer(e, q, loadDecoder(vaeWeights, config, parent));
        } catch (RuntimeException ex) {
            if (q != null) {
                q.close();
            }
            if (e != null) {
                e.close();
            }
            throw ex;
        }
    }

    public VaeEncoder encoder() {
        return encoder;
    }

    public MultiScaleQuantizer quantizer() {
        return quantizer;
    }

    public VaeDecoder decoder() {
        return decoder;
    }

    /**
     * Image → continuous latent, hybrid indices per scale, continuous residual, and the HART-style discrete
     * and full latents. Traces the encoder ({@code enc_out}, {@code f}) and, under {@code hybrid.}, the
     * quantisation and accumulation.
     */
    public Encoding encode(NDArray image, int[] patchNums, Trace trace) {
        NDArray f = encoder.encode(image, trace);
        Trace h = trace.prefixed("hybrid.");
        MultiScaleQuantizer.HybridCodes codes = quantizer.quantizeHybrid(f, patchNums, h);
        NDArray discrete = quantizer.accumulate(codes.indices(), null, patchNums, Trace.NONE);
        NDArray full = quantizer.accumulate(codes.indices(), codes.residual(), patchNums, h);
        codes.restBeforeLast().close();
        return new Encoding(f, codes.indices(), codes.residual(), discrete, full);
    }

    /** {@code fhat_to_img}. */
    public NDArray decode(NDArray fHat, Trace trace) {
        return decoder.decode(fHat, trace);
    }

    @Override
    public void close() {
        encoder.close();
        quantizer.close();
        decoder.close();
    }
}
