package dev.hart.model.sampling;

/** How one batch row is sampled at one scale: the resolved top-k, top-p and whether to gumbel-smooth. */
public record RowSampling(int topK, double topP, boolean moreSmooth) {
}
