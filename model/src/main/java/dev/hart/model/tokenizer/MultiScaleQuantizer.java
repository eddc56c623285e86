package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.ParamLoader;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.ScopedOps;
import dev.hart.model.nn.TorchMemory;

import java.util.ArrayList;
import java.util.List;

/**
 * The multi-scale residual quantizer of the hybrid tokenizer ({@code HARTHybridQuantizer}): the codebook,
 * the phi convolutions and the latent accumulation the transformer's scale loop uses (spec 4.4, 4.5, 6.3).
 * Loads only {@code quantize.embedding.weight} and the phi convolutions.
 *
 * <p>Latents are NCHW {@code [B, Cvae, h, w]}; token maps are {@code [B, l, Cvae]} with token index
 * {@code row·pn + col}.
 */
public final class MultiScaleQuantizer implements AutoCloseable {

    private final NDManager weights;
    private final TokenizerConfig config;
    private final NDArray codebook;
    /** Squared norms of the codes, [V], for the nearest-code search. */
    private final NDArray codeNorms;
    /** Codebook transposed once at load, [Cvae, V]. */
    private final NDArray codebookT;
    private final List<Conv2d> phis;
    private final PhiSelector selector;
    private final float resiRatio;

    private MultiScaleQuantizer(NDManager weights, TokenizerConfig config, ParamLoader p) {
        this.weights = weights;
        this.config = config;
        int v = config.vocabSize();
        int z = config.zChannels();
        ParamLoader q = p.child("quantize");
        codebook = q.get("embedding.weight", v, z);
        codeNorms = codebook.square().sum(new int[] {1});
        codebookT = codebook.transpose().duplicate();
        NDScope.unregister(codeNorms, codebookT);
        resiRatio = (float) Math.abs(config.quantResi());
        List<Conv2d> list = new ArrayList<>();
        if (Math.abs(config.quantResi()) > 1e-6) {
            int k = config.phiCount();
            for (int i = 0; i < k; i++) {
                String name = switch (config.shareQuantResi()) {
                    case 0 -> "quant_resi." + i;
                    case 1 -> "quant_resi.qresi";
                    default -> "quant_resi.qresi_ls." + i;
                };
                list.add(Conv2d.load(q.child(name), z, z, 3, 1, 1));
            }
        }
        phis = List.copyOf(list);
        selector = new PhiSelector(Math.max(1, config.phiCount()));
    }

    public static MultiScaleQuantizer load(WeightSource vaeWeights, TokenizerConfig config, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            return new MultiScaleQuantizer(m, config, new ParamLoader(vaeWeights, m));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public TokenizerConfig config() {
        return config;
    }

    public int vocabSize() {
        return config.vocabSize();
    }

    public int codeDim() {
        return config.zChannels();
    }

    /** The codebook [V, Cvae]; owned by this object (do not close). */
    public NDArray codebook() {
        return codebook;
    }

    /** Code embeddings of indices {@code [..., l]} (INT64) → {@code [..., l, Cvae]}, in idx's manager. */
    public NDArray embed(NDArray idx) {
        NDArray flat = idx.toType(DataType.INT64, false).flatten();
        NDArray rows = codebook.get(flat);
        NDArray out = rows.reshape(idx.getShape().add(codeDim()));
        out.attach(idx.getManager());
        flat.close();
        if (rows != out) {
            rows.close();
        }
        return out;
    }

    /** Soft embedding {@code weights · codebook} for gumbel-smoothed tokens: [..., V] → [..., Cvae]. */
    public NDArray embedSoft(NDArray probs) {
        return probs.matMul(codebook);
    }

    /** Index of the phi used at scale {@code si} of {@code numScales}. */
    public int phiIndex(int si, int numScales) {
        return selector.index(si, numScales);
    }

    /** {@code phi(h) = (1 − r)·h + r·(conv3×3(h) + b)} of scale si; the identity when quant_resi is 0. */
    public NDArray phi(int si, int numScales, NDArray h) {
        if (phis.isEmpty()) {
            return h.duplicate();
        }
        Conv2d conv = phis.get(selector.index(si, numScales));
        return ScopedOps.run(() -> TorchMemory.mul(h, 1 - resiRatio).add(TorchMemory.mul(conv.forward(h), resiRatio)));
    }

    /** Token map [B, pn², Cvae] → latent [B, Cvae, pn, pn]. */
    public static NDArray tokensToLatent(NDArray tokens, int pn) {
        long b = tokens.getShape().get(0);
        long c = tokens.getShape().get(2);
        return tokens.transpose(0, 2, 1).reshape(b, c, pn, pn);
    }

    /** Latent [B, Cvae, h, w] → token map [B, h·w, Cvae]. */
    public static NDArray latentToTokens(NDArray latent) {
        Shape s = latent.getShape();
        return latent.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1);
    }

