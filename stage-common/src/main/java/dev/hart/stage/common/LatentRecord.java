package dev.hart.stage.common;

import dev.hart.model.inference.TensorData;
import dev.hart.schemas.avro.Latent;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.tensor.Tensors;

/** Builds the {@code hart.latents} record, written by the diffusion stage and by the fused ar-stage. */
public final class LatentRecord {
    private LatentRecord() {
    }

    /** The latent record; f_hat is small and always travels as F32. */
    public static Latent of(RequestInfo request, String checkpointId, TensorData fHat) {
        return Latent.newBuilder()
                .setRequest(request)
                .setCheckpointId(checkpointId)
                .setFHat(Tensors.ofFloats(fHat.data(), fHat.shape()))
                .build();
    }
}
