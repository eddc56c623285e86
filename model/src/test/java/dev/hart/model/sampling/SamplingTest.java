package dev.hart.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.SeededRandomSource;
import dev.hart.model.Trace;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplingTest {

    private static NDManager m;

    @BeforeAll
    static void open() {
        m = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        m.close();
    }

    private static boolean[] kept(NDArray masked) {
        float[] v = masked.toFloatArray();
        boolean[] k = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            k[i] = v[i] != Float.NEGATIVE_INFINITY;
        }
        return k;
    }

    @Test
    void topKKeepsTiesWithTheKthValueAndMasksInPlace() {
        NDArray logits = m.create(new float[] {1, 5, 3, 3, 0}, new Shape(1, 1, 5));
        NDArray out = TopKTopPFilter.filterInPlace(logits, 2, 0);
        assertThat(out).isSameAs(logits);
        // the 2nd largest value is 3; both 3s survive
        assertThat(kept(logits)).containsExactly(false, true, true, true, false);
    }

    @Test
    void topPKeepsTheSmallestSetAboveTheMassAndAlwaysTheLargest() {
        // probabilities ~ [0.64, 0.24, 0.09, 0.03]
        NDArray logits = m.create(new float[] {3, 2, 1, -0.2f}, new Shape(1, 1, 4));
        TopKTopPFilter.filterInPlace(logits, 0, 0.8);
        assertThat(kept(logits)).containsExactly(true, true, false, false);
        NDArray peaked = m.create(new float[] {10, 0, 0, 0}, new Shape(1, 1, 4));
        TopKTopPFilter.filterInPlace(peaked, 0, 0.01);
        assertThat(kept(peaked)).containsExactly(true, false, false, false);
    }

    @Test
    void filterRejectsBadArguments() {
        NDArray logits = m.zeros(new Shape(1, 1, 4));
        assertThatThrownBy(() -> TopKTopPFilter.filterInPlace(logits, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopKTopPFilter.filterInPlace(logits, 0, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inverseCdfFollowsTheProbabilitiesAndNeverPicksMaskedEntries() {
        int draws = 4000;
        float[] p = {0.2f, 0f, 0.5f, 0.3f};
        float[] rows = new float[draws * 4];
        for (int i = 0; i < draws; i++) {
            System.arraycopy(p, 0, rows, i * 4, 4);
        }
        NDArray probs = m.create(rows, new Shape(1, draws, 4));
        ScaleRandomness rnd = new PerRequestRandomness(List.of(new SeededRandomSource(3)));
        long[] idx = InverseCdfTokenSampler.INSTANCE.sample(probs, rnd).toLongArray();
        int[] counts = new int[4];
        for (long i : idx) {
            counts[(int) i]++;
        }
        assertThat(counts[1]).isZero();
        for (int k : new int[] {0, 2, 3}) {
            assertThat(counts[k] / (double) draws).as("frequency of %d", k).isCloseTo(p[k], Offset.offset(0.03));
        }
    }

    @Test
    void perRequestRandomnessGivesEachRowItsOwnStream() {
        ScaleRandomness both = new PerRequestRandomness(List.of(new SeededRandomSource(1), new SeededRandomSource(2)));
        ScaleRandomness second = new PerRequestRandomness(List.of(new SeededRandomSource(2)));
        NDArray e = both.exponential(m, 2, 3, 5);
        NDArray alone = second.exponential(m, 1, 3, 5);
        assertThat(e.get(1).toFloatArray()).containsExactly(alone.get(0).toFloatArray());
        assertThatThrownBy(() -> both.exponential(m, 3, 1, 1)).hasMessageContaining("3 rows but 2 random sources");
    }

    @Test
    void gumbelTauFollowsTheReferenceSchedule() {
        assertThat(GumbelSmoothing.tau(0)).isEqualTo(0.27);
        assertThat(GumbelSmoothing.tau(0.5)).isCloseTo(0.27 * (1 - 0.475), Offset.offset(1e-12));
        assertThat(GumbelSmoothing.tau(2)).isEqualTo(0.005);
    }

    @Test
    void stageSamplerHandlesRowsWithDifferentSettings() {
        NDArray codebook = m.create(new float[] {0, 0, 1, 1, 2, 2}, new Shape(3, 2));
        NDArray logits = m.create(new float[] {0, 5, 1, 9, 0, 0}, new Shape(2, 1, 3));
        ScaleSampler sampler = new ScaleSampler(ArgmaxTokenSampler.INSTANCE);
        ScaleSampler.Sampled s = sampler.sample(logits, List.of(new RowSampling(1, 0, false), new RowSampling(600, 0, false)),
                0.5, codebook, new PerRequestRandomness(List.of(new SeededRandomSource(1), new SeededRandomSource(2))), Trace.NONE);
        assertThat(s.indices().toLongArray()).containsExactly(1, 0);
        assertThat(s.embeddings().toFloatArray()).containsExactly(1, 1, 0, 0);
    }
}
