package dev.hart.stage.common;

import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.TensorData;
import dev.hart.schemas.avro.RequestInfo;

import java.util.List;
import java.util.SplittableRandom;

/** A small transformer result and request for the wire tests (shared through this module's test jar). */
public final class ArOutputFixtures {
    private ArOutputFixtures() {
    }

    public static final int C = 4;
    public static final int P = 3;
    public static final int W = 5;

    public static TensorData random(SplittableRandom r, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return new TensorData(shape, v);
    }

    public static ArResult result() {
        SplittableRandom r = new SplittableRandom(7);
        return new ArResult(random(r, C, P, P), random(r, P * P, C), random(r, 2 * P * P, W),
                List.of(new long[] {3}, new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9}), 3.6, 42);
    }

    public static RequestInfo request() {
        return RequestInfo.newBuilder().setRequestId("r").setJobId("j").setPrompt("p").setSeed(42)
                .setCheckpointId("c").setSubmittedAtMs(1).build();
    }
}
