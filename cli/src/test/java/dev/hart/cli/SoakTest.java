package dev.hart.cli;

import dev.hart.cli.soak.Soak;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short soak CI runs: separate processes for the ingest app and every stage on a local cluster, bad records on
 * every input topic, two kill -9s and a broker bounce while images are being made. The full one is
 * {@code hart soak --prompts 200 --kills 10 --broker-restarts 1} (its first outage outlasts max.block.ms).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SoakTest {

    @Test
    void nothingLostOrDuplicatedAndEveryBadRecordDeadLettered(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        Soak soak = new Soak(new Soak.Settings(60, 2, 1, Duration.ofSeconds(8), true, dir, 7, List.of(),
                Duration.ofSeconds(240)), new PrintWriter(text, true));
        Soak.Result result = soak.run();
        System.out.println(text);
        assertThat(soak.badInputs().line()).as(text.toString()).matches("bad-inputs: (\\d+) tried, \\1 dead-lettered with a reason, 0 stage crashes");
        // faults fire only while images are missing, so a fast run may use fewer than asked
        assertThat(result.line()).as(text.toString())
                .matches("soak: 60 expected, 60 images, 0 duplicates, 0 missing, [12] kills, [01] broker restarts, 0 stage exits");
        assertThat(result.kills() + result.brokerRestarts()).as(text.toString()).isGreaterThanOrEqualTo(2);
    }
}
