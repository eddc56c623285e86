package dev.hart.demo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hart.model.Trace;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.diffusion.DiffusionSchedule;
import dev.hart.model.diffusion.SimpleMlpAdaLn;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.nn.TorchMemory;
import dev.hart.model.text.PromptEncoding;
import dev.hart.model.text.Qwen2TextEncoder;
import dev.hart.model.tokenizer.MultiScaleQuantizer;
import dev.hart.model.tokenizer.VaeDecoder;
import dev.hart.model.tokenizer.VaeEncoder;
import dev.hart.model.transformer.HartTransformer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains the demo checkpoint the way HART trains, at toy scale, on the CPU:
 * <ol>
 *   <li><b>tokenizer</b>: the hybrid VAE ({@link VaeTrainingForward}, the autograd-safe twin of the inference
 *   {@link VaeEncoder} and {@link VaeDecoder}, and the inference {@link MultiScaleQuantizer}). The first steps
 *   train the continuous autoencoder alone; then the codebook is initialised from encoder outputs and each
 *   step decodes the discrete latent (straight-through) or the continuous one with probability 1/2, with a
 *   foreground-weighted reconstruction loss + codebook + commitment losses; codes unused for 100 steps are
 *   re-seeded.</li>
 *   <li><b>transformer + residual diffusion</b> (tokenizer frozen) on a mix of exact and jittered renders,
 *   with AdamW weight decay: next-scale cross-entropy over every token of every scale given the text context
 *   (teacher forcing, {@link TransformerTrainingForward}), CFG dropout of the context; the residual diffusion MLP (the project's
 *   {@link SimpleMlpAdaLn}, trained through {@link DiffusionTrainingForward}) learns ε on (continuous latent −
 *   discrete latent) residuals of a random subset of the last scale's tokens,
 *   conditioned on the transformer's last hidden state. Only the ε output is trained (the variance
 *   channels keep their zero initialisation, i.e. the midpoint of the learned range).</li>
 * </ol>
 * Progress and losses are printed, and at every save the teacher-forced cross-entropy on training and on
 * held-out captions (how well the transformer composes). The checkpoint and the training state (parameters +
 * Adam moments) are saved every {@code saveEvery} steps and at the end, and a run resumes from the saved state.
 */
public final class DemoTrainer {

