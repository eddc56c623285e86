package dev.hart.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.hart.model.Trace;

import java.util.List;

/**
 * One scale's token choice for a batch (spec 4.3): top-k/top-p masking in place, a categorical pick from
 * the softmax, and the token embeddings — codebook rows, or with more_smooth the gumbel-softmax mix of the
 * masked logits times {@code (1 + ratio)} at {@code τ = max(0.27·(1 − 0.95·ratio), 0.005)}.
 *
 * <p>Rows sharing the same settings are processed together; rows with different settings one by one
 * (each row's draws come from its own randomness either way).
 */
public final class ScaleSampler {

    /** Sampled indices [B, l] and the embeddings to accumulate [B, l, Cvae]. */
    public record Sampled(NDArray indices, NDArray embeddings) {
    }

    private final TokenSampler tokenSampler;

    public ScaleSampler(TokenSampler tokenSampler) {
        this.tokenSampler = tokenSampler;
    }

    /**
     * @param mixed guided logits [B, l, V]; masked IN PLACE (as the reference does)
     * @param rows per-row settings (size B)
     * @param ratio the scale's ratio (drives τ and the logit multiplier)
     * @param codebook [V, Cvae]
     */
    public Sampled sample(NDArray mixed, List<RowSampling> rows, double ratio, NDArray codebook,
                          ScaleRandomness randomness, Trace trace) {
        int b = (int) mixed.getShape().get(0);
        if (rows.size() != b) {
            throw new IllegalArgumentException(b + " rows of logits but " + rows.size() + " row settings");
        }
        boolean uniform = rows.stream().distinct().count() == 1;
        if (uniform) {
            return sampleGroup(mixed, rows.get(0), ratio, codebook, randomness, trace);
        }
        NDList idx = new NDList();
        NDList emb = new NDList();
        for (int r = 0; r < b; r++) {
            NDArray row = mixed.get(new NDIndex(r + ":" + (r + 1)));
            Sampled s = sampleGroup(row, rows.get(r), ratio, codebook, randomness.rows(new int[] {r}), Trace.NONE);
            idx.add(s.indices());
            emb.add(s.embeddings());
        }
        return new Sampled(NDArrays.concat(idx, 0), NDArrays.concat(emb, 0));
    }

    private Sampled sampleGroup(NDArray logits, RowSampling s, double ratio, NDArray codebook,
                                ScaleRandomness randomness, Trace trace) {
        NDManager m = logits.getManager();
        TopKTopPFilter.filterInPlace(logits, s.topK(), s.topP());
        NDArray probs = logits.softmax(-1);
        NDArray idx = tokenSampler.sample(probs, randomness);
        NDArray emb;
        if (!s.moreSmooth()) {
            emb = codebook.get(m, new NDIndex("{}", idx));                                 // [B, l, Cvae]
        } else {
            double tau = GumbelSmoothing.tau(ratio);
            trace.record("gumbel_tau", m.create(tau));
            long[] sh = logits.getShape().getShape();
            NDArray e = randomness.exponential(m, (int) sh[0], sh[1], sh[2]);
            NDArray y = GumbelSmoothing.softSample(logits.mul((float) (1 + ratio)), tau, e);
            emb = y.matMul(codebook);
        }
        return new Sampled(idx, emb);
    }

}
