package dev.hart.model.diffusion;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DiffusionScheduleTest {

    @Test
    void respacingKeepsTheReferenceSteps() {
        assertThat(DiffusionSchedule.cosine("8").timestepMap()).containsExactly(0, 143, 285, 428, 571, 714, 856, 999);
        assertThat(DiffusionSchedule.spaceTimesteps(1000, "")).hasSize(1000);
        assertThat(DiffusionSchedule.spaceTimesteps(100, "ddim10")).containsExactly(0, 10, 20, 30, 40, 50, 60, 70, 80, 90);
        assertThat(DiffusionSchedule.spaceTimesteps(300, "10,15,20")).hasSize(45).contains(0, 99, 100, 199, 200, 299);
        assertThatThrownBy(() -> DiffusionSchedule.spaceTimesteps(10, "20")).hasMessageContaining("cannot divide");
    }

    @Test
    void anyStepCountRespacesTheBaseProcess() {
        double[] base = DiffusionSchedule.cosine("").alphasCumprod();
        for (int steps : new int[] {1, 4, 8, 25, 100}) {
            DiffusionSchedule s = DiffusionSchedule.cosine(Integer.toString(steps));
            assertThat(s.steps()).isEqualTo(steps);
            int[] map = s.timestepMap();
            assertThat(map[steps - 1]).isEqualTo(steps == 1 ? 0 : 999);
            // respacing keeps alpha-bar of the kept base steps: the spaced process is the base one, observed less often
            for (int k = 0; k < steps; k++) {
                assertThat(s.alphasCumprod()[k]).as("%d steps, k=%d", steps, k).isCloseTo(base[map[k]], within(1e-12));
            }
        }
        assertThat(DiffusionSchedule.cosine("4").timestepMap()).containsExactly(0, 333, 666, 999);
    }

    @Test
    void tablesAreConsistent() {
        DiffusionSchedule s = DiffusionSchedule.cosine("8");
        double[] ac = s.alphasCumprod();
        double[] b = s.betas();
        double prod = 1;
        for (int k = 0; k < s.steps(); k++) {
            prod *= 1 - b[k];
            assertThat(ac[k]).isCloseTo(prod, within(1e-15));
            assertThat(s.sqrtRecipAlphasCumprod()[k]).isCloseTo(Math.sqrt(1 / ac[k]), within(1e-12));
        }
        // the clipped log variance repeats the second entry at the first step
        assertThat(s.posteriorLogVarianceClipped()[0]).isEqualTo(s.posteriorLogVarianceClipped()[1]);
        assertThat(s.posteriorVariance()[0]).isZero();
        // the full 1000-step process ends near pure noise
        assertThat(DiffusionSchedule.cosine("").alphasCumprod()[999]).isLessThan(1e-4);
    }

    @Test
    void sleefExpIsWithinOneUlpOfTheTrueExp() {
        for (float x = -9.3f; x <= 0f; x += 0.01f) {
            float got = SimpleMlpAdaLn.sleefExpU10(x);
            assertThat(Math.abs(got - Math.exp(x))).isLessThanOrEqualTo(Math.ulp(got));
        }
    }
}
