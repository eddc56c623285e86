package dev.hart.stage.ar;

import ai.djl.ndarray.NDManager;
import dev.hart.model.checkpoint.ModelSource;
import dev.hart.model.config.HartConfig;
import dev.hart.model.inference.ArGenerator;
import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The checkpoint's autoregressive part via the model's {@link ArGenerator} (transformer + quantizer inference
 * pieces; not the decoder, not the diffusion MLP), with a {@link PromptEncoder} in front.
 */
public final class HartArModel implements ArModel {
    private final String checkpointId;
    private final NDManager manager;
    private final ModelSource source;
    private final ArGenerator generator;
    private final PromptEncoder encoder;

    private HartArModel(String checkpointId, NDManager manager, ModelSource source, ArGenerator generator,
                        PromptEncoder encoder) {
        this.checkpointId = checkpointId;
        this.manager = manager;
        this.source = source;
        this.generator = generator;
        this.encoder = encoder;
    }

    /**
     * @param encoderFactory builds the prompt encoder for the loaded config (e.g. a Qwen2 model of its context_dim);
     *                       the model owns and closes it
     */
    public static HartArModel load(Supplier<ModelSource> opener, String checkpointId,
                                   Function<HartConfig, PromptEncoder> encoderFactory) {
        return ModelSource.loadOwned(opener, (src, m) -> {
            ArGenerator g = ArGenerator.load(src.llmWeights(), src.llmConfig(), src.vaeWeights(), src.tokenizerConfig(), m);
            return new HartArModel(checkpointId, m, src, g, encoderFactory.apply(g.config()));
        });
    }

    /** With the {@link HashedPromptEncoder} stand-in sized to the checkpoint's context. */
    public static HartArModel loadWithHashedPrompts(Supplier<ModelSource> opener, String checkpointId) {
        return load(opener, checkpointId, c -> new HashedPromptEncoder(c.contextToken(), c.contextDim()));
    }

    public HartConfig config() {
        return generator.config();
    }

    public PromptEncoder encoder() {
        return encoder;
    }

    @Override
    public String checkpointId() {
        return checkpointId;
    }

    @Override
    public int defaultDiffusionSteps() {
        return generator.config().diffusionSteps();
    }

    @Override
    public List<ArResult> generate(List<ArRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        // encode runs of equal system-prompt setting, then run the transformer once on the whole batch
        List<PromptContext> parts = new ArrayList<>();
        List<SamplingParams> params = new ArrayList<>(requests.size());
        int i = 0;
        while (i < requests.size()) {
            boolean sys = requests.get(i).useSystemPrompt();
            List<String> prompts = new ArrayList<>();
            while (i < requests.size() && requests.get(i).useSystemPrompt() == sys) {
                prompts.add(requests.get(i).prompt());
                params.add(requests.get(i).params());
                i++;
            }
            parts.add(encoder.encode(prompts, sys));
        }
        PromptContext ctx = parts.size() == 1 ? parts.get(0) : PromptContext.concat(parts);
        return generator.generate(ctx.context(), ctx.mask(), ctx.positionIds(), params);
    }

    @Override
    public void close() {
        encoder.close();
        generator.close();
        manager.close();
        source.close();
    }
}
