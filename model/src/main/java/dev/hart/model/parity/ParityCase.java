package dev.hart.model.parity;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One case of a parity manifest: a call of the reference implementation with its recorded inputs
 * ({@code inputs}: input name -> tensor key in {@code file}) and expected outputs.
 */
public record ParityCase(
        String name,
        String kind,
        String model,
        Path file,
        String description,
        JsonNode args,
        Map<String, String> inputs,
        Map<String, ExpectedOutput> outputs,
        List<RngDraw> rngTape,
        JsonNode raw) {

    /** One random draw the reference made, in call order (kind: randn, randn_like, exponential). */
    public record RngDraw(String name, String kind, long[] shape) {
    }
}
