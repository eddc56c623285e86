package dev.hart.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * Draws from a Java generator seeded by the request's seed: the same seed gives the same draws on any
 * machine, thread or batch. (The reference uses torch's global generator per batch; we do better.)
 */
public final class SeededRandomSource implements RandomSource {

    private final SplittableRandom random;

    public SeededRandomSource(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public NDArray randn(NDManager manager, Shape shape) {
        int n = Math.toIntExact(shape.size());
        float[] v = new float[n];
        for (int i = 0; i < n; i += 2) {
            // Box-Muller: two normals per pair of uniforms
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            v[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                v[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return manager.create(v, shape);
    }

    @Override
    public NDArray exponential(NDManager manager, Shape shape) {
        int n = Math.toIntExact(shape.size());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) -Math.log(1.0 - random.nextDouble());
        }
        return manager.create(v, shape);
    }
}
