package dev.hart.model.inference;

/**
 * Per-request sampling settings. Defaults are the reference scripts' ({@code sample.py}): cfg 4.5,
 * more_smooth on, no top-p, seed 1.
 *
 * @param cfg classifier-free guidance scale; scale si uses {@code cfg·si/(n−1)}, the final scale re-uses
 *            scale n−2's ratio (reference quirk, kept)
 * @param topK 0 = the reference's hard-coded schedule (600 for scales 0–6, 300 from scale 7 on; the
 *             reference ignores its top_k argument); a positive value uses that k at every scale
 * @param topP nucleus threshold, 0 = off
 * @param moreSmooth gumbel-softmax smoothing of the token embeddings (reference {@code more_smooth})
 * @param seed every random draw of this request comes from generators seeded by it
 */
public record SamplingParams(double cfg, int topK, double topP, boolean moreSmooth, long seed) {

    public static final double DEFAULT_CFG = 4.5;
    public static final long DEFAULT_SEED = 1;

    public SamplingParams {
        if (!Double.isFinite(cfg) || cfg < 0) {
            throw new IllegalArgumentException("cfg must be a finite number >= 0, got " + cfg);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = reference schedule), got " + topK);
        }
        if (!(topP >= 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in [0, 1] (0 = off), got " + topP);
        }
    }

    public static SamplingParams defaults() {
        return new SamplingParams(DEFAULT_CFG, 0, 0.0, true, DEFAULT_SEED);
    }

    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(cfg, topK, topP, moreSmooth, newSeed);
    }

    public SamplingParams withCfg(double newCfg) {
        return new SamplingParams(newCfg, topK, topP, moreSmooth, seed);
    }

    public SamplingParams withMoreSmooth(boolean smooth) {
        return new SamplingParams(cfg, topK, topP, smooth, seed);
    }

    public SamplingParams withTopP(double newTopP) {
        return new SamplingParams(cfg, topK, newTopP, moreSmooth, seed);
    }

    public SamplingParams withTopK(int newTopK) {
        return new SamplingParams(cfg, newTopK, topP, moreSmooth, seed);
    }

    /** The k used at scale {@code si}: the override, or the reference's 600/300 schedule. */
    public int topKAt(int si) {
        return topK > 0 ? topK : referenceTopK(si);
    }

    /** The reference's hard-coded top-k: 600 for si &lt; 7, else 300 (spec 8.2). */
    public static int referenceTopK(int si) {
        return si < 7 ? 600 : 300;
    }
}
