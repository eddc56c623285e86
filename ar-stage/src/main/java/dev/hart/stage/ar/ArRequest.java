package dev.hart.stage.ar;

import dev.hart.model.inference.SamplingParams;
import dev.hart.schemas.avro.RequestInfo;

/** What the transformer needs of one request: the prompt, whether to prefix the system prompt, and its sampling. */
public record ArRequest(String prompt, boolean useSystemPrompt, SamplingParams params) {

    /** The request's own settings; a null top-k means the reference schedule (0). */
    public static ArRequest of(RequestInfo r) {
        Integer topK = r.getTopK();
        SamplingParams params = new SamplingParams(r.getCfg(), topK == null ? 0 : topK, r.getTopP(),
                r.getMoreSmooth(), r.getSeed());
        return new ArRequest(r.getPrompt(), r.getUseSystemPrompt(), params);
    }
}
