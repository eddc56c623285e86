package dev.hart.model.checkpoint;

import dev.hart.model.io.ShardedWeights;

import dev.hart.model.config.HartConfig;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.io.WeightSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A HART checkpoint on disk: {@code llm/} (transformer + residual diffusion) and {@code tokenizer/} (hybrid
 * VAE), each with a {@code config.json} and weights. Weights are opened lazily, once, and closed with this
 * object.
 *
 * <p>Weight files looked up in each folder, first match wins: {@code model.safetensors},
 * {@code model.safetensors.index.json} (sharded), {@code pytorch_model.bin},
 * {@code pytorch_model.bin.index.json}. For the transformer, {@code ema_model.bin} (when present and
 * {@code useEma}) replaces the tensors it holds, as the reference scripts do by default. The tokenizer's
 * weights are seen through the {@code vae.} prefix of {@code HARTAutoEncoderWithDisc}; {@code disc.*}
 * (the training discriminator) is never read.
 */
public final class HartCheckpointDir implements AutoCloseable {

    public static final String EMA_FILE = "ema_model.bin";

    private final Path llmDir;
    private final Path tokenizerDir;
    private final HartConfig llmConfig;
    private final TokenizerConfig tokenizerConfig;
    private final boolean useEma;
    private final List<WeightSource> opened = new ArrayList<>();
    private WeightSource llmWeights;
    private WeightSource tokenizerWeights;

    private HartCheckpointDir(Path llmDir, Path tokenizerDir, HartConfig llmConfig, TokenizerConfig tokenizerConfig, boolean useEma) {
        this.llmDir = llmDir;
        this.tokenizerDir = tokenizerDir;
        this.llmConfig = llmConfig;
        this.tokenizerConfig = tokenizerConfig;
        this.useEma = useEma;
    }

    /** Opens a checkpoint with EMA weights (the reference default). */
    public static HartCheckpointDir open(Path dir) {
        return open(dir, true);
    }

