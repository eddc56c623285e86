package dev.hart.cli.bench;

import ai.djl.ndarray.NDManager;
import dev.hart.cli.generate.StageModels;
import dev.hart.model.pipeline.ArGenerator;
import dev.hart.model.pipeline.ArResult;
import dev.hart.model.pipeline.ImageDecoder;
import dev.hart.model.pipeline.ResidualSampler;
import dev.hart.model.pipeline.SamplingParams;
import dev.hart.model.pipeline.TensorData;
import dev.hart.runtime.pipeline.CheckpointId;
import dev.hart.stage.ar.ArModel;
import dev.hart.stage.ar.ArRequest;
import dev.hart.stage.ar.HashedPromptEncoder;
import dev.hart.stage.ar.PromptContext;
import dev.hart.stage.ar.PromptEncoder;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.diffusion.ResidualModel;

import java.util.ArrayList;
import java.util.List;

/**
 * The stage-facing models of a {@link BenchModel} (random weights or a checkpoint), so the pipeline and the direct
 * path run exactly the same model code: the AR generator behind the hashed-word prompt encoder (so pipeline timings
 * leave the text encoder out; it is timed on its own by {@link TextEncoderBench}), the real residual sampler, the VAE
 * decoder. It shares one model source across the stages, unlike the stages' own adapters (which each open theirs).
 */
final class BenchStageModels implements StageModels {
    private final BenchModel model;
    private final String checkpointId;

    BenchStageModels(BenchModel model, String checkpointId) {
        this.model = model;
        this.checkpointId = checkpointId;
    }

    static BenchStageModels of(BenchModel model) {
        return new BenchStageModels(model, CheckpointId.ofRandomWeights("bench-" + model.name()));
    }

    @Override
    public String checkpointId() {
        return checkpointId;
    }

    @Override
    public String describe() {
        return model.description() + ", hashed-word prompt encoder";
    }

    @Override
    public ArModel loadAr() {
        NDManager m = NDManager.newBaseManager();
        try {
            ArGenerator g = ArGenerator.load(model.llmWeights(), model.llmConfig(), model.vaeWeights(), model.tokenizerConfig(), m);
            PromptEncoder encoder = new HashedPromptEncoder(g.config().contextToken(), g.config().contextDim());
            return new ArModel() {
                @Override
                public String checkpointId() {
                    return checkpointId;
                }

                @Override
                public int defaultDiffusionSteps() {
                    return g.config().diffusionSteps();
                }

                @Override
                public List<ArResult> generate(List<ArRequest> requests) {
                    // one transformer call per run of equal system-prompt setting (bench requests share one)
                    List<ArResult> out = new ArrayList<>();
                    int i = 0;
                    while (i < requests.size()) {
                        boolean sys = requests.get(i).useSystemPrompt();
                        List<String> prompts = new ArrayList<>();
                        List<SamplingParams> params = new ArrayList<>();
                        while (i < requests.size() && requests.get(i).useSystemPrompt() == sys) {
                            prompts.add(requests.get(i).prompt());
                            params.add(requests.get(i).params());
                            i++;
                        }
                        PromptContext ctx = encoder.encode(prompts, sys);
                        out.addAll(g.generate(ctx.context(), ctx.mask(), ctx.positionIds(), params));
                    }
                    return out;
                }

                @Override
                public void close() {
                    encoder.close();
                    g.close();
                    m.close();
                }
            };
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public ResidualModel loadResidual() {
        NDManager m = NDManager.newBaseManager();
        try {
            ResidualSampler sampler = ResidualSampler.load(model.llmWeights(), model.llmConfig(),
                    model.tokenizerConfig().zChannels(), m);
            int steps = model.llmConfig().diffusionSteps();
            return new ResidualModel() {
                @Override
                public String checkpointId() {
                    return checkpointId;
                }

                @Override
                public int defaultSteps() {
                    return steps;
                }

                /** The sampler runs the checkpoint's step count; the noise comes from the request's seed. */
                @Override
                public TensorData finalLatent(ArResult ar, int requestedSteps) {
                    return sampler.finalLatent(ar, SamplingParams.defaults().withSeed(ar.seed()));
                }

                @Override
                public void close() {
                    sampler.close();
                    m.close();
                }
            };
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public LatentDecoder loadDecoder() {
        NDManager m = NDManager.newBaseManager();
        try {
            ImageDecoder decoder = ImageDecoder.load(model.vaeWeights(), model.tokenizerConfig(), m);
            return new LatentDecoder() {
                @Override
                public String checkpointId() {
                    return checkpointId;
                }

                @Override
                public TensorData decodePixels(TensorData fHat) {
                    return decoder.decodePixels(fHat);
                }

                @Override
                public void close() {
                    decoder.close();
                    m.close();
                }
            };
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