    /**
     * HART's {@code get_next_autoregressive_input} for a non-final scale si: {@code f_hat += phi(bicubic(h → P))}
     * (in place) and returns the next scale's input {@code area(f_hat → pn_{si+1})} [B, Cvae, pn', pn'].
     *
     * @param fHat  running latent [B, Cvae, P, P], updated in place
     * @param hBChw this scale's code embeddings [B, Cvae, pn, pn]
     */
    public NDArray nextAutoregressiveInput(int si, int[] patchNums, NDArray fHat, NDArray hBChw) {
        int n = patchNums.length;
        if (si < 0 || si >= n - 1) {
            throw new IllegalArgumentException("scale " + si + " is not a non-final scale of " + n + " scales;"
                    + " use addFinal for the last scale");
        }
        int last = patchNums[n - 1];
        checkLatent("f_hat", fHat, last);
        checkLatent("h_BChw", hBChw, patchNums[si]);
        NDArray h = ScopedOps.run(() -> phi(si, n, VaeOps.bicubic(hBChw, last, last)));
        fHat.addi(h);
        h.close();
        int next = patchNums[si + 1];
        return VaeOps.area(fHat, next, next);
    }

    /** The final (hybrid) stage: {@code f_hat += tokens} with no phi and no interpolation; returns f_hat. */
    public NDArray addFinal(NDArray fHat, NDArray tokensBChw) {
        if (!fHat.getShape().equals(tokensBChw.getShape())) {
            throw new IllegalArgumentException("final tokens " + tokensBChw.getShape() + " do not match f_hat " + fHat.getShape());
        }
        return fHat.addi(tokensBChw);
    }

    private void checkLatent(String what, NDArray a, int side) {
        Shape s = a.getShape();
        if (s.dimension() != 4 || s.get(1) != codeDim() || s.get(2) != side || s.get(3) != side) {
            throw new IllegalArgumentException(what + " must be [B, " + codeDim() + ", " + side + ", " + side + "], got " + s);
        }
    }

    /** Nearest codes of rows {@code z} [M, Cvae] by L2 distance (first minimum) → [M] INT64. */
    public NDArray nearestCode(NDArray z) {
        if (config.usingZnorm()) {
            throw new UnsupportedOperationException("using_znorm (cosine code search) is not supported");
        }
        return ScopedOps.run(() -> {
            // |z|² + |e|² − 2 z·eᵀ, as the reference's addmm
            NDArray d = z.square().sum(new int[] {1}, true).add(codeNorms).sub(z.matMul(codebookT).mul(2));
            return d.argMin(1);
        });
    }


    /** Result of the hybrid quantisation of a continuous latent (spec 6.3). */
    public record HybridCodes(List<NDArray> indices, NDArray restBeforeLast, NDArray residual) {
    }

    /**
     * VAR path {@code f_to_idxBl_or_fhat}: per-scale indices [B, pn²] of {@code f} [B, Cvae, P, P] with
     * phi applied at every scale including the last. Traces {@code idx.<si>} and the cumulative
     * {@code fhat_var.<si>}.
     */
    public List<NDArray> quantizeVar(NDArray f, int[] patchNums, Trace trace) {
        return quantize(f, patchNums, true, trace, "fhat_var.").indices();
    }

