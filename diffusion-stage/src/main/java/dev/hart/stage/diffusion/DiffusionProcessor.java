package dev.hart.stage.diffusion;

import dev.hart.model.pipeline.ArResult;
import dev.hart.model.pipeline.TensorData;
import dev.hart.runtime.pipeline.CheckpointMismatchException;
import dev.hart.schemas.Topics;
import dev.hart.runtime.stage.BatchProcessor;
import dev.hart.runtime.stage.OutputRecord;
import dev.hart.runtime.stage.ProcessResult;
import dev.hart.runtime.stage.StageInput;
import dev.hart.schemas.avro.ArOutput;
import dev.hart.schemas.avro.Latent;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.tensor.Tensors;

import java.util.ArrayList;
import java.util.List;

/**
 * The diffusion stage's model call: {@code hart.ar-output} to {@code hart.latents}. Each record is sampled from its own
 * seed, so the records of a batch are simply done one after another; a checkpoint mismatch fails only that record.
 */
public final class DiffusionProcessor implements BatchProcessor<ArOutput, Latent> {
    public static final String STAGE = "diffusion";

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
        for (StageInput<ArOutput> input : batch) {
            try {
                results.add(ProcessResult.success(new OutputRecord<>(outputTopic, input.key(), apply(input.value()))));
            } catch (RuntimeException e) {
                results.add(ProcessResult.failure(e));
            }
        }
        return results;
    }

    /** One record: checks the checkpoint, samples the residual, returns the latent. */
    public Latent apply(ArOutput out) {
        RequestInfo request = out.getRequest();
        CheckpointMismatchException.check(STAGE, request.getRequestId(), out.getCheckpointId(), model.checkpointId());
        long t0 = System.nanoTime();
        ArOutputCodec.checkShapes(out, model.latentChannels(), model.latentSide()); // before allocating
        ArResult ar = ArOutputCodec.decode(out);
        TensorData fHat = model.finalLatent(ar, out.getNumDiffusionSteps());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return latent(StageTimings.with(request, STAGE, ms), model.checkpointId(), fHat);
    }

    /** The latent record; f_hat is small and always travels as F32. */
    public static Latent latent(RequestInfo request, String checkpointId, TensorData fHat) {
        return Latent.newBuilder()
                .setRequest(request)
                .setCheckpointId(checkpointId)
                .setFHat(Tensors.ofFloats(fHat.data(), fHat.shape()))
                .build();
    }
}
