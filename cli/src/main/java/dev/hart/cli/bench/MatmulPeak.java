package dev.hart.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import java.util.ArrayList;
import java.util.List;

/**
 * The machine's measured compute ceiling for the model's dominant op: an n x n x n f32 matmul through DJL
 * (2·n³ FLOP per call). Model timings are reported as a fraction of this.
 */
public final class MatmulPeak {

    /** GFLOP/s of the best and the median call. */
    public record Result(int n, int calls, double bestGflops, double medianGflops) {
    }

    private MatmulPeak() {
    }

    public static Result measure(int n, int warmup, int calls) {
        if (n < 1 || calls < 1 || warmup < 0) {
            throw new IllegalArgumentException("matmul peak needs n >= 1, calls >= 1, warmup >= 0");
        }
        JniUtils.setGradMode(false);
        try (NDManager m = dev.hart.model.nn.ComputeDevice.newRootManager()) {
            NDArray a = m.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = m.randomUniform(-1, 1, new Shape(n, n));
            for (int i = 0; i < warmup; i++) {
                a.matMul(b).close();
            }
            List<Double> gflops = new ArrayList<>();
            double flop = 2.0 * n * n * (double) n;
            for (int i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b); // synchronous on the CPU engine
                long dt = System.nanoTime() - t0;
                c.close();
                gflops.add(flop / dt);
            }
            gflops.sort(Double::compare);
            return new Result(n, calls, gflops.get(gflops.size() - 1), gflops.get(gflops.size() / 2));
        }
    }
}
