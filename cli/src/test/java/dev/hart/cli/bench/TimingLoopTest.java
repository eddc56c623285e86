package dev.hart.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimingLoopTest {

    @Test
    void warmsUpThenTimesUpToTheSampleLimit() {
        AtomicInteger calls = new AtomicInteger();
        var ms = new TimingLoop(2, 5, 60).run(calls::incrementAndGet);
        assertThat(ms).hasSize(5);
        assertThat(calls).hasValue(7);
    }

    @Test
    void stopsAtTheBudgetButTimesAtLeastOnce() {
        AtomicInteger calls = new AtomicInteger();
        var ms = new TimingLoop(0, 100, 0.001).run(() -> {
            calls.incrementAndGet();
            sleep(5);
        });
        assertThat(ms).hasSize(1);
        assertThat(calls).hasValue(1);
        assertThat(ms.get(0)).isGreaterThanOrEqualTo(4.0);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new TimingLoop(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TimingLoop(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
