package dev.hart.stage.ar;

import dev.hart.model.inference.TensorData;

/**
 * Text conditioning of a batch as the transformer takes it.
 *
 * @param context     hidden states [B, T, D]
 * @param mask        [B*T] row-major, 1 = real token
 * @param positionIds [B*T] row-major, {@code cumsum(mask) - 1}
 */
public record PromptContext(TensorData context, long[] mask, long[] positionIds) {

    public PromptContext {
        context.requireShape("prompt context", -1, -1, -1);
        long bt = context.dim(0) * context.dim(1);
        if (mask.length != bt || positionIds.length != bt) {
            throw new IllegalArgumentException("mask and position ids need B*T = " + bt + " values, got " + mask.length
                    + " and " + positionIds.length);
        }
    }

    public int batch() {
        return (int) context.dim(0);
    }

    /** Rows of several contexts (same T and D), concatenated in order. */
    static PromptContext concat(java.util.List<PromptContext> parts) {
        long t = parts.get(0).context().dim(1);
        long d = parts.get(0).context().dim(2);
        int b = 0;
        for (PromptContext p : parts) {
            p.context().requireShape("prompt context", -1, t, d);
            b += p.batch();
        }
        float[] ctx = new float[Math.toIntExact(b * t * d)];
        long[] mask = new long[Math.toIntExact(b * t)];
        long[] pos = new long[mask.length];
        int fo = 0;
        int to = 0;
        for (PromptContext p : parts) {
            System.arraycopy(p.context().data(), 0, ctx, fo, p.context().data().length);
            System.arraycopy(p.mask(), 0, mask, to, p.mask().length);
            System.arraycopy(p.positionIds(), 0, pos, to, p.positionIds().length);
            fo += p.context().data().length;
            to += p.mask().length;
        }
        return new PromptContext(new TensorData(new long[] {b, t, d}, ctx), mask, pos);
    }
}
