package dev.hart.demo;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.config.HartConfig;
import dev.hart.model.inference.ArGenerator;
import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.ImageDecoder;
import dev.hart.model.inference.ResidualSampler;
import dev.hart.model.inference.SamplingParams;
import dev.hart.model.inference.TensorData;
import dev.hart.model.text.PromptEncoding;
import dev.hart.model.text.Qwen2TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text to image with a checkpoint directory through the project's inference classes, in one process:
 * {@link Qwen2TextEncoder} → {@link ArGenerator} (transformer + quantizer) → {@link ResidualSampler}
 * (optional; the same noise streams as {@code hart generate}) → {@link ImageDecoder}. Reads the text model from {@code text_model_path} of
 * {@code llm/config.json} (default {@code ../text}) and whether to use HART's system prompt from
 * {@code use_llm_system_prompt} (default true, the reference's behaviour).
 */
public final class DemoGenerator implements AutoCloseable {

    private final NDManager manager;
    private final HartCheckpointDir checkpoint;
    private final Qwen2TextEncoder text;
    private final ArGenerator ar;
    private final ResidualSampler sampler;
    private final ImageDecoder decoder;
    private final boolean systemPrompt;

    private DemoGenerator(NDManager manager, HartCheckpointDir checkpoint, Qwen2TextEncoder text, ArGenerator ar,
                          ResidualSampler sampler, ImageDecoder decoder, boolean systemPrompt) {
        this.manager = manager;
        this.checkpoint = checkpoint;
        this.text = text;
        this.ar = ar;
        this.sampler = sampler;
        this.decoder = decoder;
        this.systemPrompt = systemPrompt;
    }

    public static DemoGenerator load(Path dir) {
        HartCheckpointDir ckpt = HartCheckpointDir.open(dir, false);
        NDManager m = NDManager.newBaseManager();
        try {
            Path textDir = HartCheckpointDir.textModelDir(dir).orElseThrow(() -> new IllegalArgumentException(dir
                    + " has no text model (text_model_path in llm/config.json or a text/ folder with config.json)"));
            boolean sys = HartCheckpointDir.usesSystemPrompt(dir);
            HartConfig cfg = ckpt.llmConfig();
            Qwen2TextEncoder text = Qwen2TextEncoder.load(textDir, cfg.contextToken());
            ArGenerator ar = ArGenerator.load(ckpt, m);
            ResidualSampler diff = ResidualSampler.load(ckpt, m);
            ImageDecoder dec = ImageDecoder.load(ckpt, m);
            return new DemoGenerator(m, ckpt, text, ar, diff, dec, sys);
        } catch (RuntimeException e) {
            m.close();
            ckpt.close();
            throw e;
        }
    }

    public HartCheckpointDir checkpoint() {
        return checkpoint;
    }

    /**
     * Generates one image per prompt; prompt i uses seed {@code params.seed() + i}.
     *
     * @param withResidual add the residual diffusion's continuous tokens (HART); false decodes the
     *                     discrete latent alone
     */
    public List<RgbImage> generate(List<String> prompts, SamplingParams params, boolean withResidual) {
        JniUtils.setGradMode(false);
        PromptEncoding pe = text.encode(prompts, systemPrompt);
        TensorData ctx = new TensorData(new long[] {pe.batch(), pe.length(), pe.hidden()}, pe.context());
        List<SamplingParams> per = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            per.add(params.withSeed(params.seed() + i));
        }
        List<ArResult> results = ar.generate(ctx, pe.mask(), pe.positionIds(), per);
        List<TensorData> latents = withResidual
                ? sampler.finalLatents(results, results.stream().map(r -> sampler.defaultSteps()).toList())
                : results.stream().map(ResidualSampler::discreteLatent).toList();
        List<RgbImage> images = new ArrayList<>();
        for (TensorData px : decoder.decodePixelsBatch(latents)) {
            images.add(new RgbImage((int) px.dim(1), px.data().clone()));
        }
        return images;
    }

    @Override
    public void close() {
        text.close();
        sampler.close();
        manager.close();
        checkpoint.close();
    }
}
