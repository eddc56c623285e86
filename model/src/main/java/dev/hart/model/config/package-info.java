/**
 * Model configuration: {@code llm/config.json} ({@link dev.hart.model.config.HartConfig}),
 * {@code tokenizer/config.json} ({@link dev.hart.model.config.TokenizerConfig}) and configs known by name
 * ({@link dev.hart.model.config.NamedConfigs}).
 */
package dev.hart.model.config;
