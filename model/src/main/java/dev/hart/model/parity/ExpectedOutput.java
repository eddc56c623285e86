package dev.hart.model.parity;

import dev.hart.model.io.DType;

/** One output a parity case must reproduce: where it is stored, its shape and its tolerance. */
public record ExpectedOutput(String name, String tensor, DType dtype, long[] shape, double atol, double rtol) {

    /** Integer outputs must match exactly (manifest convention). */
    public boolean exact() {
        return !dtype.isFloat();
    }
}