    /** Training knobs. */
    public record Options(Path out, int vaeSteps, int arSteps, int batch, double vaeLr, double arLr, int saveEvery,
                          boolean resume, long seed, double diffusionKeep, double jitterShare, double weightDecay,
                          Path tokenizerFrom, int embedDim, int depth, double emaDecay) {
        public static Options defaults(Path out) {
            return new Options(out, 2400, 16000, 32, 1e-3, 1e-3, 200, false, 1, 0.5, 0.5, 0.1, null,
                    DemoCheckpoint.DEFAULT_EMBED_DIM, DemoCheckpoint.DEFAULT_DEPTH, 0);
        }

        public Options {
            if (!(jitterShare >= 0 && jitterShare <= 1)) {
                throw new IllegalArgumentException("jitter share must be in [0, 1], got " + jitterShare);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
            if (!(emaDecay >= 0 && emaDecay < 1)) {
                throw new IllegalArgumentException("EMA decay must be in [0, 1) (0 = off), got " + emaDecay);
            }
            DemoCheckpoint.llmConfig(embedDim, depth);   // HartConfig rejects a size the transformer cannot take
        }
    }

    private static final int CODEBOOK_INIT_FRACTION = 4;   // continuous-only for the first quarter of tokenizer steps
    private static final float VAE_SCALE = 0.6f;
    private static final float FOREGROUND_WEIGHT = 5f;
    private static final int RESEED_EVERY = 100;

    private final Options o;
    private final PrintStream log;
    private final HartConfig cfg;
    private final TokenizerConfig tcfg = DemoCheckpoint.tokenizerConfig();
    private final DemoDataset data;
    /** The base 1000-step process the diffusion MLP learns ε on (spec 5.2); inference respaces it. */
    private final double[] alphasCumprod = DiffusionSchedule.cosine("").alphasCumprod();
    private int skipped;
    private final int[] codeUses;

    public DemoTrainer(Options options, PrintStream log) {
        this.o = options;
        this.log = log;
        this.cfg = DemoCheckpoint.llmConfig(options.embedDim(), options.depth());
        this.data = DemoDataset.training(DemoDataset.DEFAULT_SIDE, options.seed());
        this.codeUses = new int[tcfg.vocabSize()];
    }

    private Path statePath() {
        return o.out().resolve(".train-state/state.safetensors");
    }

    private Path progressPath() {
        return o.out().resolve(".train-state/progress.json");
    }

    public void run() {
        System.setProperty("ai.djl.offline", "true");
        Engine.getInstance().setRandomSeed((int) o.seed());
        Path textDir = o.out().resolve("text");
        try (NDManager base = NDManager.newBaseManager();
             TrainableWeights w = new TrainableWeights(base, o.seed())) {
            int step = 0;
            if (o.resume() && Files.isRegularFile(statePath())) {
                step = readProgress();
                w.loadState(statePath());
                log.printf("resumed at step %d from %s (%d tensors)%n", step, statePath(), w.size());
            } else {
                DemoTextModel.write(textDir, o.seed());
                defineParameters(w, base, cfg, tcfg);
                if (o.tokenizerFrom() != null) {
                    loadTokenizer(w, o.tokenizerFrom());
                    step = o.vaeSteps();
                    log.printf("tokenizer taken from %s: training starts with the transformer (step %d)%n",
                            o.tokenizerFrom(), step);
                }
                log.printf("new model: tokenizer %,d parameters, transformer+diffusion %,d parameters%n",
                        w.names().stream().filter(DemoCheckpoint::isVae).mapToLong(n -> w.param(n).getShape().size()).sum(),
                        w.names().stream().filter(n -> !DemoCheckpoint.isVae(n)).mapToLong(n -> w.param(n).getShape().size()).sum());
            }
            if (!Files.isDirectory(textDir)) {
                DemoTextModel.write(textDir, o.seed());
            }
            long t0 = System.nanoTime();
            int total = o.vaeSteps() + o.arSteps();
            try (Qwen2TextEncoder text = Qwen2TextEncoder.load(textDir, cfg.contextToken())) {
                while (step < total) {
                    long ts = System.nanoTime();
                    String losses;
                    try (NDManager m = base.newSubManager()) {
                        if (step < o.vaeSteps()) {
                            if (step == o.vaeSteps() / CODEBOOK_INIT_FRACTION) {
                                initCodebook(w, m, step);
                            }
                            losses = vaeStep(w, m, step);
                        } else {
                            losses = arStep(w, m, text, step);
                        }
                    }
                    step++;
                    if (step % 10 == 0 || step <= 3 || step == total) {
                        log.printf("step %d/%d [%s] %s  %.2f s/step, %.1f min elapsed%n", step, total,
                                step <= o.vaeSteps() ? "tokenizer" : "transformer+diffusion", losses,
                                (System.nanoTime() - ts) / 1e9, (System.nanoTime() - t0) / 6e10);
                    }
                    if (step % o.saveEvery() == 0 || step == total || step == o.vaeSteps()) {
                        if (step > o.vaeSteps()) {
                            log.printf("validation ce at step %d: %s%n", step, validation(w, base, text));
                            if (o.emaDecay() > 0) {
                                w.servingAverage(true);
                                try {
                                    log.printf("validation ce at step %d, moving average (the checkpoint's weights): %s%n",
                                            step, validation(w, base, text));
                                } finally {
                                    w.servingAverage(false);
                                }
                            }
                        }
                        save(w, step);
                    }
                }
            }
        }
    }

    /** Lets the inference loaders define every parameter (names, shapes) and initialises them. */
    static void defineParameters(TrainableWeights w, NDManager base, HartConfig cfg, TokenizerConfig tcfg) {
        w.recording(true);
        try (NDManager m = base.newSubManager()) {
            VaeEncoder.load(w, tcfg, m).close();
            VaeDecoder.load(w, tcfg, m).close();
            MultiScaleQuantizer.load(w, tcfg, m).close();
            HartTransformer.load(w, cfg, tcfg.vocabSize(), tcfg.zChannels(), m).close();
            SimpleMlpAdaLn.load(w, cfg, tcfg.zChannels(), m).close();
        } finally {
            w.recording(false);
        }
    }

    /**
     * Replaces the tokenizer's parameters with a trained checkpoint's ({@code tokenizer/model.safetensors}, keys
     * {@code vae.*}), so a run can train the transformer alone on a tokenizer an earlier run trained.
     */
    static void loadTokenizer(TrainableWeights w, Path checkpointDir) {
        Path file = checkpointDir.resolve("tokenizer/model.safetensors");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no tokenizer to start from: " + file + " does not exist");
        }
        try (SafeTensors st = SafeTensors.open(file); NDManager tmp = NDManager.newBaseManager()) {
            for (String name : w.names()) {
                if (DemoCheckpoint.isVae(name)) {
                    if (!st.contains("vae." + name)) {
                        throw new IllegalArgumentException(file + " has no tensor vae." + name);
                    }
                    w.put(name, st.load(tmp, "vae." + name));
                }
            }
        }
    }

