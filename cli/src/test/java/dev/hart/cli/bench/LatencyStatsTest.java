package dev.hart.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatencyStatsTest {

    @Test
    void nearestRankPercentilesOfShuffledSamples() {
        List<Double> s = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            s.add((double) i);
        }
        Collections.shuffle(s, new java.util.Random(3));
        LatencyStats st = LatencyStats.of(s);
        assertThat(st.count()).isEqualTo(20);
        assertThat(st.p50Ms()).isEqualTo(10.0);
        assertThat(st.p95Ms()).isEqualTo(19.0);
        assertThat(st.minMs()).isEqualTo(1.0);
        assertThat(st.maxMs()).isEqualTo(20.0);
        assertThat(st.meanMs()).isEqualTo(10.5);
    }

    @Test
    void oneSampleIsEveryPercentile() {
        LatencyStats st = LatencyStats.of(List.of(42.0));
        assertThat(st.p50Ms()).isEqualTo(42.0);
        assertThat(st.p95Ms()).isEqualTo(42.0);
    }

    @Test
    void noSamplesIsAnError() {
        assertThatThrownBy(() -> LatencyStats.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no timing samples");
    }
}
