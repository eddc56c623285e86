package dev.hart.schemas.serde;

import dev.hart.schemas.avro.ArOutput;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.Latent;
import dev.hart.schemas.avro.PromptEvent;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.avro.TensorDType;
import dev.hart.schemas.tensor.Tensors;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/** Small but complete instances of every topic's record, for round-trip tests. */
final class SampleRecords {
    private SampleRecords() {
    }

    static RequestInfo request() {
        return RequestInfo.newBuilder()
                .setRequestId("req-1").setJobId("job-1").setPrompt("a red circle on a blue background")
                .setSeed(42L).setImageIndex(1).setNumImages(2).setCfg(4.5f).setTopK(600).setTopP(0f)
                .setMoreSmooth(true).setUseSystemPrompt(true).setNumDiffusionSteps(8)
                .setCheckpointId("demo-shapes-v1").setMetadata(Map.of("dataset", "shapes"))
                .setSubmittedAtMs(1_700_000_000_000L).setStageTimingsMs(Map.of("ingest", 3L, "ar", 120L))
                .build();
    }

    static PromptEvent promptEvent() {
        return PromptEvent.newBuilder().setPrompt("a green square").setNumImages(3).setCfg(3.0f).build();
    }

    static GenerationRequest generationRequest() {
        return GenerationRequest.newBuilder().setRequest(request()).setAcceptedAtMs(1_700_000_000_010L).build();
    }

    static ArOutput arOutput() {
        int cvae = 4;
        int side = 2;
        int width = 3;
        float[] fHat = new float[cvae * side * side];
        for (int i = 0; i < fHat.length; i++) {
            fHat[i] = i * 0.25f - 1f;
        }
        float[] cond = new float[2 * side * side * width];
        for (int i = 0; i < cond.length; i++) {
            cond[i] = (float) Math.sin(i);
        }
        return ArOutput.newBuilder()
                .setRequest(request()).setCheckpointId("demo-shapes-v1")
                .setFHat(Tensors.ofFloats(fHat, TensorDType.F16, cvae, side, side))
                .setLastScaleEmbedding(Tensors.ofFloats(new float[side * side * cvae], side * side, cvae))
                .setLastScaleIndices(Tensors.ofLongs(new long[] {1, 2, 3, 4095}, side * side))
                .setDiffusionCondition(Tensors.ofFloats(cond, TensorDType.BF16, 2, side * side, width))
                .setCfg(3.6f).setNumDiffusionSteps(8)
                .build();
    }

    static Latent latent() {
        return Latent.newBuilder().setRequest(request()).setCheckpointId("demo-shapes-v1")
                .setFHat(Tensors.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, TensorDType.F16, 2, 2, 2)).build();
    }

    static GeneratedImage generatedImage() {
        return GeneratedImage.newBuilder().setRequest(request()).setCheckpointId("demo-shapes-v1")
                .setImageUri("file:///out/00000.tar#req-1.png").setPng(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
                .setWidth(256).setHeight(256).setSha256("0123abcd").setStageTimingsMs(Map.of("decoder", 40L, "e2e", 300L))
                .setCompletedAtMs(1_700_000_000_300L).build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setOriginalKey(ByteBuffer.wrap(new byte[] {'k'})).setOriginalValue(null)
                .setSourceTopic("hart.requests").setSourcePartition(3).setSourceOffset(12345L).setStage("ar")
                .setErrorClass("CheckpointMismatch").setErrorMessage("record wants ckpt-b, stage loaded ckpt-a")
                .setAttemptCount(2).setTimestampMs(1_700_000_000_500L).setRequestId("req-1").build();
    }

    static JobProgress jobProgress() {
        return JobProgress.newBuilder().setJobId("job-1").setSubmitted(3).setRejected(1).setGenerated(2).setFailed(0)
                .setFirstEventAtMs(1000L).setLastEventAtMs(null).setRecentRejectReasons(List.of("empty prompt")).build();
    }
}
