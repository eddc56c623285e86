package dev.hart.demo;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.Trace;
import dev.hart.model.inference.SamplingParams;
import dev.hart.model.tokenizer.HybridTokenizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Evaluates a demo checkpoint through the inference path: generates images for held-out and training
 * captions, scores them with {@link SceneAnalyzer}, measures the tokenizer's reconstruction error on
 * held-out images (discrete-only vs hybrid latent) and writes a contact sheet.
 *
 * <p>With several seed sets every caption is generated once per set (set k starts at seed
 * {@code seed + 1000·k} while a split has at most 1000 captions) and the accuracy and artefact lines pool
 * all of them: one sample's noise is a few images, more than the margin of some goals, so the default
 * check repeats the captions.
 */
public final class DemoEvaluator {

    /** Accuracy of one split, attribute by attribute (fractions in [0, 1]). */
    public record Accuracy(int n, double background, double color, double shape, double position, double all) {
        @Override
        public String toString() {
            return String.format("n=%d background %.1f%%  colour %.1f%%  shape %.1f%%  position %.1f%%  all four %.1f%%",
                    n, 100 * background, 100 * color, 100 * shape, 100 * position, 100 * all);
        }
    }

    /** Everything {@link #run} measured. */
    public record Report(Accuracy training, Accuracy heldOut, Accuracy heldOutDiscreteOnly, Accuracy heldOutRenders,
                         Accuracy heldOutRoundTrip, double heldOutArtefactRate,
                         double reconMseDiscrete, double reconMseHybrid, int reconImages) {
    }

    private final Path checkpoint;
    private final PrintStream log;

    public DemoEvaluator(Path checkpoint, PrintStream log) {
        this.checkpoint = checkpoint;
        this.log = log;
    }

    /** Every {@code count}-th-spaced scene of a list (deterministic spread over all combinations). */
    static List<DemoScene> spread(List<DemoScene> scenes, int count) {
        List<DemoScene> out = new ArrayList<>();
        double stride = scenes.size() / (double) Math.min(count, scenes.size());
        for (int i = 0; i < Math.min(count, scenes.size()); i++) {
            out.add(scenes.get((int) (i * stride)));
        }
        return out;
    }