    /** Scenes, their images [B, 3, S, S] in [-1, 1] and the reconstruction weight of every pixel [B, 1, S, S]. */
    private record Batch(List<DemoScene> scenes, NDArray images, NDArray pixelWeights) {
    }

    /**
     * Pixels that differ from the scene's background weigh {@link #FOREGROUND_WEIGHT} in the tokenizer's
     * reconstruction loss: a small shape covers a tenth of the image, so a plain mean lets the tokenizer
     * trade the shape's outline for a slightly better background (its round trips kept the shape class only
     * in 69% of cases with a plain mean).
     */
    private static float[] pixelWeights(DemoScene scene, float[] chw, int side) {
        int n = side * side;
        float[] w = new float[n];
        for (int p = 0; p < n; p++) {
            boolean fg = false;
            for (int c = 0; c < 3; c++) {
                fg |= Math.abs(chw[c * n + p] - (scene.background().channel(c) * 2 - 1)) > 0.05f;
            }
            w[p] = fg ? FOREGROUND_WEIGHT : 1f;
        }
        return w;
    }

    /**
     * Batch {@code step}: jittered images for the tokenizer, which must encode any placement; for the transformer
     * a share {@code jitterShare} of jittered images, the rest exact renders. On jittered images alone the tiny
     * transformer learns each caption's fine-scale tokens as per-token marginals, and sampling them independently
     * draws a blob; on exact renders alone it memorises each training caption's one token map, and the
     * held-out captions' cross-entropy rises after 1600 steps (2.65 to 3.30 by step 3600) while the mix's keeps
     * falling (2.19 at that step). checkpoints/demo/README.md has the runs.
     */
    private Batch batch(NDManager m, int step, double jitterShare) {
        return batch(m, data, (long) step * o.batch(), o.batch(), jitterShare, new SplittableRandom(o.seed() * 17 + step));
    }

