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
}
