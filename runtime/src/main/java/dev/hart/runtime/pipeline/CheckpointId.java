package dev.hart.runtime.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The id every record carries and every stage checks against the weights it loaded. A checkpoint directory may name
 * itself in a {@code checkpoint-id} file (one line); otherwise its folder name is the id. Seeded random weights are
 * {@code random:<config>}.
 */
public final class CheckpointId {
    public static final String FILE = "checkpoint-id";

    private CheckpointId() {
    }

    public static String ofDirectory(Path dir) {
        Path file = dir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            try {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the checkpoint id file " + file, e);
            }
        }
        Path name = dir.toAbsolutePath().normalize().getFileName();
        if (name == null) {
            throw new IllegalArgumentException("Cannot name the checkpoint at " + dir + ": add a '" + FILE + "' file");
        }
        return name.toString();
    }

    public static String ofRandomWeights(String configName) {
        return "random:" + configName;
    }
}
