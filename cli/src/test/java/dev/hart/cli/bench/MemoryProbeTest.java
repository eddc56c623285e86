package dev.hart.cli.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MemoryProbeTest {

    @Test
    void parsesKilobyteFieldsOfProcStatus() {
        List<String> lines = List.of("Name:\tjava", "VmPeak:\t 9000 kB", "VmHWM:\t   123456 kB", "VmRSS:\t  100000 kB");
        assertThat(MemoryProbe.parseKb(lines, "VmHWM:")).hasValue(123456L * 1024);
        assertThat(MemoryProbe.parseKb(lines, "VmRSS:")).hasValue(100000L * 1024);
        assertThat(MemoryProbe.parseKb(lines, "VmSwap:")).isEmpty();
    }

    @Test
    void peakIsReadFromProcAndCoversARecentResidentSet() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux /proc");
        long rss = MemoryProbe.rssBytes().orElseThrow();
        long peak = MemoryProbe.rssPeakBytes().orElseThrow();
        assertThat(rss).isPositive();
        // the kernel's RSS counters are per-thread and lazy: allow a few MiB of slack between two reads
        assertThat(peak).isGreaterThanOrEqualTo(rss - (8L << 20));
        long rawHwm = MemoryProbe.parseKb(Files.readAllLines(Path.of("/proc/self/status")), "VmHWM:").orElseThrow();
        assertThat(rawHwm).isPositive();
    }

    @Test
    void heapPeakGrowsWithAnAllocation() {
        MemoryProbe.resetHeapPeak();
        long before = MemoryProbe.heapPeakBytes();
        byte[] big = new byte[64 << 20];
        big[big.length - 1] = 1;
        assertThat(MemoryProbe.heapPeakBytes()).isGreaterThanOrEqualTo(before + (32L << 20));
        assertThat(big[big.length - 1]).isEqualTo((byte) 1);
    }
}
