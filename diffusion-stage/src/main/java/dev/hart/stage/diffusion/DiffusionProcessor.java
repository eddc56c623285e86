package dev.hart.stage.diffusion;

import dev.hart.stage.common.ArOutputCodec;
import dev.hart.stage.common.StageTimings;
import dev.hart.stage.common.ResidualModel;
import dev.hart.stage.common.LatentRecord;
import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.TensorData;
import dev.hart.runtime.pipeline.CheckpointMismatchException;
import dev.hart.schemas.Topics;
import dev.hart.runtime.stage.BatchProcessor;
import dev.hart.runtime.stage.OutputRecord;
import dev.hart.runtime.stage.ProcessResult;
import dev.hart.runtime.stage.StageInput;
import dev.hart.schemas.avro.ArOutput;
import dev.hart.schemas.avro.Latent;
import dev.hart.schemas.avro.RequestInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * The diffusion stage's model call: {@code hart.ar-output} to {@code hart.latents}. The valid records of a batch are
 * sampled in one model call, each from its own seed (so its latent does not depend on the batch); a record that fails
 * its checks (checkpoint, shapes) fails alone.
 */
public final class DiffusionProcessor implements BatchProcessor<ArOutput, Latent> {
    public static final String STAGE = ResidualModel.STAGE;

    private final ResidualModel model;
    private final String outputTopic;

    public DiffusionProcessor(ResidualModel model) {
        this(model, Topics.LATENTS);
    }

    public DiffusionProcessor(ResidualModel model, String outputTopic) {
        this.model = model;
        this.outputTopic = outputTopic;
    }

    @Override
    public List<ProcessResult<Latent>> process(List<StageInput<ArOutput>> batch) {
        List<ProcessResult<Latent>> results = new ArrayList<>(batch.size());
        List<Integer> runnable = new ArrayList<>();
        List<ArResult> ars = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        for (StageInput<ArOutput> input : batch) {
            results.add(null);
            try {
                ars.add(decode(input.value()));
                steps.add(input.value().getNumDiffusionSteps());
                runnable.add(results.size() - 1);
            } catch (RuntimeException e) {
                results.set(results.size() - 1, ProcessResult.failure(e));
            }
        }
        if (runnable.isEmpty()) {
            return results;
        }
        long t0 = System.nanoTime();
        // one model call for the batch; if it fails as a whole, the runner retries the inputs one by one
        List<TensorData> latents = model.finalLatents(ars, steps);
        long msEach = (System.nanoTime() - t0) / 1_000_000 / runnable.size();
        for (int k = 0; k < runnable.size(); k++) {
            StageInput<ArOutput> input = batch.get(runnable.get(k));
            RequestInfo request = StageTimings.with(input.value().getRequest(), STAGE, msEach);
            results.set(runnable.get(k), ProcessResult.success(new OutputRecord<>(outputTopic, input.key(),
                    LatentRecord.of(request, model.checkpointId(), latents.get(k)))));
        }
        return results;
    }

    /** Checks the checkpoint and the declared shapes (before allocating anything), then decodes the tensors. */
    private ArResult decode(ArOutput out) {
        RequestInfo request = out.getRequest();
        CheckpointMismatchException.check(STAGE, request.getRequestId(), out.getCheckpointId(), model.checkpointId());
        ArOutputCodec.checkShapes(out, model.latentChannels(), model.latentSide());
        return ArOutputCodec.decode(out);
    }
}
