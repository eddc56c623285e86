package dev.hart.model.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.RandomSource;
import dev.hart.model.SeededRandomSource;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.WeightSource;
import dev.hart.model.sampling.InverseCdfTokenSampler;
import dev.hart.model.sampling.PerRequestRandomness;
import dev.hart.model.sampling.RowSampling;
import dev.hart.model.sampling.ScaleRandomness;
import dev.hart.model.sampling.ScaleSampler;
import dev.hart.model.sampling.TokenSampler;
import dev.hart.model.tokenizer.MultiScaleQuantizer;
import dev.hart.model.transformer.Conditioning;
import dev.hart.model.transformer.HartTransformer;
import dev.hart.model.transformer.KvCache;
import dev.hart.model.transformer.RotaryEmbedding;

import java.util.ArrayList;
import java.util.List;

/**
 * The autoregressive stage: the HART transformer's coarse-to-fine loop with classifier-free guidance and
 * KV cache (reference {@code autoregressive_infer_cfg}, spec 4, every oddity of spec 8 kept), up to the
 * diffusion condition of the final scale. Loads the transformer and the quantizer's inference pieces
 * (codebook, phi convolutions) — not the decoder, not the diffusion MLP.
 *
 * <p>Randomness: in {@link #generate} each request draws from its own {@code SeededRandomSource(seed)}
 * ({@link PerRequestRandomness}: a batch is computed together, but row b's sampling uniforms and gumbel
 * noise come from request b's generator), so a request's image does not depend on its batch neighbours.
 * {@link #run} takes any {@link ScaleRandomness} and {@link TokenSampler}: the parity path passes a
 * batch-wide tape ({@code SharedRandomness}) and argmax sampling, as the reference vectors were recorded.
 */
public final class ArGenerator implements AutoCloseable {

    /** How a batch is sampled: one {@link SamplingParams} per request, the index strategy and the draws. */
    public record BatchSettings(List<SamplingParams> params, TokenSampler sampler, ScaleRandomness randomness) {
        public BatchSettings {
            params = List.copyOf(params);
        }
    }

    /**
     * A batch's results as NDArrays in the caller's manager.
     *
     * @param fHat [B, Cvae, P, P] before the final scale's tokens are added
     * @param finalTokens [B, P², Cvae]
     * @param diffusionCondition [2B·P², C], conditional rows first (reference layout)
     * @param indices per scale [B, l]
     * @param diffusionCfg per request
     */
    public record BatchOutput(NDArray fHat, NDArray finalTokens, NDArray diffusionCondition, List<NDArray> indices,
                              double[] diffusionCfg) {
    }

    private final HartConfig config;
    private final HartTransformer transformer;
    private final MultiScaleQuantizer quantizer;
    private final NDManager manager;

    private ArGenerator(HartConfig config, HartTransformer transformer, MultiScaleQuantizer quantizer, NDManager manager) {
        this.config = config;
        this.transformer = transformer;
        this.quantizer = quantizer;
        this.manager = manager;
    }

    /** Loads from a checkpoint directory into a sub-manager of {@code parent}. */
    public static ArGenerator load(HartCheckpointDir checkpoint, NDManager parent) {
        return load(checkpoint.llmWeights(), checkpoint.llmConfig(), checkpoint.tokenizerWeights(),
                checkpoint.tokenizerConfig(), parent);
    }

