package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.Trace;
import dev.hart.model.config.HartConfig;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.Linear;
import dev.hart.model.nn.RmsNorm;
import dev.hart.model.nn.ScopedOps;

import java.util.ArrayList;
import java.util.List;

/**
 * The HART transformer (reference {@code HARTForT2I} without the diffusion MLP and the tokenizer), loaded
 * from the {@code llm/} weights: context norm + embedding, level embedding, word embedding, the AdaLN
 * blocks with llama attention/FFN and rotary positions, the AdaLN head and the diffusion-condition norm.
 * The scale loop that drives it lives in {@code dev.hart.model.inference.ArGenerator}.
 *
 * <p>Weights live in the manager given to {@link #load}; every method computes on its inputs, so results
 * land in the caller's (per-request) manager.
 */
public final class HartTransformer implements AutoCloseable {

    private final HartConfig config;
    private final int vocabSize;
    private final int cvae;
    private final NDManager manager;
    private final RmsNorm contextNorm;      // null unless use_context_norm
    private final Linear contextEmbed;      // context_dim -> C
    private final Linear wordEmbed;         // Cvae -> C
    private final NDArray levelEmbed;       // [n, C]
    private final List<AdaLnBlock> blocks;
    private final AdaLnHead head;
    private final RmsNorm decoderNorm;
    private final RotaryEmbedding rope;

    private HartTransformer(HartConfig config, int vocabSize, int cvae, NDManager manager, RmsNorm contextNorm,
                            Linear contextEmbed, Linear wordEmbed, NDArray levelEmbed, List<AdaLnBlock> blocks,
                            AdaLnHead head, RmsNorm decoderNorm) {
        this.config = config;
        this.vocabSize = vocabSize;
        this.cvae = cvae;
        this.manager = manager;
        this.contextNorm = contextNorm;
        this.contextEmbed = contextEmbed;
        this.wordEmbed = wordEmbed;
        this.levelEmbed = levelEmbed;
        this.blocks = blocks;
        this.head = head;
        this.decoderNorm = decoderNorm;
        this.rope = new RotaryEmbedding(config.headDim());
    }

