package dev.hart.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.RandomSource;
import dev.hart.model.SeededRandomSource;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.RandomWeights;
import dev.hart.model.config.NamedConfigs;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** A request's residual must not depend on the other requests in its batch. */
class ResidualDiffusionBatchTest {

    @Test
    void batchedRequestsMatchTheirSoloRuns() {
        NamedConfigs.NamedConfig c = NamedConfigs.get("tiny-a");
        int rows = 5;
        try (NDManager m = NDManager.newBaseManager();
             ResidualDiffusion diff = ResidualDiffusion.load(RandomWeights.llm(c.llm(), c.tokenizer(), 9), c.llm(), 8, m)) {
            NDArray cond0 = m.randomNormal(new Shape(rows, 64));
            NDArray cond1 = m.randomNormal(new Shape(rows, 64));
            NDArray uncond = m.randomNormal(new Shape(1, 64)).repeat(0, rows);
            for (double cfg : new double[] {3.0, 1.0}) {
                boolean guided = cfg != 1.0;
                NDArray z0 = guided ? cond0.concat(uncond, 0) : cond0;
                NDArray z1 = guided ? cond1.concat(uncond, 0) : cond1;
                NDArray batch = guided ? cond0.concat(cond1, 0).concat(uncond, 0).concat(uncond, 0) : cond0.concat(cond1, 0);
                float[] solo0 = diff.sample(z0, 1.0, cfg, new SeededRandomSource(11), Trace.NONE).get("0:" + rows).toFloatArray();
                float[] solo1 = diff.sample(z1, 1.0, cfg, new SeededRandomSource(12), Trace.NONE).get("0:" + rows).toFloatArray();
                NDArray both = diff.sample(batch, 1.0, cfg,
                        List.<RandomSource>of(new SeededRandomSource(11), new SeededRandomSource(12)), Trace.NONE);
                float[] b0 = both.get("0:" + rows).toFloatArray();
                float[] b1 = both.get(rows + ":" + 2 * rows).toFloatArray();
                for (int i = 0; i < solo0.length; i++) {
                    assertThat(b0[i]).isCloseTo(solo0[i], within(1e-4f));
                    assertThat(b1[i]).isCloseTo(solo1[i], within(1e-4f));
                }
                assertThat(solo0).isNotEqualTo(solo1);
            }
            assertThatThrownBy(() -> diff.sample(m.zeros(new Shape(6, 64)), 1.0, 3.0,
                    List.<RandomSource>of(new SeededRandomSource(1), new SeededRandomSource(2)), Trace.NONE))
                    .hasMessageContaining("not a multiple of 4");
        }
    }
}
