package dev.hart.cli;

import dev.hart.cli.generate.CheckpointModels;
import dev.hart.cli.generate.StageModels;
import dev.hart.model.config.NamedConfigs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which weights the stages load: a checkpoint directory, or a named random-weights config (default tiny-a). */
public final class ModelOptions {
    public static final String DEFAULT_RANDOM = "tiny-a";

    @ArgGroup(exclusive = true)
    Choice choice;

    static final class Choice {
        @Option(names = "--checkpoint", paramLabel = "DIR",
                description = "checkpoint directory in the official layout (llm/ and tokenizer/)")
        Path checkpoint;

        @Option(names = "--random-weights", paramLabel = "CONFIG",
                description = "named seeded-random config instead of a checkpoint: ${COMPLETION-CANDIDATES} (default tiny-a)",
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

    public StageModels resolve() {
        if (choice != null && choice.checkpoint != null) {
            return CheckpointModels.directory(choice.checkpoint);
        }
        return CheckpointModels.random(choice == null || choice.random == null ? DEFAULT_RANDOM : choice.random);
    }
}
