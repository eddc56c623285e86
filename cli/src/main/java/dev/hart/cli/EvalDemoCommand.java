package dev.hart.cli;

import dev.hart.demo.DemoCheckpoint;
import dev.hart.demo.DemoDataset;
import dev.hart.demo.DemoEvaluator;
import dev.hart.model.inference.SamplingParams;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hart eval-demo}: generates, scores and tabulates the demo checkpoint on held-out and training captions. */
@Command(name = "eval-demo", mixinStandardHelpOptions = true,
        description = "Generate images for held-out and training captions with the demo checkpoint through the inference"
                + " pipeline, score them (background, colour, shape, position), report the tokenizer's reconstruction"
                + " error (discrete-only vs hybrid) and write a contact sheet PNG.")
public final class EvalDemoCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", description = "checkpoint directory (default: ${DEFAULT-VALUE})")
    Path checkpoint = Path.of(DemoCheckpoint.DEFAULT_DIR);

    @Option(names = "--per-split", description = "captions per split, spread evenly over its scenes; the default is every"
            + " held-out scene (default: ${DEFAULT-VALUE})")
    int perSplit = DemoDataset.heldOutScenes().size();

    @Option(names = "--cfg", description = "classifier-free guidance scale (default: the checkpoint's default_cfg, as"
            + " hart generate uses)")
    Double cfg;

    @Option(names = "--top-k", description = "top-k at every scale; 0 = the reference's 600/300 schedule (default: ${DEFAULT-VALUE})")
    int topK = 0;

    @Option(names = "--top-p", description = "top-p, 0..1; 0 = off (default: ${DEFAULT-VALUE})")
    double topP = 0;

    @Option(names = "--more-smooth", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "gumbel smoothing of the token embeddings (the reference's more_smooth; default on)")
    boolean moreSmooth;

    @Option(names = "--seed", description = "first seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--seed-sets", description = "generate every caption once per seed set (set k starts at --seed + 1000·k, or a wider step"
            + " when --per-split is above 1000) and report all of them together: a larger sample for the same captions (default: ${DEFAULT-VALUE})")
    int seedSets = 5;

    @Option(names = "--sheet", description = "contact sheet PNG (default: ${DEFAULT-VALUE})")
    Path sheet = Path.of("demo-eval-contact-sheet.png");

    @Override
    public Integer call() {
        if (perSplit <= 0) {
            throw new IllegalArgumentException("--per-split must be positive");
        }
        double scale = cfg != null ? cfg : dev.hart.model.checkpoint.HartCheckpointDir.defaultCfg(checkpoint);
        SamplingParams params = SamplingParams.defaults().withCfg(scale).withTopK(topK).withTopP(topP).withMoreSmooth(moreSmooth).withSeed(seed);
        new DemoEvaluator(checkpoint, System.out).run(perSplit, seedSets, params, sheet);
        return 0;
    }
}
