package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/** Concatenation of several arrays along one axis (DJL has it only on NDList). */
final class NDArrayConcat {

    private NDArrayConcat() {
    }

    static NDArray of(int axis, NDArray... parts) {
        return NDArrays.concat(new NDList(parts), axis);
    }

    /**
     * {@code first}'s rows followed by {@code oneRow} repeated {@code rows} times along axis 0, each of its size-1 axes
     * repeated to {@code first}'s size (the unconditional half of scale 0: one token standing for identical ones).
     */
    static NDArray withRepeatedRow(NDArray first, NDArray oneRow, long rows) {
        long[] shape = first.getShape().getShape().clone();
        shape[0] = rows;
        return first.concat(oneRow.broadcast(shape), 0);
    }
}
