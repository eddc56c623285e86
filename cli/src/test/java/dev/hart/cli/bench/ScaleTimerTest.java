package dev.hart.cli.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScaleTimerTest {

    @Test
    void splitsTheRunAtEachScalesSampledIndices() throws InterruptedException {
        ScaleTimer t = new ScaleTimer(3);
        t.start();
        t.record("stage0.block0.out", null);      // other events are ignored
        Thread.sleep(5);
        t.record("stage0.idx", null);
        Thread.sleep(5);
        t.record("stage1.idx", null);
        t.record("stage2.idx", null);
        Thread.sleep(5);
        t.record("final.z", null);                  // counted to the last scale
        double[] ms = t.scaleMillis();
        assertThat(ms).hasSize(3);
        assertThat(ms[0]).isGreaterThanOrEqualTo(4.0);
        assertThat(ms[1]).isGreaterThanOrEqualTo(4.0);
        assertThat(ms[2]).isGreaterThanOrEqualTo(4.0);
    }

    @Test
    void aMissingScaleIsReported() {
        ScaleTimer t = new ScaleTimer(2);
        t.start();
        t.record("stage0.idx", null);
        assertThatThrownBy(t::scaleMillis).isInstanceOf(IllegalStateException.class).hasMessageContaining("scale 1");
    }
}
