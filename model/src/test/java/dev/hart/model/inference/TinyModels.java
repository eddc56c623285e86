package dev.hart.model.inference;

import dev.hart.model.checkpoint.HartCheckpointDir;

import java.nio.file.Path;
import java.util.Random;

/** The tiny parity checkpoints in test resources, and synthetic text contexts for them. */
final class TinyModels {

    private TinyModels() {
    }

    static HartCheckpointDir open(String name) {
        return HartCheckpointDir.open(Path.of("src/test/resources/parity/models", name, "llm"), false);
    }

    /** A batch of pre-encoded prompts: random hidden states, right-padded masks of the given lengths. */
    record Batch(TensorData context, long[] mask, long[] positions) {
    }

    static Batch contexts(int t, int dim, long seed, int... lengths) {
        int b = lengths.length;
        float[] ctx = new float[b * t * dim];
        long[] mask = new long[b * t];
        long[] pos = new long[b * t];
        for (int r = 0; r < b; r++) {
            Random rnd = new Random(seed + 31L * r);
            for (int i = 0; i < t * dim; i++) {
                ctx[r * t * dim + i] = (float) rnd.nextGaussian();
            }
            long p = -1;
            for (int i = 0; i < t; i++) {
                long on = i < lengths[r] ? 1 : 0;
                mask[r * t + i] = on;
                p += on;
                pos[r * t + i] = p;   // cumsum(mask) - 1: padding repeats the last real position
            }
        }
        return new Batch(new TensorData(new long[] {b, t, dim}, ctx), mask, pos);
    }

    /** Row r of a batch as a batch of one. */
    static Batch row(Batch batch, int r) {
        long t = batch.context().dim(1);
        long dim = batch.context().dim(2);
        float[] ctx = new float[(int) (t * dim)];
        System.arraycopy(batch.context().data(), (int) (r * t * dim), ctx, 0, ctx.length);
        long[] mask = new long[(int) t];
        long[] pos = new long[(int) t];
        System.arraycopy(batch.mask(), (int) (r * t), mask, 0, (int) t);
        System.arraycopy(batch.positions(), (int) (r * t), pos, 0, (int) t);
        return new Batch(new TensorData(new long[] {1, t, dim}, ctx), mask, pos);
    }

    static double maxAbsDiff(TensorData a, TensorData b) {
        double m = 0;
        for (int i = 0; i < a.data().length; i++) {
            m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
        }
        return m;
    }
}
