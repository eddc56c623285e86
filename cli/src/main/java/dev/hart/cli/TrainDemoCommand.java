package dev.hart.cli;

import dev.hart.demo.DemoCheckpoint;
import dev.hart.demo.DemoTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hart train-demo}: trains the small demo checkpoint from scratch on the procedurally generated shapes. */
@Command(name = "train-demo", mixinStandardHelpOptions = true,
        description = "Train the demo HART checkpoint (hybrid tokenizer, then transformer + residual diffusion) on the"
                + " generated coloured-shapes captions, offline, on the CPU. Writes llm/, tokenizer/ and text/ to --out;"
                + " the training state goes to --out/.train-state for --resume. The defaults train the"
                + " smaller transformer of the previous demo checkpoint (about 1 h 45 min on 2 CPU cores); the committed"
                + " checkpoint's commands (--embed-dim 192 --depth 4) are in checkpoints/demo/README.md.")
public final class TrainDemoCommand implements Callable<Integer> {

    @Option(names = "--out", description = "checkpoint directory (default: ${DEFAULT-VALUE})")
    Path out = Path.of(DemoCheckpoint.DEFAULT_DIR);

    @Option(names = "--vae-steps", description = "tokenizer training steps (default: ${DEFAULT-VALUE})")
    int vaeSteps = DemoTrainer.Options.defaults(Path.of(".")).vaeSteps();

    @Option(names = "--steps", description = "transformer + diffusion training steps (default: ${DEFAULT-VALUE})")
    int arSteps = DemoTrainer.Options.defaults(Path.of(".")).arSteps();

    @Option(names = "--batch", description = "images per step (default: ${DEFAULT-VALUE})")
    int batch = DemoTrainer.Options.defaults(Path.of(".")).batch();

    @Option(names = "--save-every", description = "save checkpoint + state every N steps (default: ${DEFAULT-VALUE})")
    int saveEvery = DemoTrainer.Options.defaults(Path.of(".")).saveEvery();

    @Option(names = "--seed", description = "data and initialisation seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--resume", description = "continue from --out/.train-state")
    boolean resume;

    @Option(names = "--tokenizer-from", description = "start from this checkpoint directory's trained tokenizer and train"
            + " the transformer + diffusion only")
    Path tokenizerFrom;

    @Option(names = "--jitter-share", description = "share of the transformer's training images with jittered position"
            + " and size, the rest exact renders (default: ${DEFAULT-VALUE})")
    double jitterShare = DemoTrainer.Options.defaults(Path.of(".")).jitterShare();

    @Option(names = "--weight-decay", description = "the transformer's decoupled (AdamW) weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay = DemoTrainer.Options.defaults(Path.of(".")).weightDecay();

    @Option(names = "--embed-dim", description = "the transformer's width, a multiple of its 4 heads (default: ${DEFAULT-VALUE})")
    int embedDim = DemoTrainer.Options.defaults(Path.of(".")).embedDim();

    @Option(names = "--depth", description = "the transformer's number of blocks (default: ${DEFAULT-VALUE})")
    int depth = DemoTrainer.Options.defaults(Path.of(".")).depth();

    @Option(names = "--ema", paramLabel = "DECAY", description = "keep an exponential moving average of the transformer and"
            + " diffusion weights with this decay per step (0 = off), started at the run's (or the resumed state's) first"
            + " step; the checkpoint gets the average (default: ${DEFAULT-VALUE})")
    double ema = DemoTrainer.Options.defaults(Path.of(".")).emaDecay();

    @Override
    public Integer call() {
        if (vaeSteps < 0 || arSteps < 0 || batch <= 0 || saveEvery <= 0) {
            throw new IllegalArgumentException("--vae-steps and --steps must be >= 0, --batch and --save-every > 0");
        }
        DemoTrainer.Options d = DemoTrainer.Options.defaults(out);
        if (resume && tokenizerFrom != null) {
            throw new IllegalArgumentException("--resume continues a run; --tokenizer-from starts one: give one of them");
        }
        new DemoTrainer(new DemoTrainer.Options(out, vaeSteps, arSteps, batch, d.vaeLr(), d.arLr(), saveEvery, resume, seed,
                d.diffusionKeep(), jitterShare, weightDecay, tokenizerFrom, embedDim, depth, ema), System.out).run();
        return 0;
    }
}
