package dev.hart.stage.ar;

import java.util.List;

/** Turns prompts into the transformer's text conditioning; rows are independent of each other. */
public interface PromptEncoder extends AutoCloseable {

    /** Short description for logs and the CLI ("qwen2 at ...", "hashed words"). */
    String describe();

    PromptContext encode(List<String> prompts, boolean useSystemPrompt);

    @Override
    default void close() {
    }
}