    /**
     * @param dir the checkpoint root (holding {@code llm/}) or the {@code llm} folder itself (what the
     *            reference's {@code --model_path} points at)
     */
    public static HartCheckpointDir open(Path dir, boolean useEma) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoint directory " + dir + " does not exist");
        }
        Path llm = Files.isDirectory(dir.resolve("llm")) && !Files.isRegularFile(dir.resolve("config.json"))
                ? dir.resolve("llm") : dir;
        Path llmConfigFile = llm.resolve("config.json");
        if (!Files.isRegularFile(llmConfigFile)) {
            throw new IllegalArgumentException(dir + ": no llm/config.json (expected a HART checkpoint with llm/ and tokenizer/)");
        }
        HartConfig cfg = HartConfig.load(llmConfigFile);
        Path tok = tokenizerDirFor(llm, cfg);
        Path tokConfigFile = tok.resolve("config.json");
        if (!Files.isRegularFile(tokConfigFile)) {
            throw new IllegalArgumentException("tokenizer folder " + tok + " has no config.json"
                    + (cfg.vaePath() == null ? " (vae_path is null, so the tokenizer is expected next to llm/)" : " (from vae_path)"));
        }
        return new HartCheckpointDir(llm, tok, cfg, TokenizerConfig.load(tokConfigFile), useEma);
    }

    /** {@code vae_path} null → {@code <llm>/../tokenizer}; a relative vae_path is resolved against the llm folder's parent. */
    static Path tokenizerDirFor(Path llmDir, HartConfig cfg) {
        Path parent = llmDir.toAbsolutePath().getParent();
        if (cfg.vaePath() == null || cfg.vaePath().isBlank()) {
            return parent.resolve("tokenizer");
        }
        Path p = Path.of(cfg.vaePath());
        return p.isAbsolute() ? p : parent.resolve(p).normalize();
    }

    public Path llmDir() {
        return llmDir;
    }

    /**
     * The checkpoint's Qwen2 text model folder: {@code text_model_path} of {@code llm/config.json} (relative to
     * {@code llm/}; the official checkpoints name a Hugging Face id there, which is not a folder), else
     * {@code <checkpoint>/text}; empty when that folder holds no {@code config.json}. The one lookup every caller uses.
     */
    public static java.util.Optional<Path> textModelDir(Path checkpointDir) {
        com.fasterxml.jackson.databind.JsonNode raw = llmConfigJson(checkpointDir);
        Path llm = checkpointDir.resolve("llm");
        Path candidate = raw.hasNonNull("text_model_path")
                ? llm.resolve(raw.get("text_model_path").asText()).normalize()
                : checkpointDir.resolve("text");
        return Files.isRegularFile(candidate.resolve("config.json")) ? java.util.Optional.of(candidate) : java.util.Optional.empty();
    }

    /** Whether the checkpoint was trained with HART's system prompt ({@code use_llm_system_prompt}, default true). */
    public static boolean usesSystemPrompt(Path checkpointDir) {
        return llmConfigJson(checkpointDir).path("use_llm_system_prompt").asBoolean(true);
    }

    /**
     * The guidance scale for requests that set none: {@code default_cfg} of {@code llm/config.json} when the checkpoint
     * names one (the reference's 4.5 was tuned for the 0.7B model; a small model can need far less), else
     * {@link dev.hart.model.inference.SamplingParams#DEFAULT_CFG}.
     */
    public static double defaultCfg(Path checkpointDir) {
        com.fasterxml.jackson.databind.JsonNode v = llmConfigJson(checkpointDir).get("default_cfg");
        if (v == null || v.isNull()) {
            return dev.hart.model.inference.SamplingParams.DEFAULT_CFG;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
            throw new IllegalArgumentException(checkpointDir.resolve("llm").resolve("config.json")
                    + ": default_cfg must be a number >= 0, got " + v);
        }
        return v.asDouble();
    }

    private static com.fasterxml.jackson.databind.JsonNode llmConfigJson(Path checkpointDir) {
        Path file = checkpointDir.resolve("llm").resolve("config.json");
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }

    public Path tokenizerDir() {
        return tokenizerDir;
    }

    public HartConfig llmConfig() {
        return llmConfig;
    }

    public TokenizerConfig tokenizerConfig() {
        return tokenizerConfig;
    }

    /** Weights of the transformer and the residual diffusion MLP ({@code diffloss.*}), EMA applied when enabled. */
    public synchronized WeightSource llmWeights() {
        if (llmWeights == null) {
            WeightSource base = track(openFolder(llmDir));
            Path ema = llmDir.resolve(EMA_FILE);
            llmWeights = useEma && Files.isRegularFile(ema) ? new OverlayWeights(track(TorchBinWeights.open(ema)), base) : base;
        }
        return llmWeights;
    }

    /** Weights of the VAE tokenizer with the {@code vae.} prefix removed. */
    public synchronized WeightSource tokenizerWeights() {
        if (tokenizerWeights == null) {
            tokenizerWeights = vaeView(track(openFolder(tokenizerDir)));
        }
        return tokenizerWeights;
    }

    /**
     * The VAE part of a tokenizer state dict: names under {@code vae.} (HARTAutoEncoderWithDisc), or all
     * names when nothing carries that prefix (a bare HARTAutoEncoder state dict).
     */
    public static WeightSource vaeView(WeightSource tokenizerFile) {
        boolean prefixed = tokenizerFile.names().stream().anyMatch(n -> n.startsWith("vae."));
        return prefixed ? tokenizerFile.withPrefix("vae.") : tokenizerFile;
    }

    /** Opens the weights of one model folder (see the class comment for the file names tried). */
    public static WeightSource openFolder(Path folder) {
        Path st = folder.resolve("model.safetensors");
        if (Files.isRegularFile(st)) {
            return SafeTensors.open(st);
        }
        Path stIndex = folder.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(stIndex)) {
            return ShardedWeights.open(stIndex, SafeTensors::open);
        }
        Path bin = folder.resolve("pytorch_model.bin");
        if (Files.isRegularFile(bin)) {
            return TorchBinWeights.open(bin);
        }
        Path binIndex = folder.resolve("pytorch_model.bin.index.json");
        if (Files.isRegularFile(binIndex)) {
            return ShardedWeights.open(binIndex, TorchBinWeights::open);
        }
        throw new IllegalArgumentException(folder + ": no weights found (looked for model.safetensors, "
                + "model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json)");
    }

    private WeightSource track(WeightSource s) {
        opened.add(s);
        return s;
    }

    @Override
    public synchronized void close() {
        opened.forEach(ShardedWeights::closeIfPossible);
        opened.clear();
        llmWeights = null;
        tokenizerWeights = null;
    }
}
