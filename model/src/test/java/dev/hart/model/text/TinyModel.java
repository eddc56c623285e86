package dev.hart.model.text;

import java.nio.file.Path;

/** The tiny Qwen2 checkpoint of the text parity vectors (copied into the test resources). */
final class TinyModel {

    static final Path DIR = Path.of("src/test/resources/parity-text/models/qwen2-tiny-a");
    static final Path MANIFEST = Path.of("src/test/resources/parity-text/manifest.json");
    static final long PAD = 645;

    private TinyModel() {
    }
}
