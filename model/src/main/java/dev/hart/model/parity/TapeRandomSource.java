package dev.hart.model.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.RandomSource;

/** Replays the random draws a parity case recorded from the reference, checking kind and shape. */
public final class TapeRandomSource implements RandomSource {

    private final CaseContext ctx;

    public TapeRandomSource(CaseContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public NDArray randn(NDManager manager, Shape shape) {
        return checked(ctx.nextDraw(null), shape, "randn");
    }

    @Override
    public NDArray exponential(NDManager manager, Shape shape) {
        return checked(ctx.nextDraw("exponential"), shape, "exponential");
    }

    private NDArray checked(NDArray draw, Shape shape, String kind) {
        if (!draw.getShape().equals(shape)) {
            throw new IllegalStateException("recorded " + kind + " draw has shape " + draw.getShape()
                    + " but the model asked for " + shape);
        }
        return draw;
    }
}
