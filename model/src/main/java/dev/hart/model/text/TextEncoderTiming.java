package dev.hart.model.text;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures HART prompt encoding time on this machine.
 *
 * <pre>
 *   TextEncoderTiming --model DIR                       a Qwen2 checkpoint directory
 *   TextEncoderTiming --random qwen2-1.5b --tokenizer DIR [--layers N] [--seed S]
 *                                                       the 1.5B shape with seeded random weights
 *   common: [--prompts N] [--batch B] [--max-length 300] [--system on|off|both] [--warmup 1]
 * </pre>
 *
 * With {@code --layers N} below the model's depth only N decoder layers run, and the time for the full
 * depth is extrapolated linearly per layer (reported as such).
 */
public final class TextEncoderTiming {

    private static final String[] SAMPLE_PROMPTS = {
        "A 4k dslr image of a lemur wearing a red magician hat and a blue coat performing magic tricks with cards in a garden.",
        "An astronaut riding a horse on the moon, oil painting by Van Gogh.",
        "A silhouette of a grand piano overlooking a dusky cityscape viewed from a top-floor penthouse, rendered in the bold and vivid style of a vintage travel poster.",
        "Crocodile in a sweater.",
        "3d digital art of an adorable ghost, glowing within, holding a heart shaped pumpkin, Halloween, super cute, spooky haunted house background.",
        "A red circle on a blue background.",
        "A photo of a cat sitting on a windowsill in the sun, shallow depth of field.",
        "A bustling city street scene at dusk, glowing street lamps, double-decker bus, glass skyscrapers.",
    };

    private TextEncoderTiming() {
    }

    public static void main(String[] argv) throws Exception {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        String model = null;
        String random = null;
        String tokenizerDir = null;
        int layers = -1;
        long seed = 1;
        int prompts = 4;
        int batch = 1;
        int maxLength = Qwen2TextEncoder.DEFAULT_MAX_LENGTH;
        String system = "both";
        int warmup = 1;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (i + 1 >= argv.length) {
                usage("missing value for " + a);
            }
            String v = argv[++i];
            switch (a) {
                case "--model" -> model = v;
                case "--random" -> random = v;
                case "--tokenizer" -> tokenizerDir = v;
                case "--layers" -> layers = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--prompts" -> prompts = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--max-length" -> maxLength = Integer.parseInt(v);
                case "--system" -> system = v.toLowerCase(Locale.ROOT);
                case "--warmup" -> warmup = Integer.parseInt(v);
                default -> usage("unknown option " + a);
            }
        }
        if ((model == null) == (random == null)) {
            usage("give exactly one of --model DIR or --random qwen2-1.5b");
        }
        long t0 = System.nanoTime();
        Qwen2TextEncoder encoder;
        int fullLayers;
        String what;
        if (model != null) {
            encoder = Qwen2TextEncoder.load(Path.of(model), maxLength);
            fullLayers = encoder.config().numHiddenLayers();
            what = "checkpoint " + model;
        } else {
            if (!random.equals("qwen2-1.5b")) {
                usage("unknown random shape " + random + " (known: qwen2-1.5b)");
            }
            if (tokenizerDir == null) {
                usage("--random needs --tokenizer DIR (a directory with tokenizer.json)");
            }
            Qwen2Config full = Qwen2Config.qwen2Vl1_5B();
            fullLayers = full.numHiddenLayers();
            Qwen2Config c = layers > 0 ? full.withLayers(layers) : full;
            encoder = Qwen2TextEncoder.create(c, new RandomQwen2Weights(c, seed), Qwen2Tokenizer.load(Path.of(tokenizerDir)), maxLength);
            what = "random weights, Qwen2-VL-1.5B shape, " + c.numHiddenLayers() + " of " + fullLayers + " layers";
        }
        double loadS = (System.nanoTime() - t0) / 1e9;
        int ranLayers = encoder.config().numHiddenLayers();
        System.out.printf(Locale.ROOT, "%s: loaded in %.1f s; hidden %d, max_length %d, batch %d, OMP_WAIT_POLICY=%s%n",
                what, loadS, encoder.hiddenSize(), maxLength, batch, System.getenv("OMP_WAIT_POLICY"));
        List<Boolean> modes = switch (system) {
            case "on" -> List.of(true);
            case "off" -> List.of(false);
            case "both" -> List.of(false, true);
            default -> throw new IllegalArgumentException("--system must be on, off or both");
        };
        try (encoder) {
            for (boolean useSystem : modes) {
                int systemTokens = useSystem ? encoder.tokenizer().tokenize(Qwen2TextEncoder.HART_SYSTEM_PROMPT, maxLength, false).length() : 0;
                for (int w = 0; w < warmup; w++) {
                    encoder.encode(batchOf(0, batch), useSystem);
                }
                int batches = Math.max(1, prompts / batch);
                long start = System.nanoTime();
                for (int i = 0; i < batches; i++) {
                    encoder.encode(batchOf(i * batch, batch), useSystem);
                }
                double perPrompt = (System.nanoTime() - start) / 1e6 / (batches * batch);
                System.out.printf(Locale.ROOT, "system prompt %-3s: model sequence %d tokens, %.1f ms per prompt over %d prompts%s%n",
                        useSystem ? "on" : "off", systemTokens + maxLength, perPrompt, batches * batch,
                        ranLayers < fullLayers ? String.format(Locale.ROOT,
                                " (%d layers); extrapolated to %d layers: %.0f ms per prompt",
                                ranLayers, fullLayers, perPrompt * fullLayers / ranLayers) : "");
            }
        }
    }

    private static List<String> batchOf(int first, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(SAMPLE_PROMPTS[(first + i) % SAMPLE_PROMPTS.length]);
        }
        return out;
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: TextEncoderTiming (--model DIR | --random qwen2-1.5b --tokenizer DIR [--layers N] [--seed S])"
                + " [--prompts N] [--batch B] [--max-length L] [--system on|off|both] [--warmup W]");
        System.exit(2);
    }
}
