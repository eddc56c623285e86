package dev.hart.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.hart.model.config.HartConfig;
import dev.hart.model.nn.TorchMemory;
import dev.hart.model.transformer.RotaryEmbedding;
import java.util.ArrayList;
import java.util.List;

/**
 * A differentiable forward of the HART transformer for teacher-forced training, reading the parameters
 * by their checkpoint names. It computes what {@code dev.hart.model.transformer.HartTransformer} computes
 * (checked numerically in the tests) but without in-place updates of tensors that autograd needs (the
 * inference blocks add into activations a norm has saved). Scales run one after another with a per-block
 * key/value list, which equals HART's block-causal training mask: a scale attends to every earlier scale
 * and to itself. Rotary tables come from the inference {@link RotaryEmbedding} (no parameters).
 *
 * <p>Supports the demo's configuration: llama attention/FFN, AdaLN per block with {@code max} or
 * {@code avg} pooling, no context norm, no l2-norm attention.
 */
public final class TransformerTrainingForward {

    private final HartConfig config;
    private final TrainableWeights w;
    private final NDManager m;
    private final RotaryEmbedding rope;
    private final List<NDArray[]> cache = new ArrayList<>();
    private NDArray condBD;
    private NDArray[] blockMods;       // per block [N, 6, C]
    private NDArray headMod;           // [N, 2, C]

    /** @param m manager of this forward's intermediates (one per training step) */
    public TransformerTrainingForward(HartConfig config, TrainableWeights weights, NDManager m) {
        if (config.useContextNorm() || config.attnL2Norm()) {
            throw new IllegalArgumentException("training forward supports use_context_norm = attn_l2_norm = false only");
        }
        this.config = config;
        this.w = weights;
        this.m = m;
        this.rope = new RotaryEmbedding(config.headDim());
    }

    private NDArray p(String name) {
        return w.load(m, name);
    }

    private NDArray linear(NDArray x, String name, boolean bias) {
        NDArray y = x.matMul(p(name + ".weight").transpose());
        return bias ? y.add(p(name + ".bias")) : y;
    }

    private NDArray rms(NDArray x, String weightName) {
        NDArray inv = x.square().mean(new int[] {-1}, true).add((float) config.normEps()).sqrt();
        return x.div(inv).mul(p(weightName));
    }

