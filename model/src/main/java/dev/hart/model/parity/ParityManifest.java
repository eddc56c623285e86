package dev.hart.model.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hart.model.io.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A directory of parity vectors: {@code manifest.json}, {@code cases/}, {@code models/}. */
public final class ParityManifest {

    private final Path dir;
    private final JsonNode root;
    private final List<ParityCase> cases;

    private ParityManifest(Path dir, JsonNode root, List<ParityCase> cases) {
        this.dir = dir;
        this.root = root;
        this.cases = cases;
    }

    public static ParityManifest load(Path dir) {
        Path manifest = dir.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalArgumentException("no manifest.json in " + dir.toAbsolutePath());
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifest.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + manifest, e);
        }
        List<ParityCase> cases = new ArrayList<>();
        for (JsonNode c : root.path("cases")) {
            cases.add(parseCase(dir, c));
        }
        return new ParityManifest(dir, root, Collections.unmodifiableList(cases));
    }

    private static ParityCase parseCase(Path dir, JsonNode c) {
        Map<String, String> inputs = new LinkedHashMap<>();
        c.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), e.getValue().path("tensor").asText()));
        Map<String, ExpectedOutput> outputs = new LinkedHashMap<>();
        c.path("outputs").fields().forEachRemaining(e -> {
            JsonNode o = e.getValue();
            outputs.put(e.getKey(), new ExpectedOutput(e.getKey(), o.path("tensor").asText(),
                    DType.parse(o.path("dtype").asText()), longs(o.path("shape")),
                    o.path("atol").asDouble(0.0), o.path("rtol").asDouble(0.0)));
        });
        List<ParityCase.RngDraw> tape = new ArrayList<>();
        for (JsonNode r : c.path("rng_tape")) {
            tape.add(new ParityCase.RngDraw(r.path("name").asText(), r.path("kind").asText(), longs(r.path("shape"))));
        }
        return new ParityCase(c.path("name").asText(), c.path("kind").asText(), c.path("model").asText(),
                dir.resolve(c.path("file").asText()), c.path("description").asText(""), c.path("args"),
                Collections.unmodifiableMap(inputs), Collections.unmodifiableMap(outputs),
                Collections.unmodifiableList(tape), c);
    }

    private static long[] longs(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asLong();
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    public JsonNode root() {
        return root;
    }

    public List<ParityCase> cases() {
        return cases;
    }

    /** The manifest's description of a named model ({@code models.<name>}); missing node if absent. */
    public JsonNode model(String name) {
        return root.path("models").path(name);
    }
}