    /** {@code b} samples of {@code source} from index {@code first}; each is jittered with probability {@code jitterShare}. */
    private static Batch batch(NDManager m, DemoDataset source, long first, int b, double jitterShare, SplittableRandom r) {
        int side = source.side();
        float[] px = new float[b * 3 * side * side];
        float[] weights = new float[b * side * side];
        List<DemoScene> scenes = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            DemoDataset.Sample s = source.sample(first + i, r.nextDouble() < jitterShare);
            scenes.add(s.scene());
            float[] chw = s.image().toPlusMinusOne();
            System.arraycopy(chw, 0, px, i * 3 * side * side, 3 * side * side);
            System.arraycopy(pixelWeights(s.scene(), chw, side), 0, weights, i * side * side, side * side);
        }
        NDArray images = TorchMemory.copyOf(m, px, new Shape(b, 3, side, side));
        return new Batch(scenes, images, TorchMemory.copyOf(m, weights, new Shape(b, 1, side, side)));
    }

    private static NDArray mse(NDArray a, NDArray b) {
        return a.sub(b).square().mean();
    }

    /** Squared error weighted per pixel, normalised by the weights' sum so the scale matches a plain mean. */
    private static NDArray weightedMse(NDArray rec, Batch batch) {
        NDArray w = batch.pixelWeights();
        return rec.sub(batch.images()).square().mul(w).sum().div(w.sum().mul(rec.getShape().get(1)));
    }

    private String vaeStep(TrainableWeights w, NDManager m, int step) {
        Batch batch = batch(m, step, 1.0);
        SplittableRandom r = new SplittableRandom(o.seed() * 31 + step);
        boolean quantize = step >= o.vaeSteps() / CODEBOOK_INIT_FRACTION;
        boolean discrete = quantize && r.nextBoolean();
        float recon;
        float vq = 0;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            VaeTrainingForward vae = new VaeTrainingForward(tcfg, w, m);
            NDArray f = vae.encode(batch.images());
            NDArray z = f;
            NDArray loss;
            if (quantize) {
                MultiScaleQuantizer q = MultiScaleQuantizer.load(w, tcfg, m);
                int[] pns = cfg.patchNumsArray();
                MultiScaleQuantizer.HybridCodes codes = q.quantizeHybrid(f.stopGradient(), pns, Trace.NONE);
                NDArray fd = q.accumulate(codes.indices(), null, pns, Trace.NONE);
                NDArray vqLoss = mse(fd, f.stopGradient()).add(TorchMemory.mul(mse(f, fd.stopGradient()), 0.25f));
                vq = vqLoss.getFloat();
                if (discrete) {
                    z = f.add(fd.sub(f).stopGradient());     // straight-through
                }
                countUsage(codes.indices());
                NDArray rec = vae.decode(z);
                NDArray recLoss = weightedMse(rec, batch);
                recon = mse(rec, batch.images()).getFloat();
                loss = recLoss.add(vqLoss);
            } else {
                NDArray rec = vae.decode(z);
                loss = weightedMse(rec, batch);
                recon = mse(rec, batch.images()).getFloat();
            }
            gc.backward(loss);
        }
        double gnorm = w.gradientNorm(quantize ? DemoCheckpoint::isVae : name -> DemoCheckpoint.isVae(name) && !name.startsWith("quantize."));
        // before the codebook exists the quantizer's parameters get no gradient: leave them (and their Adam state) alone
        java.util.function.Predicate<String> used = quantize ? DemoCheckpoint::isVae
                : name -> DemoCheckpoint.isVae(name) && !name.startsWith("quantize.");
        boolean applied = w.adamStep(used, lr(o.vaeLr(), step, o.vaeSteps()), 0.9, 0.99, 1e-8);
        if (!applied) {
            skipped++;
        }
        String reseeded = "";
        int sinceInit = step + 1 - o.vaeSteps() / CODEBOOK_INIT_FRACTION;
        if (quantize && sinceInit % RESEED_EVERY == 0 && step + RESEED_EVERY < o.vaeSteps()) {
            reseeded = String.format(" (%d dead codes re-seeded)", reseedDeadCodes(w, m, step));
        }
        return String.format("recon_mse %.4f (%s) vq %.4f grad_norm %.3g%s", recon, 
                quantize ? (discrete ? "discrete" : "continuous") : "autoencoder", vq, gnorm,
                applied ? "" : " (skipped: non-finite gradient, " + skipped + " so far)") + reseeded;
    }

    private void countUsage(List<NDArray> indices) {
        for (NDArray idx : indices) {
            for (long v : idx.toType(DataType.INT64, false).toLongArray()) {
                codeUses[(int) v]++;
            }
        }
    }

    /**
     * Codes no token chose in the last {@link #RESEED_EVERY} steps get a fresh row from this step's encoder
     * outputs (VQ dead-code restart). A code that is never chosen never gets a gradient, so without this the
     * quantizer keeps falling back on the few codes that happen to sit near the residuals, and their colour
     * shows through (the centre dot of the first demo checkpoint).
     */
    private int reseedDeadCodes(TrainableWeights w, NDManager m, int step) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            List<Integer> dead = new ArrayList<>();
            for (int i = 0; i < codeUses.length; i++) {
                if (codeUses[i] == 0) {
                    dead.add(i);
                }
            }
            java.util.Arrays.fill(codeUses, 0);
            if (dead.isEmpty()) {
                return 0;
            }
            float[] fresh = scaledRows(encoderTokens(w, m, step + 200_000), new SplittableRandom(o.seed() * 977 + step),
                    dead.size()).toFloatArray();
            float[] book = w.param("quantize.embedding.weight").toFloatArray();
            int c = tcfg.zChannels();
            for (int k = 0; k < dead.size(); k++) {
                System.arraycopy(fresh, k * c, book, dead.get(k) * c, c);
            }
            w.put("quantize.embedding.weight", m.create(book, new Shape(codeUses.length, c)));
            return dead.size();
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** Codebook rows from encoder outputs at random token positions, scaled down for the finer scales' residuals. */
    private void initCodebook(TrainableWeights w, NDManager m, int step) {
        JniUtils.setGradMode(false);
        NDArray tokens = encoderTokens(w, m, step + 100_000);
        w.put("quantize.embedding.weight", scaledRows(tokens, new SplittableRandom(o.seed() + 7), tcfg.vocabSize()));
        log.printf("codebook initialised from %d encoder tokens (latent rms %.3f)%n", tokens.getShape().get(0),
                tokens.square().mean().sqrt().getFloat());
    }

    /** The frozen encoder's latent tokens [B·P², Cvae] of batch {@code batchIndex}. */
    private NDArray encoderTokens(TrainableWeights w, NDManager m, int batchIndex) {
        w.detached(true);
        try {
            NDArray f = VaeEncoder.load(w, tcfg, m).encode(batch(m, batchIndex, 1.0).images(), Trace.NONE);
            return MultiScaleQuantizer.latentToTokens(f).reshape(-1, tcfg.zChannels());
        } finally {
            w.detached(false);
        }
    }

    /**
     * {@code count} random rows of {@code tokens}, each scaled by a factor in [0.1, 1): codebook entries for every
     * scale, the finer scales quantizing smaller residuals (codebook initialisation and dead-code restart).
     */
    private static NDArray scaledRows(NDArray tokens, SplittableRandom r, int count) {
        long rows = tokens.getShape().get(0);
        long[] pick = new long[count];
        float[] scale = new float[count];
        for (int i = 0; i < count; i++) {
            pick[i] = r.nextLong(rows);
            scale[i] = (float) (0.1 + 0.9 * r.nextDouble());
        }
        NDManager m = tokens.getManager();
        return tokens.get(m.create(pick)).mul(m.create(scale, new Shape(count, 1)));
    }

    /** The frozen tokenizer's teacher-forcing targets of a batch of images. */
    private record Targets(List<NDArray> indices, List<NDArray> nextInputs, NDArray lastCodes, NDArray residual) {
    }

    private Targets targets(TrainableWeights w, NDManager m, NDArray images) {
        int b = (int) images.getShape().get(0);
        int[] pns = cfg.patchNumsArray();
        int n = pns.length;
        int p = cfg.lastPatch();
        JniUtils.setGradMode(false);
        w.detached(true);
        try {
            VaeEncoder enc = VaeEncoder.load(w, tcfg, m);
            MultiScaleQuantizer q = MultiScaleQuantizer.load(w, tcfg, m);
            NDArray f = enc.encode(images, Trace.NONE);
            List<NDArray> idx = q.quantizeHybrid(f, pns, Trace.NONE).indices();
            List<NDArray> nextInputs = new ArrayList<>();
            NDArray fHat = m.zeros(new Shape(b, tcfg.zChannels(), p, p));
            for (int si = 0; si < n - 1; si++) {
                NDArray h = MultiScaleQuantizer.tokensToLatent(q.embed(idx.get(si)), pns[si]);
                nextInputs.add(MultiScaleQuantizer.latentToTokens(q.nextAutoregressiveInput(si, pns, fHat, h)));
            }
            NDArray lastCodes = q.embed(idx.get(n - 1));                                   // [B, P², Cvae]
            NDArray residual = MultiScaleQuantizer.latentToTokens(f.sub(fHat)).sub(lastCodes); // f = f_hat_d + residual
            return new Targets(idx, nextInputs, lastCodes, residual);
        } finally {
            w.detached(false);
        }
    }

    /** The text context [B, T, hidden], mask and position ids of captions as NDArrays. */
    private record Context(NDArray context, NDArray mask, NDArray positions) {
    }

    /**
     * Encodes captions; rows with {@code dropped[i]} become the empty context of CFG's unconditional branch
     * (the dropout of training).
     */
    private Context context(NDManager m, Qwen2TextEncoder text, List<DemoScene> scenes, boolean[] dropped) {
        int b = scenes.size();
        int t = cfg.contextToken();
        List<String> captions = scenes.stream().map(DemoScene::caption).toList();
        PromptEncoding enc = text.encode(captions, false, t, text.tokenizer().paddingSide(), Trace.NONE);
        float[] ctx = enc.context().clone();
        long[] mask = enc.mask().clone();
        long[] pos = enc.positionIds().clone();
        int hid = enc.hidden();
        for (int i = 0; i < b; i++) {
            if (dropped[i]) {
                java.util.Arrays.fill(ctx, i * t * hid, (i + 1) * t * hid, 0f);
                java.util.Arrays.fill(mask, i * t, (i + 1) * t, 0L);
                mask[i * t] = 1;
                java.util.Arrays.fill(pos, i * t, (i + 1) * t, 0L);
            }
        }
        return new Context(m.create(ctx, new Shape(b, t, hid)), m.create(mask, new Shape(b, t)), m.create(pos, new Shape(b, t)));
    }

    /**
     * Teacher-forced next-scale cross-entropy: summed over every token of every scale, then divided by the token
     * count, so each token weighs the same, as in HART/VAR (a mean of per-scale means would weigh the 1x1 scale
     * like the 8x8 one). Returns the loss and the last scale's hidden states.
     */
    private NDArray[] crossEntropy(TransformerTrainingForward tf, Context c, Targets tg) {
        int t = cfg.contextToken();
        int[] pns = cfg.patchNumsArray();
        long b = c.context().getShape().get(0);
        NDArray h = tf.startContext(c.context(), c.mask(), c.positions());
        List<NDArray> ceTerms = new ArrayList<>();
        long tokens = 1;
        ceTerms.add(crossEntropySum(tf.logits(h).get(":, " + (t - 1) + ":" + t + ", :"), tg.indices().get(0)));
        NDArray lastContext = c.positions().get(new NDIndex(":, -1"));
        for (int si = 1; si < pns.length; si++) {
            h = tf.scale(si, tg.nextInputs().get(si - 1), lastContext);
            ceTerms.add(crossEntropySum(tf.logits(h), tg.indices().get(si)));
            tokens += (long) pns[si] * pns[si];
        }
        NDArray ce = TorchMemory.mul(NDArrays.stack(new ai.djl.ndarray.NDList(ceTerms)).sum(), 1f / (tokens * b));
        return new NDArray[] {ce, h};
    }

    private static final int VALIDATION_IMAGES = 64;

    /**
     * Teacher-forced cross-entropy on fixed exact renders of training captions and of held-out captions (a
     * measure of composition while training runs; {@code hart eval-demo} is the real test).
     */
    private String validation(TrainableWeights w, NDManager base, Qwen2TextEncoder text) {
        StringBuilder out = new StringBuilder();
        for (DemoDataset split : List.of(data, DemoDataset.heldOut(data.side(), o.seed() + 1000))) {
            try (NDManager m = base.newSubManager()) {
                Batch batch = batch(m, split, 0, VALIDATION_IMAGES, 0.0, new SplittableRandom(0));
                Targets tg = targets(w, m, batch.images());
                Context c = context(m, text, batch.scenes(), new boolean[VALIDATION_IMAGES]);
                w.detached(true);
                try {
                    float ce = crossEntropy(new TransformerTrainingForward(cfg, w, m), c, tg)[0].getFloat();
                    out.append(out.length() == 0 ? "training captions " : ", held-out captions ").append(String.format("%.3f", ce));
                } finally {
                    w.detached(false);
                }
            }
        }
        return out.toString();
    }

    private String arStep(TrainableWeights w, NDManager m, Qwen2TextEncoder text, int step) {
        Batch batch = batch(m, step, o.jitterShare());
        int b = o.batch();
        int p = cfg.lastPatch();
        int cvae = tcfg.zChannels();
        SplittableRandom r = new SplittableRandom(o.seed() * 131 + step);
        Targets tg = targets(w, m, batch.images());
        boolean[] dropped = new boolean[b];
        for (int i = 0; i < b; i++) {
            dropped[i] = r.nextDouble() < cfg.condDropRate();
        }
        Context c = context(m, text, batch.scenes(), dropped);
        // the residual diffusion trains on a random subset of the last scale's tokens (the cross-entropy on all)
        int keepCount = Math.max(1, (int) Math.round(o.diffusionKeep() * p * p));
        long[] keep = r.longs(0, p * p).distinct().limit(keepCount).sorted().toArray();

        float ce;
        float diff;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            TransformerTrainingForward tf = new TransformerTrainingForward(cfg, w, m);
            NDArray[] ceAndHidden = crossEntropy(tf, c, tg);
            NDArray ceLoss = ceAndHidden[0];
            NDArray h = ceAndHidden[1];
            NDArray keepA = m.create(keep);
            // residual diffusion on the kept last-scale tokens
            NDIndex kept = new NDIndex(":, {}", keepA);
            NDArray z = tf.diffusionCondition(h.get(kept), tg.lastCodes().get(kept)).reshape(-1, cfg.embedDim());
            NDArray x0 = tg.residual().get(kept).reshape(-1, cvae).div(VAE_SCALE);
            int mul = cfg.diffusionBatchMul();
            z = z.repeat(0, mul);
            x0 = x0.repeat(0, mul);
            int rows = (int) x0.getShape().get(0);
            float[] tt = new float[rows];
            float[] a = new float[rows];
            float[] s = new float[rows];
            for (int i = 0; i < rows; i++) {
                int ti = r.nextInt(DiffusionSchedule.BASE_STEPS);
                tt[i] = ti;
                a[i] = (float) Math.sqrt(alphasCumprod[ti]);
                s[i] = (float) Math.sqrt(1 - alphasCumprod[ti]);
            }
            NDArray noise = m.randomNormal(x0.getShape());
            NDArray xt = x0.mul(m.create(a, new Shape(rows, 1))).add(noise.mul(m.create(s, new Shape(rows, 1))));
            NDArray out = new DiffusionTrainingForward(w, m, cfg.diffDepth()).forward(xt, m.create(tt), z);
            NDArray diffLoss = mse(out.get(":, 0:" + cvae), noise);
            ce = ceLoss.getFloat();
            diff = diffLoss.getFloat();
            gc.backward(ceLoss.add(diffLoss));
        }
        int arStep = step - o.vaeSteps();
        double gnorm = w.gradientNorm(name -> !DemoCheckpoint.isVae(name));
        boolean applied = w.adamStep(name -> !DemoCheckpoint.isVae(name), lr(o.arLr(), arStep, o.arSteps()), 0.9, 0.98, 1e-8,
                o.weightDecay());
        if (!applied) {
            skipped++;
        } else if (o.emaDecay() > 0) {
            w.updateAverage(name -> !DemoCheckpoint.isVae(name), o.emaDecay());
        }
        return String.format("ce %.3f diffusion_mse %.4f grad_norm %.3g%s", ce, diff, gnorm,
                applied ? "" : " (skipped: non-finite gradient, " + skipped + " so far)");
    }

    /** Negative log-likelihood of the targets, summed over batch and tokens. */
    private static NDArray crossEntropySum(NDArray logits, NDArray targets) {
        long v = logits.getShape().getLastDimension();
        NDArray logp = logits.logSoftmax(-1);
        NDArray oneHot = targets.toType(DataType.INT64, false).oneHot((int) v, DataType.FLOAT32);
        return logp.mul(oneHot).sum().neg();
    }

    /** Linear warm-up over 20 steps, then cosine decay to 10%. */
    private static double lr(double peak, int step, int steps) {
        if (step < 20) {
            return peak * (step + 1) / 20.0;
        }
        double prog = Math.min(1.0, (step - 20) / (double) Math.max(1, steps - 20));
        return peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * prog)));
    }

    private void save(TrainableWeights w, int step) {
        JniUtils.setGradMode(false);
        DemoCheckpoint.writeModel(o.out(), w, o.embedDim(), o.depth());
        w.saveState(statePath());
        ObjectNode pr = new ObjectMapper().createObjectNode();
        pr.put("step", step);
        pr.put("vae_steps", o.vaeSteps());
        pr.put("ar_steps", o.arSteps());
        pr.put("embed_dim", o.embedDim());
        pr.put("depth", o.depth());
        DemoCheckpoint.writeJson(progressPath(), pr);
        log.printf("saved checkpoint and training state at step %d to %s%n", step, o.out());
    }

    /** The saved step; a state saved with another transformer size is refused (its tensors would not fit). */
    private int readProgress() {
        try {
            JsonNode pr = new ObjectMapper().readTree(progressPath().toFile());
            int embedDim = pr.path("embed_dim").asInt(DemoCheckpoint.DEFAULT_EMBED_DIM);
            int depth = pr.path("depth").asInt(DemoCheckpoint.DEFAULT_DEPTH);
            if (embedDim != o.embedDim() || depth != o.depth()) {
                throw new IllegalArgumentException(progressPath() + " is a transformer of width " + embedDim + " and depth "
                        + depth + "; resume it with --embed-dim " + embedDim + " --depth " + depth);
            }
            return pr.path("step").asInt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + progressPath(), e);
        }
    }
}
