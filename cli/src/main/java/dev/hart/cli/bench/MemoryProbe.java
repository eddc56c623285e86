package dev.hart.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Peak memory of this JVM: heap (the JVM's per-pool peaks) and the process's resident set high-water mark
 * ({@code VmHWM} in {@code /proc/self/status}, which includes DJL's native tensors, absent from the heap).
 */
public final class MemoryProbe {

    private MemoryProbe() {
    }

    /** Sum of the heap pools' peak usage since start (or the last {@link #resetHeapPeak()}), bytes. */
    public static long heapPeakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    public static void resetHeapPeak() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /**
     * Process RSS high-water mark (VmHWM) in bytes, at least the current VmRSS of the same read (the kernel's
     * counters are updated lazily); empty where /proc is unavailable (not Linux).
     */
    public static OptionalLong rssPeakBytes() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            OptionalLong hwm = parseKb(lines, "VmHWM:");
            OptionalLong rss = parseKb(lines, "VmRSS:");
            if (hwm.isEmpty()) {
                return rss;
            }
            return OptionalLong.of(Math.max(hwm.getAsLong(), rss.orElse(0)));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Current process RSS (VmRSS) in bytes; empty where /proc is unavailable. */
    public static OptionalLong rssBytes() {
        return statusField("VmRSS:");
    }

    static OptionalLong statusField(String field) {
        try {
            return parseKb(Files.readAllLines(Path.of("/proc/self/status")), field);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Reads a "Field:   1234 kB" line of /proc/PID/status as bytes. */
    static OptionalLong parseKb(List<String> statusLines, String field) {
        for (String line : statusLines) {
            if (line.startsWith(field)) {
                String[] parts = line.substring(field.length()).trim().split("\\s+");
                long kb = Long.parseLong(parts[0]);
                return OptionalLong.of(kb * 1024);
            }
        }
        return OptionalLong.empty();
    }
}