    /**
     * Generates {@code perSplit} captions of each split once per seed set and scores them all together. The
     * scorer's and the tokenizer's ceilings do not depend on the seed and are measured once.
     */
    public Report run(int perSplit, int seedSets, SamplingParams params, Path contactSheet) {
        if (seedSets < 1) {
            throw new IllegalArgumentException("--seed-sets must be at least 1, got " + seedSets);
        }
        try (DemoGenerator gen = DemoGenerator.load(checkpoint)) {
            List<DemoScene> held = spread(DemoDataset.heldOutScenes(), perSplit);
            List<DemoScene> train = spread(DemoDataset.trainingScenes(), perSplit);
            List<DemoScene> heldSets = repeat(held, seedSets);
            List<DemoScene> trainSets = repeat(train, seedSets);
            ContactSheet sheet = new ContactSheet(8, 64);
            long stride = seedSetStride(Math.max(held.size(), train.size()));
            List<RgbImage> heldImages = generateSets(gen, held, params, true, seedSets, stride);
            List<RgbImage> trainImages = generateSets(gen, train, params, true, seedSets, stride);
            List<RgbImage> heldDiscrete = generateSets(gen, held, params, false, seedSets, stride);
            int side = heldImages.get(0).side();
            SceneAnalyzer analyzer = new SceneAnalyzer(side);
            Accuracy accHeld = score(analyzer, heldSets, heldImages, sheet, "held-out");
            Accuracy accTrain = score(analyzer, trainSets, trainImages, sheet, "train");
            Accuracy accHeldD = score(analyzer, heldSets, heldDiscrete, null, null);
            // the scorer on the data set's own pictures of the same captions: the ceiling a perfect model reaches
            List<RgbImage> renders = held.stream().map(sc -> SceneRenderer.render(sc, side, 0f, 0f, 1f)).toList();
            Accuracy accRenders = score(analyzer, held, renders, null, null);
            // the same pictures through the tokenizer and back: the ceiling a generator over this tokenizer reaches
            List<RgbImage> heldRoundTrips = roundTrips(gen, renders).hybrid();
            Accuracy accRoundTrip = score(analyzer, held, heldRoundTrips, null, null);
            log.println("generated (cfg " + params.cfg() + ", " + seedsLabel(params.seed(), seedSets, stride) + "):");
            log.println("  training captions : " + accTrain);
            log.println("  held-out captions : " + accHeld);
            log.println("  held-out, discrete tokens only (no residual diffusion): " + accHeldD);
            log.println("  held-out, the data set's own renders (the scorer's ceiling): " + accRenders);
            log.println("  held-out renders after a hybrid tokenizer round trip (the tokenizer's ceiling): " + accRoundTrip);
            double dotsHeld = foreignPatchRate(analyzer, heldSets, heldImages);
            double dotsTrain = foreignPatchRate(analyzer, trainSets, trainImages);
            double dotsRoundTrip = foreignPatchRate(analyzer, held, heldRoundTrips);
            double dotsRenders = foreignPatchRate(analyzer, held, renders);
            log.printf("  artefacts (a 2x2 patch of a colour named neither for shape nor background): held-out %.1f%%  training %.1f%%"
                    + "  tokenizer round trips %.1f%%  renders %.1f%%%n", 100 * dotsHeld, 100 * dotsTrain, 100 * dotsRoundTrip, 100 * dotsRenders);
            // where they come from: the same held-out images without the residual diffusion's detail
            log.printf("  artefacts, held-out, discrete tokens only (no residual diffusion): %.1f%%%n",
                    100 * foreignPatchRate(analyzer, heldSets, heldDiscrete));
            showArtefacts(analyzer, heldSets, heldImages, sheet);

            double[] recon = reconstruction(gen, side, 64, sheet);
            log.printf("tokenizer reconstruction MSE on 64 held-out images ([0,1] pixels): discrete-only %.5f, hybrid %.5f%n",
                    recon[0], recon[1]);
            if (contactSheet != null) {
                sheet.write(contactSheet);
                log.println("contact sheet: " + contactSheet.toAbsolutePath());
            }
            return new Report(accTrain, accHeld, accHeldD, accRenders, accRoundTrip, dotsHeld, recon[0], recon[1], 64);
        }
    }

    /**
     * Seed distance between seed sets: 1000, or the next multiple of 1000 above a split's caption count, so
     * that the chunk seeds of one set ({@code seed + i}, i < captions) never meet the next set's.
     */
    static long seedSetStride(int captions) {
        return 1000L * Math.max(1, (captions + 999) / 1000);
    }

    /** "seed 1", or "seeds 1, 1001, 2001" for several sets. */
    static String seedsLabel(long seed, int seedSets, long stride) {
        if (seedSets == 1) {
            return "seed " + seed;
        }
        return "seeds " + LongStream.range(0, seedSets).mapToObj(k -> Long.toString(seed + k * stride))
                .collect(Collectors.joining(", "));
    }

    /** The scenes once per seed set, in set order (the order {@link #generateSets} returns images in). */
    static List<DemoScene> repeat(List<DemoScene> scenes, int seedSets) {
        List<DemoScene> out = new ArrayList<>();
        for (int k = 0; k < seedSets; k++) {
            out.addAll(scenes);
        }
        return out;
    }

    private static List<RgbImage> generateSets(DemoGenerator gen, List<DemoScene> scenes, SamplingParams params, boolean residual,
                                               int seedSets, long stride) {
        List<RgbImage> out = new ArrayList<>();
        for (int k = 0; k < seedSets; k++) {
            out.addAll(generate(gen, scenes, params.withSeed(params.seed() + k * stride), residual));
        }
        return out;
    }

