package dev.hart.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads {@code torchbin/tiny_state_dict.bin}, a file in torch.save's zip + pickle-protocol-2 layout written
 * without torch by {@code src/test/resources/torchbin/make_fixture.py} (which documents every value).
 */
class TorchBinWeightsTest {

    private static final Path FIXTURE = Path.of("src/test/resources/torchbin/tiny_state_dict.bin");

    @Test
    void readsNamesShapesAndValuesOfEveryDtype() {
        try (TorchBinWeights w = TorchBinWeights.open(FIXTURE); NDManager m = NDManager.newBaseManager()) {
            assertThat(w.names()).containsExactly("layer.weight", "layer.weight_t", "layer.bias", "half", "bf16", "ids", "scalar");
            assertThat(w.shape("layer.weight")).containsExactly(3, 4);
            NDArray weight = w.load(m, "layer.weight", 3, 4);
            assertThat(weight.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(weight.toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
            // a transposed (strided) view of the same storage is gathered into row-major order
            assertThat(w.load(m, "layer.weight_t").toFloatArray()).containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
            assertThat(w.load(m, "layer.bias").toFloatArray()).containsExactly(8, 9, 10, 11);
            assertThat(w.load(m, "half").toFloatArray()).containsExactly(1.5f, -2.0f, 0.25f, 65504f);
            assertThat(w.load(m, "bf16").toFloatArray()).containsExactly(3.0f, -0.5f);
            NDArray ids = w.load(m, "ids");
            assertThat(ids.getDataType()).isEqualTo(DataType.INT64);
            assertThat(ids.toLongArray()).containsExactly(7, -1, 1L << 40);
            NDArray scalar = w.load(m, "scalar");
            assertThat(scalar.getShape().dimension()).isZero();
            assertThat(scalar.getFloat()).isEqualTo(5.0f);
        }
    }

    @Test
    void shapeMismatchNamesTheTensor() {
        try (TorchBinWeights w = TorchBinWeights.open(FIXTURE); NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> w.load(m, "layer.weight", 4, 3))
                    .hasMessageContaining("layer.weight").hasMessageContaining("[3, 4]").hasMessageContaining("[4, 3]");
            assertThatThrownBy(() -> w.load(m, "nope", 1)).hasMessageContaining("missing tensor 'nope'");
        }
    }

    @Test
    void servesAsAFolderWeightFile(@TempDir Path dir) throws Exception {
        Files.copy(FIXTURE, dir.resolve("pytorch_model.bin"));
        var w = HartCheckpointDir.openFolder(dir);
        try {
            assertThat(w.shape("half")).containsExactly(2, 2);
        } finally {
            ((AutoCloseable) w).close();
        }
    }

    @Test
    void rejectsFilesThatAreNotTorchZipArchives(@TempDir Path dir) throws Exception {
        Path notZip = dir.resolve("a.bin");
        Files.writeString(notZip, "hello");
        assertThatThrownBy(() -> TorchBinWeights.open(notZip)).hasMessageContaining("not a zip archive");

        Path noPickle = dir.resolve("b.bin");
        Files.write(noPickle, zipOf("archive/version", "3\n".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> TorchBinWeights.open(noPickle)).hasMessageContaining("data.pkl");

        // a pickle that calls an arbitrary global must be refused, never executed
        byte[] evil = "\u0080\u0002cos\nsystem\nX\u0002\u0000\u0000\u0000ls\u0085R.".getBytes(StandardCharsets.ISO_8859_1);
        Path evilFile = dir.resolve("c.bin");
        Files.write(evilFile, zipOf("archive/data.pkl", evil));
        assertThatThrownBy(() -> TorchBinWeights.open(evilFile)).hasMessageContaining("refusing to call unknown global 'os.system'");
    }

    private static byte[] zipOf(String name, byte[] content) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return bytes.toByteArray();
    }
}