    /**
     * Hybrid path {@code f_to_idxBl_and_frest}: indices per scale with no phi at the last scale, the rest
     * just before the last discrete code {@code restBeforeLast} [B, P², Cvae] and the continuous residual
     * {@code restBeforeLast − codebook[idx_last]} [B, P², Cvae]. Traces {@code idx.<si>}, {@code frest_last},
     * {@code residual}.
     */
    public HybridCodes quantizeHybrid(NDArray f, int[] patchNums, Trace trace) {
        return quantize(f, patchNums, false, trace, null);
    }

    private HybridCodes quantize(NDArray f, int[] patchNums, boolean phiAtLast, Trace trace, String fhatName) {
        Shape s = f.getShape();
        long b = s.get(0);
        int n = patchNums.length;
        int p = patchNums[n - 1];
        if (s.get(2) != p || s.get(3) != p) {
            throw new IllegalArgumentException("latent " + s + " does not match the last patch size " + p);
        }
        List<NDArray> indices = new ArrayList<>();
        NDArray restBeforeLast = null;
        NDArray residual = null;
        try (NDScope ignored = new NDScope()) {
            NDArray rest = f.duplicate();
            NDArray fHat = f.zerosLike();
            for (int si = 0; si < n; si++) {
                int pn = patchNums[si];
                boolean lastScale = si == n - 1;
                NDArray z = lastScale ? rest : VaeOps.area(rest, pn, pn);
                NDArray idx = nearestCode(latentToTokens(z).reshape(-1, codeDim())).reshape(b, (long) pn * pn);
                NDScope.unregister(idx);
                indices.add(idx);
                trace.record("idx." + si, idx);
                NDArray h = tokensToLatent(embed(idx), pn);
                if (!lastScale) {
                    h = VaeOps.bicubic(h, p, p);
                }
                if (!lastScale || phiAtLast) {
                    h = phi(si, n, h);
                }
                fHat.addi(h);
                if (lastScale) {
                    restBeforeLast = latentToTokens(rest).duplicate();
                }
                rest.subi(h);
                if (fhatName != null) {
                    trace.record(fhatName + si, fHat);
                }
            }
            NDArray lastCodes = embed(indices.get(n - 1));
            residual = restBeforeLast.sub(lastCodes);
            NDScope.unregister(restBeforeLast, residual);
        }
        trace.record("frest_last", restBeforeLast);
        trace.record("residual", residual);
        return new HybridCodes(List.copyOf(indices), restBeforeLast, residual);
    }

    /**
     * HART-style accumulation of given indices as inference does it: {@code get_next_autoregressive_input}
     * for scales before the last (traces {@code fhat.<si>}, {@code next_in.<si>}), then the raw last-scale
     * codes ({@code fhat_discrete}) and, when {@code residual} [B, P², Cvae] is given, the full latent
     * {@code fhat_full}. Returns the discrete f_hat, or the full one when a residual is given.
     */
    public NDArray accumulate(List<NDArray> indices, NDArray residual, int[] patchNums, Trace trace) {
        int n = patchNums.length;
        int p = patchNums[n - 1];
        long b = indices.get(0).getShape().get(0);
        NDArray fHat = indices.get(0).getManager().zeros(new Shape(b, codeDim(), p, p));
        try (NDScope ignored = new NDScope()) {
            NDScope.unregister(fHat);
            for (int si = 0; si < n - 1; si++) {
                NDArray h = tokensToLatent(embed(indices.get(si)), patchNums[si]);
                NDArray next = nextAutoregressiveInput(si, patchNums, fHat, h);
                trace.record("fhat." + si, fHat);
                trace.record("next_in." + si, next);
            }
            addFinal(fHat, tokensToLatent(embed(indices.get(n - 1)), p));
            trace.record("fhat_discrete", fHat);
            if (residual != null) {
                addFinal(fHat, tokensToLatent(residual, p));
                trace.record("fhat_full", fHat);
            }
        }
        return fHat;
    }

    /** Bicubic resize (torch semantics; the identity at equal size), exposed for the encode path. */
    static NDArray bicubic(NDArray x, int size) {
        return VaeOps.bicubic(x, size, size);
    }

    @Override
    public void close() {
        weights.close();
    }
}
