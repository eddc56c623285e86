package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.ArrayList;
import java.util.List;

/**
 * What the text condition contributes to every scale of one generation: the AdaLN terms of each block and of the
 * head, each [N, 1, C]. Built once by {@link HartTransformer#condition}.
 */
public record Conditioning(List<AdaLnModulation> blocks, NDList head) {

    /** The rows of {@code first} followed by {@code second}'s single row repeated {@code secondRows} times. */
    static Conditioning join(Conditioning first, Conditioning second, long secondRows) {
        List<AdaLnModulation> blocks = new ArrayList<>(first.blocks.size());
        for (int j = 0; j < first.blocks.size(); j++) {
            AdaLnModulation a = first.blocks.get(j);
            AdaLnModulation b = second.blocks.get(j);
            blocks.add(new AdaLnModulation(rows(a.gamma1(), b.gamma1(), secondRows), rows(a.gamma2(), b.gamma2(), secondRows),
                    rows(a.scale1Plus1(), b.scale1Plus1(), secondRows), rows(a.scale2Plus1(), b.scale2Plus1(), secondRows),
                    rows(a.shift1(), b.shift1(), secondRows), rows(a.shift2(), b.shift2(), secondRows)));
        }
        return new Conditioning(List.copyOf(blocks), new NDList(rows(first.head.get(0), second.head.get(0), secondRows),
                rows(first.head.get(1), second.head.get(1), secondRows)));
    }

    private static NDArray rows(NDArray first, NDArray oneRow, long n) {
        return NDArrayConcat.withRepeatedRow(first, oneRow, n);
    }
}
