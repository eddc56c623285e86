package dev.hart.ingest;

import dev.hart.schemas.avro.PromptEvent;

import java.util.Optional;

/** Checks one prompt event against the {@link PromptRules}; the first problem found is the rejection reason. */
public final class PromptValidator {
    private final PromptRules rules;

    public PromptValidator(PromptRules rules) {
        this.rules = rules;
    }

    public Optional<Rejection> validate(PromptEvent e, String requestId) {
        String prompt = e.getPrompt() == null ? "" : e.getPrompt().toString().strip();
        if (prompt.isEmpty()) {
            return reject("empty prompt");
        }
        int chars = prompt.codePointCount(0, prompt.length());
        long garbled = prompt.codePoints().filter(c -> c == 0xFFFD || (Character.isISOControl(c) && c != '\t')).count();
        if (garbled * 2 > chars) {
            // Avro decodes invalid UTF-8 to U+FFFD: such a prompt is bytes that were never text
            return Optional.of(new Rejection(Rejection.UNDECODABLE, "prompt is not text: " + garbled + " of " + chars
                    + " characters are replacement (invalid UTF-8) or control characters"));
        }
        if (chars > rules.maxPromptChars()) {
            return reject("prompt too long: " + chars + " characters, limit " + rules.maxPromptChars());
        }
        if (requestId.length() > rules.maxIdChars()) {
            return reject("request id too long: " + requestId.length() + " characters, limit " + rules.maxIdChars());
        }
        if (e.getJobId() != null && e.getJobId().length() > rules.maxIdChars()) {
            return reject("job id too long: " + e.getJobId().length() + " characters, limit " + rules.maxIdChars());
        }
        Float cfg = e.getCfg();
        if (cfg != null && !(cfg >= rules.cfgMin() && cfg <= rules.cfgMax())) {
            return reject("cfg " + cfg + " out of range [" + rules.cfgMin() + ", " + rules.cfgMax() + "]");
        }
        Integer topK = e.getTopK();
        if (topK != null && (topK < 0 || topK > rules.vocabSize())) {
            return reject("topK " + topK + " out of range [0, " + rules.vocabSize() + "] (vocabulary size)");
        }
        Float topP = e.getTopP();
        if (topP != null && !(topP >= 0f && topP <= 1f)) {
            return reject("topP " + topP + " out of range [0, 1]");
        }
        int n = e.getNumImages();
        if (n < 1 || n > rules.maxNumImages()) {
            return reject("numImages " + n + " out of range [1, " + rules.maxNumImages() + "]");
        }
        Integer steps = e.getNumDiffusionSteps();
        if (steps != null && (steps < rules.minDiffusionSteps() || steps > rules.maxDiffusionSteps())) {
            return reject("numDiffusionSteps " + steps + " out of range [" + rules.minDiffusionSteps() + ", "
                    + rules.maxDiffusionSteps() + "]");
        }
        if (e.getCheckpointId() != null && !rules.checkpoints().contains(e.getCheckpointId().toString())) {
            return reject("unknown checkpoint '" + e.getCheckpointId() + "' (known: "
                    + String.join(", ", rules.checkpoints().stream().sorted().toList()) + ")");
        }
        if (e.getSeed() != null && e.getSeed() > Long.MAX_VALUE - n) {
            return reject("seed " + e.getSeed() + " too large: seed + numImages - 1 must fit in a long");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> reject(String reason) {
        return Optional.of(Rejection.invalid(reason));
    }
}