    /**
     * @param llmWeights transformer weights ({@code llm/})
     * @param vaeWeights tokenizer weights without the {@code vae.} prefix
     */
    public static ArGenerator load(WeightSource llmWeights, HartConfig config, WeightSource vaeWeights,
                                   TokenizerConfig tokenizerConfig, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            MultiScaleQuantizer q = MultiScaleQuantizer.load(vaeWeights, tokenizerConfig, m);
            HartTransformer t = HartTransformer.load(llmWeights, config, q.vocabSize(), q.codeDim(), m);
            return new ArGenerator(config, t, q, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public HartConfig config() {
        return config;
    }

    public HartTransformer transformer() {
        return transformer;
    }

    public MultiScaleQuantizer quantizer() {
        return quantizer;
    }

    /**
     * Generates the discrete part of B images at once, every request with its own settings and generator.
     *
     * @param context text-encoder hidden states [B, T, context_dim]
     * @param contextMask [B·T] row-major, 1 = real token
     * @param positionIds [B·T] row-major, {@code cumsum(mask) − 1}
     * @param perRequest B sampling settings
     */
    public List<ArResult> generate(TensorData context, long[] contextMask, long[] positionIds, List<SamplingParams> perRequest) {
        if (context == null || contextMask == null || positionIds == null || perRequest == null) {
            throw new IllegalArgumentException("context, contextMask, positionIds and perRequest are required");
        }
        context.requireShape("context", -1, config.contextToken(), config.contextDim());
        int b = (int) context.dim(0);
        int t = config.contextToken();
        if (b == 0) {
            return List.of();
        }
        if (perRequest.size() != b) {
            throw new IllegalArgumentException("context holds " + b + " requests but " + perRequest.size() + " sampling settings were given");
        }
        if (contextMask.length != (long) b * t || positionIds.length != (long) b * t) {
            throw new IllegalArgumentException("contextMask and positionIds need B·T = " + (b * t) + " values, got "
                    + contextMask.length + " and " + positionIds.length);
        }
        JniUtils.setGradMode(false);
        List<RandomSource> sources = new ArrayList<>();
        for (SamplingParams p : perRequest) {
            sources.add(new SeededRandomSource(p.seed()));
        }
        BatchSettings settings = new BatchSettings(perRequest, InverseCdfTokenSampler.INSTANCE, new PerRequestRandomness(sources));
        try (NDManager m = NDManager.newBaseManager(manager.getDevice())) {
            NDArray ctx = context.toNDArray(m);
            NDArray mask = m.create(contextMask, new Shape(b, t));
            NDArray pos = m.create(positionIds, new Shape(b, t));
            BatchOutput out = run(m, ctx, mask, pos, settings, Trace.NONE);
            return split(out, perRequest);
        }
    }

    private List<ArResult> split(BatchOutput out, List<SamplingParams> perRequest) {
        int b = perRequest.size();
        long p2 = out.finalTokens().getShape().get(1);
        long c = out.diffusionCondition().getShape().get(1);
        NDArray z4 = out.diffusionCondition().reshape(2, b, p2, c);
        List<ArResult> results = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            List<long[]> idx = new ArrayList<>();
            for (NDArray stage : out.indices()) {
                idx.add(stage.get(r).toLongArray());
            }
            results.add(new ArResult(
                    TensorData.of(out.fHat().get(r)),
                    TensorData.of(out.finalTokens().get(r)),
                    TensorData.of(z4.get(new NDIndex(":, " + r)).reshape(2 * p2, c)),
                    idx, out.diffusionCfg()[r], perRequest.get(r).seed()));
        }
        return results;
    }

    /**
     * The loop itself on NDArrays in {@code m}; records every intermediate under the parity vectors' names
     * ({@code cond_BD}, {@code stage{si}.*}, {@code final.z}, {@code final.diff_cfg}).
     *
     * @param context [B, T, context_dim]
     * @param mask [B, T] 0/1 (any integer or bool type)
     * @param positionIds [B, T] INT64
     */
    public BatchOutput run(NDManager m, NDArray context, NDArray mask, NDArray positionIds, BatchSettings settings, Trace trace) {
        int b = (int) context.getShape().get(0);
        int n = config.numScales();
        int[] patchNums = config.patchNumsArray();
        int last = config.lastPatch();
        int cvae = quantizer.codeDim();
        if (settings.params().size() != b) {
            throw new IllegalArgumentException(b + " requests but " + settings.params().size() + " sampling settings");
        }

        // CFG batch: conditional rows 0..B-1, unconditional rows B..2B-1 (zero context, position ids 0, mask with only
        // position 0 set) - spec 4.1; scale 0 is the context pass, which computes the unconditional half once
        NDArray pos = positionIds.toType(DataType.INT64, false);
        HartTransformer.ContextPass context0 = transformer.contextPass(m, context, mask.toType(DataType.INT64, false), pos,
                trace, trace.prefixed("stage0."));
        Conditioning cond = context0.conditioning();
        KvCache[] caches = context0.caches();
        NDArray lastContextPosition = pos.get(new NDIndex(":, -1")).concat(m.zeros(new Shape(b), DataType.INT64), 0);
        RotaryEmbedding rope = transformer.rope();
        ScaleSampler sampler = new ScaleSampler(settings.sampler());

        NDArray fHat = m.zeros(new Shape(b, cvae, last, last));
        NDArray x = null;
        List<NDArray> indices = new ArrayList<>(n);
        double[] diffusionCfg = new double[b];
        NDArray finalTokens = null;
        NDArray z = null;
        for (int si = 0; si < n; si++) {
            Trace st = trace.prefixed("stage" + si + ".");
            double ratio = config.scaleRatio(si);   // the final scale re-uses scale n-2's ratio (spec 8.1)
            NDArray logits;
            if (si == 0) {
                x = context0.lastHidden();
                logits = transformer.logits(x, cond);   // [2B, 1, V]: only the last context position is sampled (spec 8.5)
                if (st.enabled()) {
                    st.record("logits_raw", transformer.logits(context0.tracedHidden(), cond));
                }
            } else {
                NDList tables = rope.imageTables(RotaryEmbedding.imagePositions(patchNums[si], last, lastContextPosition));
                x = transformer.runBlocks(x, cond, tables, caches, st);
                logits = transformer.logits(x, cond);
                if (si == 1) {
                    st.record("logits_raw", logits);
                }
            }
            NDArray mixed = guide(m, logits, b, ratio, settings.params());
            st.record("logits_cfg", mixed);
            List<RowSampling> rows = new ArrayList<>(b);
            for (SamplingParams p : settings.params()) {
                rows.add(new RowSampling(p.topKAt(si), p.topP(), p.moreSmooth()));
            }
            st.record("top_k_used", m.create((long) rows.get(0).topK()));
            ScaleSampler.Sampled s = sampler.sample(mixed, rows, ratio, quantizer.codebook(), settings.randomness(), st);
            st.record("idx", s.indices());
            indices.add(s.indices());
            if (si < n - 1) {
                int pn = patchNums[si];
                NDArray hBChw = MultiScaleQuantizer.tokensToLatent(s.embeddings(), pn);
                st.record("h_BChw", hBChw);
                NDArray next = quantizer.nextAutoregressiveInput(si, patchNums, fHat, hBChw);
                st.record("f_hat", fHat);
                st.record("next_in_latent", next);
                NDArray tokens = transformer.wordEmbed(MultiScaleQuantizer.latentToTokens(next))
                        .addi(transformer.levelEmbedding(m, si + 1));
                x = tokens.concat(tokens, 0);   // both CFG halves get the same image tokens
            } else {
                // diffusion condition from the HARD indices even with more_smooth (spec 8.13)
                NDArray e = transformer.wordEmbed(quantizer.embed(s.indices()));
                z = transformer.diffusionCondition(x, e.concat(e, 0)).reshape(2L * b * last * last, -1);
                trace.record("final.z", z);
                finalTokens = s.embeddings();
                for (int r = 0; r < b; r++) {
                    diffusionCfg[r] = settings.params().get(r).cfg() * ratio;
                }
                trace.record("final.diff_cfg", m.create(diffusionCfg[0]));
            }
        }
        return new BatchOutput(fHat, finalTokens, z, indices, diffusionCfg);
    }

    /** {@code (1 + t)·logits[:B] − t·logits[B:]} with {@code t = cfg·ratio} per request. */
    private static NDArray guide(NDManager m, NDArray logits, int b, double ratio, List<SamplingParams> params) {
        float[] onePlusT = new float[b];
        float[] tv = new float[b];
        for (int r = 0; r < b; r++) {
            double tr = params.get(r).cfg() * ratio;
            onePlusT[r] = (float) (1 + tr);
            tv[r] = (float) tr;
        }
        NDArray cond = logits.get(new NDIndex("0:" + b));
        NDArray uncond = logits.get(new NDIndex(b + ":"));
        return cond.mul(m.create(onePlusT, new Shape(b, 1, 1))).subi(uncond.mul(m.create(tv, new Shape(b, 1, 1))));
    }

    @Override
    public void close() {
        manager.close();
    }
}
