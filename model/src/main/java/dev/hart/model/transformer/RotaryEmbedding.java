package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embeddings exactly as the reference computes them (spec 3.4):
 * <ul>
 *   <li>context tokens: 1-D Llama RoPE, {@code inv1[i] = 1/10000^(2i/hd)}, angle {@code p·inv1[j mod hd/2]};</li>
 *   <li>image tokens: the reference's "2-D" RoPE, {@code inv2[i] = 1/10000^(4i/hd)}, the first half of the
 *       channels gets the row angles, the second half the column angles — so rotate-half pairs a row-angle
 *       channel with a column-angle channel (not a true rotation unless row = column; reproduced on purpose).</li>
 * </ul>
 * Tables are [N, L, hd] and apply to q/k laid out [N, H, L, hd].
 */
public final class RotaryEmbedding {

    private static final double BASE = 10000.0;

    private final int headDim;
    private final float[] invFreq1d;
    private final float[] invFreq2d;

    public RotaryEmbedding(int headDim) {
        if (headDim % 4 != 0) {
            throw new IllegalArgumentException("head_dim must be divisible by 4 for the 2-D rotary embedding, found " + headDim);
        }
        this.headDim = headDim;
        this.invFreq1d = inverseFrequencies(headDim, 2);
        this.invFreq2d = inverseFrequencies(headDim, 4);
    }

    /** {@code 1 / base^(arange(0, hd, step)/hd)} in float32, as torch computes it. */
    private static float[] inverseFrequencies(int hd, int step) {
        float[] f = new float[hd / step];
        for (int i = 0; i < f.length; i++) {
            float exponent = (float) (i * step) / (float) hd;
            f[i] = 1f / (float) Math.pow(BASE, exponent);
        }
        return f;
    }

    public int headDim() {
        return headDim;
    }

    public float[] invFreq1d() {
        return invFreq1d.clone();
    }

    public float[] invFreq2d() {
        return invFreq2d.clone();
    }

    /** cos/sin [N, T, hd] for context tokens at {@code positionIds} [N, T] (integer). */
    public NDList contextTables(NDArray positionIds) {
        NDManager m = positionIds.getManager();
        NDArray p = positionIds.toType(DataType.FLOAT32, false).expandDims(-1);     // [N, T, 1]
        NDArray freqs = p.mul(m.create(invFreq1d));                                // [N, T, hd/2]
        NDArray emb = freqs.concat(freqs, -1);
        return new NDList(emb.cos(), emb.sin());
    }

    /**
     * Positions [N, pn², 2] (row, column) of the image tokens of a pn×pn map: {@code (i/pn)·P + lastCtx}
     * in float32, P the last scale's side, lastCtx [N] the last column of the context position ids.
     */
    public static NDArray imagePositions(int pn, int lastPn, NDArray lastContextPosition) {
        NDManager m = lastContextPosition.getManager();
        float[] base = new float[pn * pn * 2];
        for (int i = 0; i < pn; i++) {
            for (int j = 0; j < pn; j++) {
                int t = (i * pn + j) * 2;
                base[t] = (float) i / (float) pn * (float) lastPn;
                base[t + 1] = (float) j / (float) pn * (float) lastPn;
            }
        }
        NDArray grid = m.create(base).reshape(1, (long) pn * pn, 2);
        NDArray offset = lastContextPosition.toType(DataType.FLOAT32, false).reshape(-1, 1, 1);
        return grid.add(offset);
    }

    /** cos/sin [N, L, hd] for image tokens at 2-D positions [N, L, 2]. */
    public NDList imageTables(NDArray positions) {
        NDManager m = positions.getManager();
        NDArray inv = m.create(invFreq2d);
        NDArray rows = positions.get("..., 0:1").mul(inv);                         // [N, L, hd/4]
        NDArray cols = positions.get("..., 1:2").mul(inv);
        NDArray emb = NDArrayConcat.of(-1, rows, rows, cols, cols);
        return new NDList(emb.cos(), emb.sin());
    }

    /** {@code x·cos + rotate_half(x)·sin} for x [N, H, L, hd] and tables [N, L, hd]. */
    public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long hd = x.getShape().get(x.getShape().dimension() - 1);
        long half = hd / 2;
        NDArray x1 = x.get("..., :" + half);
        NDArray x2 = x.get("..., " + half + ":");
        NDArray rotated = x2.neg().concat(x1, -1);
        return x.mul(cos.expandDims(1)).addi(rotated.muli(sin.expandDims(1)));
    }
}
