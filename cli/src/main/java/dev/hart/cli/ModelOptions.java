package dev.hart.cli;

import dev.hart.cli.generate.CheckpointModels;
import dev.hart.cli.generate.StageModels;
import dev.hart.model.config.NamedConfigs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which weights the stages load: a checkpoint directory, or a named random-weights config. With neither, the demo
 * checkpoint committed in the repo ({@code checkpoints/demo}, trained by {@code hart train-demo}); random tiny-a only
 * when that folder is absent.
 */
public final class ModelOptions {
    public static final String DEFAULT_RANDOM = "tiny-a";

    @ArgGroup(exclusive = true)
    Choice choice;

    @Option(names = "--text-model", paramLabel = "DIR",
            description = "Qwen2 text model folder (HF layout) for a checkpoint that does not bring its own"
                    + " (text_model_path in llm/config.json or a text/ folder)")
    Path textModel;

    @Option(names = "--max-token-length", paramLabel = "N",
            description = "text encoder: prompt tokens kept (the reference's max_token_length), 1..the checkpoint's"
                    + " context_token (default: context_token, 300 for HART)")
    Integer maxTokenLength;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "where the models compute: cpu, cuda or cuda:N (needs the CUDA build, mvn -Pcuda, and a GPU;"
                    + " deploy/GPU.md). Default: ${DEFAULT-VALUE}")
    String device;

    static final class Choice {
        @Option(names = "--checkpoint", paramLabel = "DIR",
                description = "checkpoint directory in the official layout (llm/ and tokenizer/)")
        Path checkpoint;

        @Option(names = "--random-weights", paramLabel = "CONFIG",
                description = "named seeded-random config instead of a checkpoint: ${COMPLETION-CANDIDATES} (with neither"
                        + " option: the demo checkpoint when there is one, else tiny-a)",
                completionCandidates = Names.class)
        String random;
    }

    static final class Names extends java.util.ArrayList<String> {
        Names() {
            super(NamedConfigs.names());
        }
    }

    /** True when neither option was given and the default random weights are used. */
    public boolean isDefault() {
        return choice == null;
    }

    /** Checks --device against the engine and selects it for this process; fails with the reason (no GPU, bad name). */
    public void selectDevice() {
        dev.hart.model.nn.ComputeDevice.select(device);
    }

    public StageModels resolve() {
        selectDevice();
        if (choice != null && choice.checkpoint != null) {
            return CheckpointModels.directory(choice.checkpoint, textModel, maxTokenLength);
        }
        if (choice == null) {
            Optional<Path> demo = demoCheckpoint();
            if (demo.isPresent()) {
                return CheckpointModels.directory(demo.get(), textModel, maxTokenLength);
            }
        }
        return CheckpointModels.random(choice == null || choice.random == null ? DEFAULT_RANDOM : choice.random);
    }

    /** {@code checkpoints/demo} under {@code -Dhart.home} (set by ./hart), the working directory or its parent. */
    public static Optional<Path> demoCheckpoint() {
        List<Path> bases = new ArrayList<>();
        String home = System.getProperty("hart.home");
        if (home != null) {
            bases.add(Path.of(home));
        }
        bases.add(Path.of("."));
        bases.add(Path.of(".."));
        return bases.stream().map(b -> b.resolve("checkpoints").resolve("demo").toAbsolutePath().normalize())
                .filter(d -> Files.isRegularFile(d.resolve("llm").resolve("config.json")))
                .findFirst();
    }
}
