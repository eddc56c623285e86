package dev.hart.stage.ar;

import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.TensorData;
import dev.hart.runtime.pipeline.CheckpointMismatchException;
import dev.hart.runtime.stage.BatchProcessor;
import dev.hart.runtime.stage.OutputRecord;
import dev.hart.runtime.stage.ProcessResult;
import dev.hart.runtime.stage.StageInput;
import dev.hart.schemas.Topics;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.stage.common.ArOutputCodec;
import dev.hart.stage.common.LatentRecord;
import dev.hart.stage.common.ResidualModel;
import dev.hart.stage.common.StageTimings;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ar-stage's model call: a batch of {@code hart.requests} through the transformer together. Split topology emits
 * {@code hart.ar-output}; fused topology samples the residual in-process and emits {@code hart.latents}.
 * Requests for another checkpoint are refused one by one (dead letter) and do not enter the batch.
 */
public final class ArProcessor implements BatchProcessor<GenerationRequest, SpecificRecord> {
    public static final String STAGE = "ar";

    private final ArModel model;
    private final ResidualModel residual;
    private final ArOutputCodec codec;

    /** Split topology. */
    public static ArProcessor split(ArModel model, ArOutputCodec codec) {
        return new ArProcessor(model, null, Objects.requireNonNull(codec, "codec"));
    }

    /** Fused topology: {@code residual} must come from the same checkpoint. */
    public static ArProcessor fused(ArModel model, ResidualModel residual) {
        Objects.requireNonNull(residual, "residual model");
        if (!model.checkpointId().equals(residual.checkpointId())) {
            throw new IllegalArgumentException("fused ar-stage: transformer checkpoint '" + model.checkpointId()
                    + "' and diffusion checkpoint '" + residual.checkpointId() + "' differ");
        }
        return new ArProcessor(model, residual, null);
    }

    private ArProcessor(ArModel model, ResidualModel residual, ArOutputCodec codec) {
        this.model = Objects.requireNonNull(model, "model");
        this.residual = residual;
        this.codec = codec;
    }

    public StageTopology topology() {
        return residual == null ? StageTopology.SPLIT : StageTopology.FUSED;
    }

    @Override
    public List<ProcessResult<SpecificRecord>> process(List<StageInput<GenerationRequest>> batch) {
        List<ProcessResult<SpecificRecord>> results = new ArrayList<>(batch.size());
        List<Integer> runnable = new ArrayList<>();
        List<ArRequest> requests = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            RequestInfo r = batch.get(i).value().getRequest();
            try {
                CheckpointMismatchException.check(STAGE, r.getRequestId(), r.getCheckpointId(), model.checkpointId());
                requests.add(ArRequest.of(r));
                runnable.add(i);
                results.add(null);
            } catch (RuntimeException e) {
                results.add(ProcessResult.failure(e));
            }
        }
        if (requests.isEmpty()) {
            return results;
        }
        long t0 = System.nanoTime();
        // a model failure fails the whole batch; the runner then retries the inputs one by one
        List<ArResult> ar = model.generate(requests);
        if (ar.size() != requests.size()) {
            throw new IllegalStateException("ArModel returned " + ar.size() + " results for " + requests.size());
        }
        long arMsEach = (System.nanoTime() - t0) / 1_000_000 / requests.size();
        List<TensorData> latents = null;
        long diffusionMsEach = 0;
        if (residual != null) {
            // fused: the batch's residual diffusion in one model call too
            long t1 = System.nanoTime();
            List<Integer> steps = new ArrayList<>(runnable.size());
            for (int i : runnable) {
                steps.add(diffusionSteps(batch.get(i).value().getRequest()));
            }
            latents = residual.finalLatents(ar, steps);
            diffusionMsEach = (System.nanoTime() - t1) / 1_000_000 / runnable.size();
        }
        for (int k = 0; k < runnable.size(); k++) {
            int i = runnable.get(k);
            StageInput<GenerationRequest> input = batch.get(i);
            try {
                RequestInfo request = StageTimings.with(input.value().getRequest(), STAGE, arMsEach);
                String key = request.getRequestId();
                if (latents == null) {
                    results.set(i, ProcessResult.success(new OutputRecord<>(Topics.AR_OUTPUT, key,
                            codec.encode(request, model.checkpointId(), ar.get(k), diffusionSteps(request)))));
                } else {
                    request = StageTimings.with(request, ResidualModel.STAGE, diffusionMsEach);
                    results.set(i, ProcessResult.success(new OutputRecord<>(Topics.LATENTS, key,
                            LatentRecord.of(request, model.checkpointId(), latents.get(k)))));
                }
            } catch (RuntimeException e) {
                results.set(i, ProcessResult.failure(e));
            }
        }
        return results;
    }

    private int diffusionSteps(RequestInfo request) {
        Integer asked = request.getNumDiffusionSteps();
        return asked == null ? model.defaultDiffusionSteps() : asked;
    }
}
