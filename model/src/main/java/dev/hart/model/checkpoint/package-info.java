/**
 * Checkpoint access: the {@code llm/} + {@code tokenizer/} folder layout
 * ({@link dev.hart.model.checkpoint.HartCheckpointDir}), PyTorch {@code .bin} state dicts without Python
 * ({@link dev.hart.model.checkpoint.TorchBinWeights}), the expected tensor layout
 * ({@link dev.hart.model.checkpoint.HartLayout}) and seeded random weights for any config
 * ({@link dev.hart.model.checkpoint.RandomWeights}).
 */
package dev.hart.model.checkpoint;