    private static List<RgbImage> generate(DemoGenerator gen, List<DemoScene> scenes, SamplingParams params, boolean residual) {
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i += 16) {
            List<String> prompts = scenes.subList(i, Math.min(scenes.size(), i + 16)).stream().map(DemoScene::caption).toList();
            out.addAll(gen.generate(prompts, params.withSeed(params.seed() + i), residual));
        }
        return out;
    }

    private static Accuracy score(SceneAnalyzer analyzer, List<DemoScene> scenes, List<RgbImage> images, ContactSheet sheet, String tag) {
        int bg = 0;
        int col = 0;
        int sh = 0;
        int pos = 0;
        int all = 0;
        for (int i = 0; i < scenes.size(); i++) {
            SceneScore s = analyzer.score(images.get(i), scenes.get(i));
            bg += s.backgroundRight() ? 1 : 0;
            col += s.colorRight() ? 1 : 0;
            sh += s.shapeRight() ? 1 : 0;
            pos += s.positionRight() ? 1 : 0;
            all += s.allRight() ? 1 : 0;
            if (sheet != null && i < 16) {
                sheet.add(images.get(i), "[" + tag + (s.allRight() ? " ok] " : " miss] ") + scenes.get(i).caption());
            }
        }
        double n = scenes.size();
        return new Accuracy(scenes.size(), bg / n, col / n, sh / n, pos / n, all / n);
    }

    private static double foreignPatchRate(SceneAnalyzer analyzer, List<DemoScene> scenes, List<RgbImage> images) {
        long n = java.util.stream.IntStream.range(0, scenes.size())
                .filter(i -> analyzer.hasForeignPatch(images.get(i), scenes.get(i))).count();
        return n / (double) scenes.size();
    }

    /** The first 8 held-out images the artefact check flags, on the contact sheet: what the check counted. */
    private static void showArtefacts(SceneAnalyzer analyzer, List<DemoScene> scenes, List<RgbImage> images, ContactSheet sheet) {
        int shown = 0;
        for (int i = 0; i < scenes.size() && shown < 8; i++) {
            if (analyzer.hasForeignPatch(images.get(i), scenes.get(i))) {
                sheet.add(images.get(i), "[held-out artefact] " + scenes.get(i).caption());
                shown++;
            }
        }
    }

    /** Round trips through the checkpoint's tokenizer: decoded discrete-only latents and decoded hybrid latents. */
    private record RoundTrips(List<RgbImage> discrete, List<RgbImage> hybrid) {
    }

    private static RoundTrips roundTrips(DemoGenerator gen, List<RgbImage> images) {
        JniUtils.setGradMode(false);
        int side = images.get(0).side();
        int n = 3 * side * side;
        float[] px = new float[images.size() * n];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).toPlusMinusOne(), 0, px, i * n, n);
        }
        try (NDManager m = NDManager.newBaseManager();
             HybridTokenizer tok = HybridTokenizer.load(gen.checkpoint().tokenizerWeights(), gen.checkpoint().tokenizerConfig(), m)) {
            int[] pns = gen.checkpoint().llmConfig().patchNumsArray();
            HybridTokenizer.Encoding e = tok.encode(m.create(px, new Shape(images.size(), 3, side, side)), pns, Trace.NONE);
            float[] d = tok.decode(e.fHatDiscrete(), Trace.NONE).toFloatArray();
            float[] h = tok.decode(e.fHatFull(), Trace.NONE).toFloatArray();
            List<RgbImage> discrete = new ArrayList<>();
            List<RgbImage> hybrid = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                discrete.add(RgbImage.fromPlusMinusOne(side, java.util.Arrays.copyOfRange(d, i * n, (i + 1) * n)));
                hybrid.add(RgbImage.fromPlusMinusOne(side, java.util.Arrays.copyOfRange(h, i * n, (i + 1) * n)));
            }
            return new RoundTrips(discrete, hybrid);
        }
    }

    /** Mean squared error of tokenizer round trips: [discrete-only, hybrid]. */
    private static double[] reconstruction(DemoGenerator gen, int side, int count, ContactSheet sheet) {
        DemoDataset data = DemoDataset.heldOut(side, 4242);
        List<RgbImage> originals = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            originals.add(data.sample(i).image());
        }
        RoundTrips rt = roundTrips(gen, originals);
        double dSum = 0;
        double hSum = 0;
        for (int i = 0; i < count; i++) {
            dSum += originals.get(i).meanSquaredError(rt.discrete().get(i));
            hSum += originals.get(i).meanSquaredError(rt.hybrid().get(i));
            if (i < 8) {
                sheet.add(originals.get(i), "[recon input] " + data.sample(i).caption());
                sheet.add(rt.discrete().get(i), "[recon discrete-only]");
                sheet.add(rt.hybrid().get(i), "[recon hybrid]");
            }
        }
        return new double[] {dSum / count, hSum / count};
    }
}
