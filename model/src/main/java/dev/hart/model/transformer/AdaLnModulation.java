package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;

/**
 * One block's AdaLN terms for a batch, each [N, 1, C]. Computed once per generation (the condition does
 * not change across scales) and reused by every scale.
 */
public record AdaLnModulation(NDArray gamma1, NDArray gamma2, NDArray scale1Plus1, NDArray scale2Plus1,
                              NDArray shift1, NDArray shift2) {
}