    private static NDArray silu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(x));
    }

    /**
     * Scale 0: embeds the context [N, T, context_dim], computes the AdaLN terms and runs the context
     * tokens (plus level 0 embedding) through the blocks. Returns hidden states [N, T, C].
     */
    public NDArray startContext(NDArray context, NDArray mask, NDArray positionIds) {
        cache.clear();
        condBD = linear(context, "context_embed", true);
        int depth = config.depth();
        int c = config.embedDim();
        long n = context.getShape().get(0);
        NDArray pooled;
        if ("max".equals(config.sepAlnPoolingMode())) {
            pooled = condBD.max(new int[] {1});
        } else {
            NDArray mf = mask.toType(DataType.FLOAT32, false);
            NDArray count = mf.sum(new int[] {1}, true).maximum(1f);
            pooled = condBD.mul(mf.div(count).expandDims(2)).sum(new int[] {1});
        }
        NDArray sPooled = silu(pooled);
        blockMods = new NDArray[depth];
        for (int i = 0; i < depth; i++) {
            blockMods[i] = linear(sPooled, "blocks." + i + ".ada_lin.1", true).reshape(n, 6, c);
        }
        headMod = linear(silu(condBD.max(new int[] {1})), "head_nm.ada_lin.1", true).reshape(n, 2, c);
        NDArray x = condBD.add(p("lvl_embed.weight").get(0));
        NDList tables = rope.contextTables(positionIds.toType(DataType.INT64, false));
        return runBlocks(x, tables);
    }

    /**
     * A later scale: {@code nextInput} [N, pn², Cvae] (the teacher-forced next-scale input latent as
     * tokens). Returns [N, pn², C].
     */
    public NDArray scale(int si, NDArray nextInput, NDArray lastContextPosition) {
        int[] pns = config.patchNumsArray();
        NDArray x = linear(nextInput, "word_embed", true).add(p("lvl_embed.weight").get(si));
        NDList tables = rope.imageTables(RotaryEmbedding.imagePositions(pns[si], config.lastPatch(), lastContextPosition));
        return runBlocks(x, tables);
    }

    private NDArray runBlocks(NDArray x, NDList tables) {
        boolean first = cache.isEmpty();
        for (int i = 0; i < config.depth(); i++) {
            String b = "blocks." + i + ".";
            NDArray mod = blockMods[i];
            NDArray gamma1 = mod.get(":, 0:1, :");
            NDArray gamma2 = mod.get(":, 1:2, :");
            NDArray scale1 = mod.get(":, 2:3, :");
            NDArray scale2 = mod.get(":, 3:4, :");
            NDArray shift1 = mod.get(":, 4:5, :");
            NDArray shift2 = mod.get(":, 5:6, :");
            NDArray h = rms(x, b + "ln_wo_grad.weight").mul(scale1.add(1f)).add(shift1);
            NDArray a = attention(h, b + "attn.", tables, i, first);
            x = x.add(a.mul(gamma1));
            NDArray h2 = rms(x, b + "ln_wo_grad.weight").mul(scale2.add(1f)).add(shift2);
            NDArray gate = linear(h2, b + "ffn.gate_proj", false);
            NDArray up = linear(h2, b + "ffn.up_proj", false);
            NDArray f = linear(silu(gate).mul(up), b + "ffn.down_proj", false);
            x = x.add(f.mul(gamma2));
        }
        return x;
    }

    private NDArray attention(NDArray x, String prefix, NDList tables, int block, boolean first) {
        long n = x.getShape().get(0);
        long l = x.getShape().get(1);
        int heads = config.numHeads();
        int hd = config.headDim();
        int c = config.embedDim();
        NDArray qBias = p(prefix + "q_bias");
        // the key bias is the all-zero buffer zero_k_bias (the inference loader does not read it either)
        NDArray bias = qBias.concat(m.zeros(qBias.getShape()), 0).concat(p(prefix + "v_bias"), 0);
        NDArray qkv = x.matMul(p(prefix + "qkv_proj.weight").transpose()).add(bias)
                .reshape(n, l, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray q = RotaryEmbedding.apply(qkv.get(0), tables.get(0), tables.get(1));
        NDArray k = RotaryEmbedding.apply(qkv.get(1), tables.get(0), tables.get(1));
        NDArray v = qkv.get(2);
        if (first) {
            cache.add(new NDArray[] {k, v});
        } else {
            NDArray[] kv = cache.get(block);
            k = kv[0].concat(k, 2);
            v = kv[1].concat(v, 2);
            cache.set(block, new NDArray[] {k, v});
        }
        float scale = (float) (0.25 / Math.sqrt(hd));
        NDArray scores = TorchMemory.mul(q, scale).matMul(k.transpose(0, 1, 3, 2));
        NDArray out = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(n, l, c);
        return linear(out, prefix + "proj", true);
    }

    /** {@code get_logits}: [N, l, C] → [N, l, V]. */
    public NDArray logits(NDArray h) {
        NDArray scale = headMod.get(":, 0:1, :");
        NDArray shift = headMod.get(":, 1:2, :");
        return linear(rms(h, "head_nm.ln_wo_grad.weight").mul(scale.add(1f)).add(shift), "head", true);
    }

    /** The diffusion condition {@code decoder_norm(h + word_embed(codes))}: [N, l, C]. */
    public NDArray diffusionCondition(NDArray h, NDArray codes) {
        return rms(h.add(linear(codes, "word_embed", true)), "decoder_norm.weight");
    }
}
