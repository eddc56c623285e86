package dev.hart.cli.generate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Small seeded-random checkpoints shipped inside the CLI jar so {@code hart generate} works offline at once:
 * {@code tiny-a} is the parity vectors' tiny config with their seeded random weights (weight seed 101), in the
 * official layout. Extracted to a temporary folder on use.
 */
public final class BundledCheckpoints {
    public static final List<String> NAMES = List.of("tiny-a");
    private static final List<String> FILES = List.of("llm/config.json", "llm/model.safetensors",
            "tokenizer/config.json", "tokenizer/model.safetensors");

    private BundledCheckpoints() {
    }

    /** Extracts the named checkpoint to a new temporary folder named after it (so its id is the name). */
    public static Path extract(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("Unknown random-weights config '" + name + "'; bundled: " + NAMES);
        }
        try {
            Path dir = Files.createTempDirectory("hart-ckpt-").resolve(name);
            for (String f : FILES) {
                Path target = dir.resolve(f);
                Files.createDirectories(target.getParent());
                try (InputStream in = BundledCheckpoints.class.getResourceAsStream("/hart/checkpoints/" + name + "/" + f)) {
                    if (in == null) {
                        throw new IllegalStateException("bundled checkpoint file missing from the jar: " + name + "/" + f);
                    }
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract bundled checkpoint " + name, e);
        }
    }
}
