package dev.hart.stage.common;

import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.TensorData;
import dev.hart.schemas.avro.ArOutput;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.avro.Tensor;
import dev.hart.schemas.avro.TensorDType;
import dev.hart.schemas.tensor.Tensors;

import java.util.List;

/**
 * Converts the transformer's {@link ArResult} to the {@code hart.ar-output} record and back. The float tensors go on
 * the wire as F32 or, to halve the heavy diffusion condition, F16.
 */
public final class ArOutputCodec {
    private final TensorDType wireType;

    public ArOutputCodec(TensorDType wireType) {
        if (wireType != TensorDType.F32 && wireType != TensorDType.F16) {
            throw new IllegalArgumentException("ar-output tensors travel as F32 or F16, not " + wireType);
        }
        this.wireType = wireType;
    }

    public TensorDType wireType() {
        return wireType;
    }

    public ArOutput encode(RequestInfo request, String checkpointId, ArResult ar, int steps) {
        TensorData z = ar.diffusionCondition();
        long rows = z.dim(0);
        long p2 = ar.finalTokens().dim(0);
        long halves = rows / p2;
        if (halves * p2 != rows || (halves != 1 && halves != 2)) {
            throw new IllegalArgumentException("diffusion condition " + z + " is not 1 or 2 halves of " + p2 + " rows");
        }
        List<long[]> indices = ar.indices();
        Tensor last = null;
        if (!indices.isEmpty()) {
            long[] idx = indices.get(indices.size() - 1);
            last = Tensors.ofLongs(idx, idx.length);
        }
        return ArOutput.newBuilder()
                .setRequest(request)
                .setCheckpointId(checkpointId)
                .setFHat(floats(ar.fHat(), ar.fHat().shape()))
                .setLastScaleEmbedding(floats(ar.finalTokens(), ar.finalTokens().shape()))
                .setLastScaleIndices(last)
                .setDiffusionCondition(floats(z, halves, p2, z.dim(1)))
                .setCfg((float) ar.diffusionCfg())
                .setNumDiffusionSteps(steps)
                .build();
    }

    /**
     * Checks the declared tensor shapes against the loaded checkpoint before any of them is read: f_hat
     * [Cvae, P, P], the last scale's embedding [P*P, Cvae], the diffusion condition [1 or 2, P*P, D].
     */
    public static void checkShapes(ArOutput out, int latentChannels, int latentSide) {
        long p2 = (long) latentSide * latentSide;
        expect("fHat", out.getFHat(), latentChannels, latentSide, latentSide);
        expect("lastScaleEmbedding", out.getLastScaleEmbedding(), p2, latentChannels);
        long[] z = shapeOf("diffusionCondition", out.getDiffusionCondition());
        if (z.length != 3 || (z[0] != 1 && z[0] != 2) || z[1] != p2 || z[2] < 1) {
            throw new IllegalArgumentException("diffusionCondition has shape " + java.util.Arrays.toString(z)
                    + "; this checkpoint expects [1 or 2, " + p2 + ", D]");
        }
    }

    private static void expect(String what, Tensor t, long... expected) {
        long[] shape = shapeOf(what, t);
        if (!java.util.Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(what + " has shape " + java.util.Arrays.toString(shape)
                    + "; this checkpoint expects " + java.util.Arrays.toString(expected));
        }
    }

    private static long[] shapeOf(String what, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException("record has no " + what + " tensor");
        }
        return Tensors.shape(t);
    }

    /** Back to an {@link ArResult}; only the last scale's indices travel, so {@code indices} holds just those. */
    public static ArResult decode(ArOutput out) {
        TensorData fHat = data(out.getFHat(), "fHat");
        TensorData tokens = data(out.getLastScaleEmbedding(), "lastScaleEmbedding");
        Tensor zt = out.getDiffusionCondition();
        long[] zs = Tensors.shape(zt);
        if (zs.length != 3) {
            throw new IllegalArgumentException("diffusionCondition must have shape [halves, P*P, C], got "
                    + java.util.Arrays.toString(zs));
        }
        TensorData z = new TensorData(new long[] {zs[0] * zs[1], zs[2]}, Tensors.toFloats(zt));
        List<long[]> indices = out.getLastScaleIndices() == null ? List.of()
                : List.of(Tensors.toLongs(out.getLastScaleIndices()));
        return new ArResult(fHat, tokens, z, indices, out.getCfg(), out.getRequest().getSeed());
    }

    private Tensor floats(TensorData t, long... shape) {
        return Tensors.ofFloats(t.data(), wireType, shape);
    }

    static TensorData data(Tensor t, String what) {
        if (t == null) {
            throw new IllegalArgumentException("record has no " + what + " tensor");
        }
        return new TensorData(Tensors.shape(t), Tensors.toFloats(t));
    }
}
