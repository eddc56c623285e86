package dev.hart.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oneMKL dispatch shim ./hart preloads on AMD CPUs with AVX-512 (cli/src/main/native/mkl_cpu_dispatch.c) changes
 * which matrix-product kernels run, so the model must still reproduce the reference with it: the HART and Qwen2 parity
 * vectors run in a child JVM with the shim preloaded, built here the way ./hart builds it. Skipped where ./hart would
 * not preload it (another CPU, no C compiler).
 */
class MklCpuDispatchTest {

    @Test
    void parityVectorsPassWithTheShimPreloaded(@TempDir Path dir) throws Exception {
        String cpuinfo = Files.exists(Path.of("/proc/cpuinfo")) ? Files.readString(Path.of("/proc/cpuinfo")) : "";
        assumeTrue(cpuinfo.contains("AuthenticAMD") && cpuinfo.matches("(?s).*\\bavx512f\\b.*"),
                "the shim is preloaded only on AMD CPUs with AVX-512");
        Path source = Path.of("src/main/native/mkl_cpu_dispatch.c");
        Path shim = dir.resolve("libhart_mkl_cpu_dispatch.so");
        assumeTrue(run(List.of("cc", "-shared", "-fPIC", "-O2", "-o", shim.toString(), source.toString()), null, dir) == 0,
                "no C compiler: ./hart would not build the shim either");

        for (String vectors : List.of("../model/src/test/resources/parity", "../model/src/test/resources/parity-text")) {
            Path log = dir.resolve(Path.of(vectors).getFileName() + ".log");
            int rc = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                    "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), HartCli.class.getName(),
                    "parity", "--vectors", vectors), shim, log);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(rc).as(out).isZero();
            assertThat(out).contains(" 0 failed").doesNotContain("FAIL ");
        }
    }

    private static int run(List<String> cmd, Path preload, Path logOrDir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (Files.isDirectory(logOrDir)) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        } else {
            pb.redirectOutput(logOrDir.toFile());
        }
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        if (preload != null) {
            String old = pb.environment().get("LD_PRELOAD");
            pb.environment().put("LD_PRELOAD", preload + (old == null || old.isEmpty() ? "" : ":" + old));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return -1;   // no such program
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -2;
        }
        return p.exitValue();
    }
}
