package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.ParamLoader;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.ScopedOps;

import java.util.ArrayList;
import java.util.List;

/**
 * The encode path of the hybrid tokenizer: {@code f = quant_conv(Encoder(img))} (spec 6.2), image in
 * [−1, 1] of side {@code P·ds} → continuous latent [B, Cvae, P, P]. Loads only {@code encoder.*} and
 * {@code quant_conv.*}.
 */
public final class VaeEncoder implements AutoCloseable {

    private static final int BLOCKS_PER_LEVEL = 2;

    private final NDManager weights;
    private final TokenizerConfig config;
    private final Conv2d convIn;
    private final List<Level> levels;
    private final ResnetBlock midBlock1;
    private final AttnBlock midAttn;
    private final ResnetBlock midBlock2;
    private final GroupNorm normOut;
    private final Conv2d convOut;
    private final Conv2d quantConv;

    private record Level(List<ResnetBlock> blocks, List<AttnBlock> attns, Conv2d downsample) {
    }

    private VaeEncoder(NDManager weights, TokenizerConfig config, ParamLoader p) {
        this.weights = weights;
        this.config = config;
        int n = config.numLevels();
        int z = config.zChannels();
        ParamLoader e = p.child("encoder");
        convIn = Conv2d.same3x3(e.child("conv_in"), 3, config.ch());
        int blockIn = config.ch();
        List<Level> lv = new ArrayList<>();
        for (int l = 0; l < n; l++) {
            ParamLoader down = e.child("down." + l);
            int blockOut = config.channels(l);
            List<ResnetBlock> blocks = new ArrayList<>();
            List<AttnBlock> attns = new ArrayList<>();
            for (int b = 0; b < BLOCKS_PER_LEVEL; b++) {
                blocks.add(ResnetBlock.load(down.child("block." + b), blockIn, blockOut));
                blockIn = blockOut;
                if (l == n - 1) {
                    attns.add(AttnBlock.load(down.child("attn." + b), blockIn));
                }
            }
            // Downsample2x: pad right/bottom by one, conv 3×3 stride 2 without padding
            lv.add(new Level(blocks, attns, l < n - 1 ? Conv2d.load(down.child("downsample.conv"), blockIn, blockIn, 3, 2, 0) : null));
        }
        levels = List.copyOf(lv);
        midBlock1 = ResnetBlock.load(e.child("mid.block_1"), blockIn, blockIn);
        midAttn = AttnBlock.load(e.child("mid.attn_1"), blockIn);
        midBlock2 = ResnetBlock.load(e.child("mid.block_2"), blockIn, blockIn);
        normOut = GroupNorm.load(e.child("norm_out"), blockIn);
        convOut = Conv2d.same3x3(e.child("conv_out"), blockIn, z);
        int ks = config.quantConvKs();
        quantConv = Conv2d.load(p.child("quant_conv"), z, z, ks, 1, ks / 2);
    }

    public static VaeEncoder load(WeightSource vaeWeights, TokenizerConfig config, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            return new VaeEncoder(m, config, new ParamLoader(vaeWeights, m));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public TokenizerConfig config() {
        return config;
    }

    /** Image [B, 3, H, W] in [−1, 1] (H, W multiples of the down-sampling factor) → f [B, Cvae, H/ds, W/ds]. */
    public NDArray encode(NDArray image, Trace trace) {
        Shape s = image.getShape();
        int ds = config.downsample();
        if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) % ds != 0 || s.get(3) % ds != 0) {
            throw new IllegalArgumentException("expected an image [B, 3, H, W] with H and W multiples of " + ds + ", got " + s);
        }
        NDArray f;
        try (NDScope ignored = new NDScope()) {
            NDArray enc = encoderForward(image);
            trace.record("enc_out", enc);
            f = quantConv.forward(enc);
            NDScope.unregister(f);
        }
        trace.record("f", f);
        return f;
    }

    private NDArray encoderForward(NDArray x) {
        NDArray h = convIn.forward(x);
        for (Level level : levels) {
            for (int b = 0; b < level.blocks().size(); b++) {
                h = VaeDecoder.replace(h, level.blocks().get(b).forward(h));
                if (!level.attns().isEmpty()) {
                    h = VaeDecoder.replace(h, level.attns().get(b).forward(h));
                }
            }
            if (level.downsample() != null) {
                NDArray in = h;
                h = VaeDecoder.replace(h, ScopedOps.run(() -> level.downsample().forward(in.pad(new Shape(0, 1, 0, 1), 0))));
            }
        }
        h = VaeDecoder.replace(h, midBlock1.forward(h));
        h = VaeDecoder.replace(h, midAttn.forward(h));
        h = VaeDecoder.replace(h, midBlock2.forward(h));
        NDArray last = h;
        return VaeDecoder.replace(h, ScopedOps.run(() -> convOut.forward(VaeOps.silu(normOut.forward(last)))));
    }

    @Override
    public void close() {
        weights.close();
    }
}
