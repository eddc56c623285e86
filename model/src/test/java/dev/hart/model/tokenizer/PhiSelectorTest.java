package dev.hart.model.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PhiSelectorTest {

    private static int[] chosen(PhiSelector s, int numScales) {
        return IntStream.range(0, numScales - 1).map(si -> s.index(si, numScales)).toArray();
    }

    @Test
    void selectsThePhisTheSpecListsForK4() {
        PhiSelector k4 = new PhiSelector(4);
        assertThat(chosen(k4, 14)).containsExactly(0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3);
        assertThat(chosen(k4, 6)).containsExactly(0, 0, 1, 2, 3);
        assertThat(chosen(k4, 9)).containsExactly(0, 0, 1, 1, 2, 2, 2, 3);
    }

    @Test
    void otherCountsUseHalfStepTicksAndOneMeansShared() {
        PhiSelector k2 = new PhiSelector(2); // ticks 0.25, 0.75; 0.5 is a tie and takes the first
        assertThat(chosen(k2, 5)).containsExactly(0, 0, 0, 1);
        assertThat(chosen(new PhiSelector(1), 5)).containsOnly(0);
    }

    @Test
    void bicubicWeightsAreAPartitionOfUnityAndConstantFromOnePixel() {
        for (int[] io : new int[][] {{1, 8}, {2, 8}, {3, 64}, {12, 64}, {5, 7}}) {
            float[] w = VaeOps.bicubicMatrix(io[0], io[1]);
            for (int o = 0; o < io[1]; o++) {
                double sum = 0;
                for (int i = 0; i < io[0]; i++) {
                    sum += w[o * io[0] + i];
                }
                assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        float[] one = VaeOps.bicubicMatrix(1, 4);
        assertThat(one).containsOnly(1.0f);
    }
}
