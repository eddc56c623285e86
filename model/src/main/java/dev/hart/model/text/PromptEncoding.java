package dev.hart.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * HART's text conditioning for a batch of prompts, in plain Java arrays (row-major) so it can be
 * serialized as is: {@code context} [batch, length, hidden] float32 (the text model's last hidden
 * states at the prompt positions), and per token [batch, length]: the prompt's token ids, HART's
 * {@code context_mask} ({@code ids != pad}, 1/0) and {@code context_position_ids}
 * ({@code cumsum(mask) - 1}).
 */
public record PromptEncoding(int batch, int length, int hidden, float[] context, long[] tokens, long[] mask,
                             long[] positionIds) {

    public PromptEncoding {
        long tokensPerBatch = (long) batch * length;
        if (context.length != tokensPerBatch * hidden || tokens.length != tokensPerBatch
                || mask.length != tokensPerBatch || positionIds.length != tokensPerBatch) {
            throw new IllegalArgumentException("prompt encoding arrays do not match shape [" + batch + ", " + length + ", " + hidden + "]");
        }
    }

    /** context as a FLOAT32 NDArray [batch, length, hidden] in {@code manager}. */
    public NDArray contextArray(NDManager manager) {
        return manager.create(context, new Shape(batch, length, hidden));
    }

    /** context_mask as a BOOLEAN NDArray [batch, length] in {@code manager}. */
    public NDArray maskArray(NDManager manager) {
        boolean[] b = new boolean[mask.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = mask[i] != 0;
        }
        return manager.create(b, new Shape(batch, length));
    }

    /** context_position_ids as an INT64 NDArray [batch, length] in {@code manager}. */
    public NDArray positionIdsArray(NDManager manager) {
        return manager.create(positionIds, new Shape(batch, length));
    }

    /** The rows of one prompt of the batch as a batch of one. */
    public PromptEncoding row(int i) {
        if (i < 0 || i >= batch) {
            throw new IndexOutOfBoundsException("row " + i + " of a batch of " + batch);
        }
        int t = length;
        return new PromptEncoding(1, t, hidden,
                Arrays.copyOfRange(context, i * t * hidden, (i + 1) * t * hidden),
                Arrays.copyOfRange(tokens, i * t, (i + 1) * t),
                Arrays.copyOfRange(mask, i * t, (i + 1) * t),
                Arrays.copyOfRange(positionIds, i * t, (i + 1) * t));
    }
}
