package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.List;

/**
 * What the text condition contributes to every stage of one generation: {@code cond_BD} [N, T, C], the
 * AdaLN terms of each block and of the head. Built once by {@link HartTransformer#condition}.
 */
public record Conditioning(NDArray condBD, List<AdaLnModulation> blocks, NDList head) {
}