    /**
     * Loads the transformer from {@code llm/} weights into a new sub-manager of {@code parent} (closed by
     * {@link #close}).
     *
     * @param vocabSize V of the tokenizer's codebook
     * @param cvae the tokenizer's latent channels
     */
    public static HartTransformer load(WeightSource w, HartConfig config, int vocabSize, int cvae, NDManager parent) {
        if (!config.llamaAttention() || !config.llamaMlp()) {
            throw new IllegalArgumentException("only attn_type = mlp_type = \"llama\" is supported (HART), found attn_type="
                    + config.attnType() + ", mlp_type=" + config.mlpType());
        }
        if (config.disableAln() || config.sharedAln() || config.useCrossAttn() || config.useTimestepEmbed()
                || config.attnL2Norm()) {
            throw new IllegalArgumentException("unsupported transformer options: disable_aln, shared_aln, use_cross_attn, "
                    + "use_timestep_embed and attn_l2_norm must all be false");
        }
        NDManager m = parent.newSubManager();
        try {
            int c = config.embedDim();
            double eps = config.normEps();
            RmsNorm ctxNorm = config.useContextNorm()
                    ? RmsNorm.load(w, m, "context_norm", config.contextDim(), eps) : null;
            Linear ctxEmbed = Linear.load(w, m, "context_embed", config.contextDim(), c, true);
            Linear word = Linear.load(w, m, "word_embed", cvae, c, true);
            NDArray lvl = w.load(m, "lvl_embed.weight", config.numScales(), c);
            PoolingMode pooling = PoolingMode.of(config.sepAlnPoolingMode());
            List<AdaLnBlock> blocks = new ArrayList<>();
            for (int i = 0; i < config.depth(); i++) {
                blocks.add(AdaLnBlock.load(w, m, "blocks." + i + ".", c, config.condDim(), config.numHeads(),
                        config.ffnHidden(), eps, pooling));
            }
            AdaLnHead head = AdaLnHead.load(w, m, c, config.condDim(), vocabSize, eps);
            RmsNorm decNorm = RmsNorm.load(w, m, "decoder_norm", c, eps);
            return new HartTransformer(config, vocabSize, cvae, m, ctxNorm, ctxEmbed, word, lvl, List.copyOf(blocks), head, decNorm);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public HartConfig config() {
        return config;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int latentChannels() {
        return cvae;
    }

    public RotaryEmbedding rope() {
        return rope;
    }

    public List<AdaLnBlock> blocks() {
        return blocks;
    }

    /** {@code context_embed(context_norm(ctx))}: [N, T, context_dim] -> cond_BD [N, T, C]. */
    public NDArray embedContext(NDArray context) {
        NDArray x = contextNorm == null ? context : contextNorm.forward(context);
        return contextEmbed.forward(x);
    }

    /** The per-block and head AdaLN terms for cond_BD [N, T, C] and the (CFG-doubled) mask [N, T]. */
    public Conditioning condition(NDArray condBD, NDArray mask) {
        List<AdaLnModulation> mods = new ArrayList<>(blocks.size());
        for (AdaLnBlock b : blocks) {
            mods.add(b.modulation(condBD, mask));
        }
        return new Conditioning(List.copyOf(mods), head.modulation(condBD));
    }

    /**
     * Scale 0's result for the image scales: the AdaLN terms and KV caches of the 2B guidance rows (conditional rows
     * first), the hidden state at the last context position [2B, 1, C] (the only one the logits read, spec 8.5) and,
     * only when tracing, all context positions' hidden states [2B, T, C].
     */
    public record ContextPass(Conditioning conditioning, KvCache[] caches, NDArray lastHidden, NDArray tracedHidden) {
    }

    /**
     * Scale 0 under classifier-free guidance (spec 4.1). The conditional half runs over all T context positions,
     * padding included, because the reference attends to padded positions, pools over them and reads the logits at
     * position T−1 (spec 8.3-8.5); none of that is skippable. The unconditional half is T copies of one token (a zero
     * context embeds to {@code context_embed.bias} at every position, all at position id 0, mask [1, 0, …]) for every
     * request: identical queries over identical keys give identical outputs, pooling identical rows gives that row.
     * So it is computed once, as one token of one row, and repeated - the same values with 1/(2T) of the
     * reference's unconditional work (scale 0 is about a quarter of the transformer's time).
     *
     * @param context [B, T, context_dim]
     * @param mask [B, T] INT64 0/1
     * @param positionIds [B, T] INT64
     * @param trace gets {@code cond_BD}; {@code stageTrace} gets {@code block0.in} and {@code block{j}.out} ([2B, T, C])
     */
    public ContextPass contextPass(NDManager m, NDArray context, NDArray mask, NDArray positionIds, Trace trace,
                                   Trace stageTrace) {
        long b = context.getShape().get(0);
        long t = context.getShape().get(1);
        NDArray condBD = embedContext(context);                                                     // [B, T, C]
        NDArray uncondBD = embedContext(m.zeros(new Shape(1, 1, context.getShape().get(2)), context.getDataType()));
        trace.record("cond_BD", traced(trace, condBD, uncondBD, b));
        Conditioning condC = condition(condBD, mask);
        Conditioning condU = condition(uncondBD, m.ones(new Shape(1, 1), DataType.INT64));
        NDArray level0 = levelEmbedding(m, 0);
        NDArray xc = condBD.add(level0);
        NDArray xu = uncondBD.add(level0);
        NDList tablesC = rope.contextTables(positionIds);
        NDList tablesU = rope.contextTables(m.zeros(new Shape(1, 1), DataType.INT64));
        KvCache[] cachesC = newCaches();
        KvCache[] cachesU = newCaches();
        stageTrace.record("block0.in", traced(stageTrace, xc, xu, b));
        for (int j = 0; j < blocks.size(); j++) {
            AdaLnBlock block = blocks.get(j);
            NDArray inC = xc;
            NDArray inU = xu;
            KvCache cacheC = cachesC[j];
            KvCache cacheU = cachesU[j];
            AdaLnModulation modC = condC.blocks().get(j);
            AdaLnModulation modU = condU.blocks().get(j);
            xc = ScopedOps.run(() -> block.forward(inC, modC, tablesC, cacheC));
            xu = ScopedOps.run(() -> block.forward(inU, modU, tablesU, cacheU));
            stageTrace.record("block" + j + ".out", traced(stageTrace, xc, xu, b));
        }
        KvCache[] caches = new KvCache[blocks.size()];
        for (int j = 0; j < caches.length; j++) {
            caches[j] = KvCache.join(cachesC[j], cachesU[j], b);
        }
        NDArray last = NDArrayConcat.withRepeatedRow(xc.get(new NDIndex(":, " + (t - 1) + ":" + t)), xu, b);
        NDArray full = traced(stageTrace, xc, xu, b);
        return new ContextPass(Conditioning.join(condC, condU, b), caches, last, full);
    }

    /** [cond rows; the single unconditional row repeated] for a trace, nothing when not tracing. */
    private static NDArray traced(Trace trace, NDArray cond, NDArray uncondRow, long b) {
        return trace.enabled() ? NDArrayConcat.withRepeatedRow(cond, uncondRow, b) : null;
    }

    /** Level (scale) embedding row {@code lvl_embed.weight[level]} [C], created in {@code m}. */
    public NDArray levelEmbedding(NDManager m, int level) {
        return levelEmbed.get(m, level);
    }

    /** {@code word_embed}: [..., Cvae] -> [..., C]. */
    public NDArray wordEmbed(NDArray latentTokens) {
        return wordEmbed.forward(latentTokens);
    }

    /** A fresh KV cache per block for one generation. */
    public KvCache[] newCaches() {
        KvCache[] caches = new KvCache[blocks.size()];
        for (int i = 0; i < caches.length; i++) {
            caches[i] = new KvCache();
        }
        return caches;
    }

    /**
     * Runs all blocks on the scale's tokens x [N, l, C]; records {@code block0.in} and {@code block{j}.out}.
     *
     * @param rope cos/sin tables [N, l, hd] for these tokens
     */
    public NDArray runBlocks(NDArray x, Conditioning cond, NDList rope, KvCache[] caches, Trace trace) {
        trace.record("block0.in", x);
        for (int j = 0; j < blocks.size(); j++) {
            AdaLnBlock block = blocks.get(j);
            AdaLnModulation mod = cond.blocks().get(j);
            KvCache cache = caches == null ? null : caches[j];
            NDArray in = x;
            // each block's temporaries are freed when it returns
            x = ScopedOps.run(() -> block.forward(in, mod, rope, cache));
            trace.record("block" + j + ".out", x);
        }
        return x;
    }

    /** {@code get_logits}: [N, l, C] -> [N, l, V] float32. */
    public NDArray logits(NDArray x, Conditioning cond) {
        return head.logits(x, cond.head());
    }

    /** The diffusion condition {@code decoder_norm(x_last + e)} (spec 4.5). */
    public NDArray diffusionCondition(NDArray lastHidden, NDArray embeddedCodes) {
        return decoderNorm.forward(lastHidden.add(embeddedCodes));
    }

    @Override
    public void close() {
        manager.close();
    }
}
