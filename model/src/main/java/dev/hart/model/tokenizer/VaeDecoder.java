package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.ParamLoader;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.ScopedOps;

import java.util.ArrayList;
import java.util.List;

/**
 * The decode path of the hybrid tokenizer: {@code fhat_to_img(f) = clamp(Decoder(post_quant_conv(f)), −1, 1)}
 * (spec 6.1). Loads only {@code post_quant_conv.*} and {@code decoder.*}.
 */
public final class VaeDecoder implements AutoCloseable {

    /** Blocks per decoder level (num_res_blocks + 1). */
    private static final int BLOCKS_PER_LEVEL = 3;

    private final NDManager weights;
    private final TokenizerConfig config;
    private final Conv2d postQuantConv;
    private final Conv2d convIn;
    private final ResnetBlock midBlock1;
    private final AttnBlock midAttn;
    private final ResnetBlock midBlock2;
    /** Indexed by level l (0 = full resolution); each level runs after level l+1. */
    private final List<Level> levels;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    private record Level(List<ResnetBlock> blocks, List<AttnBlock> attns, Conv2d upsample) {
    }

    private VaeDecoder(NDManager weights, TokenizerConfig config, ParamLoader p) {
        this.weights = weights;
        this.config = config;
        int z = config.zChannels();
        int n = config.numLevels();
        int ks = config.quantConvKs();
        postQuantConv = Conv2d.load(p.child("post_quant_conv"), z, z, ks, 1, ks / 2);
        ParamLoader d = p.child("decoder");
        int blockIn = config.channels(n - 1);
        convIn = Conv2d.same3x3(d.child("conv_in"), z, blockIn);
        midBlock1 = ResnetBlock.load(d.child("mid.block_1"), blockIn, blockIn);
        midAttn = AttnBlock.load(d.child("mid.attn_1"), blockIn);
        midBlock2 = ResnetBlock.load(d.child("mid.block_2"), blockIn, blockIn);
        Level[] lv = new Level[n];
        for (int l = n - 1; l >= 0; l--) {
            ParamLoader up = d.child("up." + l);
            int blockOut = config.channels(l);
            List<ResnetBlock> blocks = new ArrayList<>();
            List<AttnBlock> attns = new ArrayList<>();
            for (int b = 0; b < BLOCKS_PER_LEVEL; b++) {
                blocks.add(ResnetBlock.load(up.child("block." + b), blockIn, blockOut));
                blockIn = blockOut;
                if (l == n - 1) {
                    attns.add(AttnBlock.load(up.child("attn." + b), blockIn));
                }
            }
            lv[l] = new Level(blocks, attns, l > 0 ? Conv2d.same3x3(up.child("upsample.conv"), blockIn, blockIn) : null);
        }
        levels = List.of(lv);
        normOut = GroupNorm.load(d.child("norm_out"), blockIn);
        convOut = Conv2d.same3x3(d.child("conv_out"), blockIn, 3);
    }

    /**
     * Loads the decoder from the tokenizer weights (names without the {@code vae.} prefix, see
     * {@link dev.hart.model.checkpoint.HartCheckpointDir#tokenizerWeights()}) into a sub-manager of
     * {@code parent} that this object owns.
     */
    public static VaeDecoder load(WeightSource vaeWeights, TokenizerConfig config, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            return new VaeDecoder(m, config, new ParamLoader(vaeWeights, m));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public TokenizerConfig config() {
        return config;
    }

    /** {@code fhat_to_img}: [B, Cvae, P, P] latent → [B, 3, P·ds, P·ds] image in [−1, 1], in f_hat's manager. */
    public NDArray decode(NDArray fHat, Trace trace) {
        NDArray out;
        try (NDScope ignored = new NDScope()) {
            NDArray h = postQuantConv.forward(fHat);
            trace.record("post_quant", h);
            NDArray dec = decoderForward(h, trace);
            trace.record("dec_out", dec);
            out = dec.clip(-1, 1);
            NDScope.unregister(out);
        }
        trace.record("img", out);
        return out;
    }

    public NDArray decode(NDArray fHat) {
        return decode(fHat, Trace.NONE);
    }

    private NDArray decoderForward(NDArray z, Trace trace) {
        NDArray h = convIn.forward(z);
        trace.record("dec.conv_in", h);
        h = replace(h, midBlock1.forward(h));
        trace.record("dec.mid.block_1", h);
        h = replace(h, midAttn.forward(h));
        trace.record("dec.mid.attn_1", h);
        h = replace(h, midBlock2.forward(h));
        trace.record("dec.mid.block_2", h);
        for (int l = levels.size() - 1; l >= 0; l--) {
            Level level = levels.get(l);
            for (int b = 0; b < level.blocks().size(); b++) {
                h = replace(h, level.blocks().get(b).forward(h));
                if (!level.attns().isEmpty()) {
                    h = replace(h, level.attns().get(b).forward(h));
                }
            }
            if (level.upsample() != null) {
                NDArray in = h;
                h = replace(h, ScopedOps.run(() -> level.upsample().forward(VaeOps.nearest2x(in))));
            }
            trace.record("dec.up" + l + ".out", h);
        }
        NDArray last = h;
        return replace(h, ScopedOps.run(() -> convOut.forward(VaeOps.silu(normOut.forward(last)))));
    }

    /** Frees an activation as soon as the next one exists (keeps peak memory low at 1024 px). */
    static NDArray replace(NDArray previous, NDArray next) {
        previous.close();
        return next;
    }

    @Override
    public void close() {
        weights.close();
    }
}
