package dev.hart.model.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.SeededRandomSource;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.config.HartConfig;
import dev.hart.model.diffusion.ResidualDiffusion;
import dev.hart.model.pipeline.ArGenerator;
import dev.hart.model.pipeline.ArResult;
import dev.hart.model.pipeline.ImageDecoder;
import dev.hart.model.pipeline.SamplingParams;
import dev.hart.model.pipeline.TensorData;
import dev.hart.model.text.PromptEncoding;
import dev.hart.model.text.Qwen2TextEncoder;
import dev.hart.model.tokenizer.MultiScaleQuantizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text to image with a checkpoint directory through the project's inference classes, in one process:
 * {@link Qwen2TextEncoder} → {@link ArGenerator} (transformer + quantizer) → {@link ResidualDiffusion}
 * (optional) → {@link ImageDecoder}. Reads the text model from {@code text_model_path} of
 * {@code llm/config.json} (default {@code ../text}) and whether to use HART's system prompt from
 * {@code use_llm_system_prompt} (default true, the reference's behaviour).
 */
public final class DemoGenerator implements AutoCloseable {

    private final NDManager manager;
    private final HartCheckpointDir checkpoint;
    private final Qwen2TextEncoder text;
    private final ArGenerator ar;
    private final ResidualDiffusion diffusion;
    private final ImageDecoder decoder;
    private final boolean systemPrompt;

    private DemoGenerator(NDManager manager, HartCheckpointDir checkpoint, Qwen2TextEncoder text, ArGenerator ar,
                          ResidualDiffusion diffusion, ImageDecoder decoder, boolean systemPrompt) {
        this.manager = manager;
        this.checkpoint = checkpoint;
        this.text = text;
        this.ar = ar;
        this.diffusion = diffusion;
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
            ResidualDiffusion diff = ResidualDiffusion.load(ckpt.llmWeights(), cfg, ckpt.tokenizerConfig().zChannels(), m);
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
        List<TensorData> latents = new ArrayList<>();
        try (NDManager m = manager.newSubManager()) {
            for (ArResult r : results) {
                int p = r.latentSide();
                NDArray tokens = r.finalTokens().toNDArray(m);                       // [P², Cvae]
                if (withResidual) {
                    NDArray z = r.diffusionCondition().toNDArray(m);                  // [2P², C]
                    NDArray res = diffusion.sample(z, 1.0, r.diffusionCfg(), new SeededRandomSource(r.seed()), Trace.NONE);
                    tokens = tokens.add(res.get("0:" + (p * p)));
                }
                NDArray fHat = r.fHat().toNDArray(m).expandDims(0)
                        .add(MultiScaleQuantizer.tokensToLatent(tokens.expandDims(0), p));
                latents.add(TensorData.of(fHat.squeeze(0)));
            }
        }
        List<RgbImage> images = new ArrayList<>();
        for (TensorData px : decoder.decodePixelsBatch(latents)) {
            images.add(new RgbImage((int) px.dim(1), px.data().clone()));
        }
        return images;
    }

    @Override
    public void close() {
        text.close();
        manager.close();
        checkpoint.close();
    }
}
