package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hart.model.inference.SamplingParams;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few real training steps of every phase, a resume, and the result through the inference path. */
class DemoTrainerTest {

    private static String train(Path out, int vaeSteps, int arSteps, boolean resume) {
        return train(out, vaeSteps, arSteps, resume, null, DemoCheckpoint.DEFAULT_EMBED_DIM, DemoCheckpoint.DEFAULT_DEPTH, 0);
    }

    private static String train(Path out, int vaeSteps, int arSteps, boolean resume, Path tokenizerFrom, int embedDim,
                                int depth, double ema) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DemoTrainer.Options d = DemoTrainer.Options.defaults(out);
        new DemoTrainer(new DemoTrainer.Options(out, vaeSteps, arSteps, 2, d.vaeLr(), d.arLr(), 4, resume, 3, d.diffusionKeep(),
                0.5, 0.05, tokenizerFrom, embedDim, depth, ema),
                new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void trainsEveryPhaseWithFiniteLossesResumesAndGenerates(@TempDir Path dir) {
        // 8 tokenizer steps: autoencoder, codebook initialisation at step 2, then discrete/continuous decoding
        String first = train(dir, 8, 2, false);
        assertTrue(first.contains("codebook initialised"), first);
        assertTrue(first.contains("(discrete)") && first.contains("[transformer+diffusion]"), first);
        assertFalse(first.contains("skipped") || first.contains("NaN") || first.contains("Infinity"),
                "every gradient must be finite:\n" + first);
        Matcher ce = Pattern.compile("ce ([0-9.]+) diffusion_mse ([0-9.]+)").matcher(first);
        assertTrue(ce.find(), first);
        assertTrue(Double.parseDouble(ce.group(1)) > 0 && Double.parseDouble(ce.group(2)) > 0);
        assertTrue(Files.isRegularFile(dir.resolve("llm/model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("tokenizer/model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("text/tokenizer.json")));
        assertTrue(first.matches("(?s).*validation ce at step 10: training captions [0-9.]+, held-out captions [0-9.]+.*"), first);

        // resumed with a moving average: it starts at the resumed weights, is validated, and is what the checkpoint holds
        String second = train(dir, 8, 4, true, null, DemoCheckpoint.DEFAULT_EMBED_DIM, DemoCheckpoint.DEFAULT_DEPTH, 0.5);
        assertTrue(second.contains("resumed at step 10"), second);
        assertTrue(second.contains("step 12/12"), second);
        assertFalse(second.contains("step 10/12"), "a resumed run continues after the saved step:\n" + second);
        assertTrue(second.matches("(?s).*validation ce at step 12, moving average \\(the checkpoint's weights\\): training captions [0-9.]+.*"),
                second);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
             dev.hart.model.io.SafeTensors state = dev.hart.model.io.SafeTensors.open(dir.resolve(".train-state/state.safetensors"));
             dev.hart.model.io.SafeTensors llm = dev.hart.model.io.SafeTensors.open(dir.resolve("llm/model.safetensors"))) {
            String name = "head.weight";
            float[] written = llm.load(m, name).toFloatArray();
            assertArrayEquals(state.load(m, "e." + name).toFloatArray(), written, "the checkpoint holds the average");
            assertFalse(java.util.Arrays.equals(state.load(m, "p." + name).toFloatArray(), written), "not the last step's weights");
        }

        // a second run on the first run's tokenizer trains a transformer of another size alone, keeps that tokenizer,
        // and its state cannot be resumed as the default size
        Path next = dir.resolve("next");
        String third = train(next, 8, 2, false, dir, 64, 2, 0);
        assertTrue(third.contains("tokenizer taken from"), third);
        assertFalse(third.contains("[tokenizer]"), third);
        assertTrue(third.contains("step 10/10"), third);
        assertArrayEquals(readAll(dir.resolve("tokenizer/model.safetensors")), readAll(next.resolve("tokenizer/model.safetensors")));
        String config = new String(readAll(next.resolve("llm/config.json")), StandardCharsets.UTF_8);
        assertTrue(config.matches("(?s).*\"embed_dim\" : 64,.*\"depth\" : 2,.*"), config);
        IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class, () -> train(next, 8, 4, true));
        assertTrue(wrongSize.getMessage().contains("--embed-dim 64 --depth 2"), wrongSize.getMessage());

        for (Path checkpoint : List.of(dir, next)) {
            try (DemoGenerator gen = DemoGenerator.load(checkpoint)) {
                List<RgbImage> images = gen.generate(List.of("a red circle on a blue background"), SamplingParams.defaults().withSeed(2), true);
                assertEquals(1, images.size());
                for (float v : images.get(0).toArray()) {
                    assertTrue(v >= 0f && v <= 1f);
                }
            }
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
