package dev.hart.stage.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebDatasetSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shardsHoldPngTxtJsonPerKeyAndStatsFiles(@TempDir Path dir) throws Exception {
        try (WebDatasetSink sink = new WebDatasetSink(dir, 3)) {
            for (int i = 0; i < 7; i++) {
                String uri = sink.write(SinkFixtures.image("job", "req-" + i, i * 30));
                assertThat(uri).endsWith("#req-" + i + ".png");
            }
        }
        // 7 images, 3 per shard: two full shards and one finished on close
        assertThat(dir.resolve("00000.tar")).exists();
        assertThat(dir.resolve("00001.tar")).exists();
        assertThat(dir.resolve("00002.tar")).exists();
        assertThat(dir.resolve("00003.tar")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial"))).isEmpty();
        }
        List<TarFormat.Member> members = TarFormat.read(dir.resolve("00000.tar"));
        assertThat(members).extracting(TarFormat.Member::name).containsExactly(
                "req-0.png", "req-0.txt", "req-0.json", "req-1.png", "req-1.txt", "req-1.json",
                "req-2.png", "req-2.txt", "req-2.json");
        byte[] png = TarFormat.readData(dir.resolve("00000.tar"), members.get(3));
        assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(8);
        assertThat(new String(TarFormat.readData(dir.resolve("00000.tar"), members.get(4)), StandardCharsets.UTF_8))
                .isEqualTo("a shade 30");
        JsonNode meta = JSON.readTree(TarFormat.readData(dir.resolve("00000.tar"), members.get(5)));
        assertThat(meta.path("key").asText()).isEqualTo("req-1");
        assertThat(meta.path("seed").asLong()).isEqualTo(30);
        JsonNode stats = JSON.readTree(dir.resolve("00002_stats.json").toFile());
        assertThat(stats.path("count").asInt()).isEqualTo(1);
        assertThat(stats.path("successes").asInt()).isEqualTo(1);
        List<DatasetParquet.Row> rows = DatasetParquet.read(dir.resolve("00001.parquet"));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).prompt()).isEqualTo("a shade 90");
        assertThat(rows.get(0).status()).isEqualTo("success");
        assertThat(rows.get(0).sha256()).hasSize(64);
        assertThat(rows.get(0).width()).isPositive();
        // the archive ends with the two zero blocks a tar reader expects
        long size = Files.size(dir.resolve("00000.tar"));
        assertThat(size % 512).isZero();
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("00000.tar").toFile(), "r")) {
            byte[] tail = new byte[1024];
            f.seek(size - 1024);
            f.readFully(tail);
            assertThat(tail).containsOnly((byte) 0);
        }
    }

    @Test
    void systemTarListsTheShard(@TempDir Path dir) throws Exception {
        try (WebDatasetSink sink = new WebDatasetSink(dir, 10)) {
            sink.write(SinkFixtures.image("job", "a", 1));
            sink.write(SinkFixtures.image("job", "b", 2));
        }
        Path tarBin = Path.of("/usr/bin/tar");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(tarBin), "no tar binary");
        Process p = new ProcessBuilder(tarBin.toString(), "-tf", dir.resolve("00000.tar").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.lines()).containsExactly("a.png", "a.txt", "a.json", "b.png", "b.txt", "b.json");
    }

    @Test
    void retriedKeysAreNotWrittenTwice(@TempDir Path dir) throws Exception {
        String first;
        try (WebDatasetSink sink = new WebDatasetSink(dir, 2)) {
            first = sink.write(SinkFixtures.image("job", "k1", 1));
            assertThat(sink.write(SinkFixtures.image("job", "k1", 1))).isEqualTo(first); // retry in the open shard
            sink.write(SinkFixtures.image("job", "k2", 2)); // fills shard 0
            assertThat(sink.write(SinkFixtures.image("job", "k1", 1))).isEqualTo(first); // retry after it finished
        }
        try (WebDatasetSink reopened = new WebDatasetSink(dir, 2)) {
            assertThat(reopened.write(SinkFixtures.image("job", "k2", 2))).contains("00000.tar#k2.png");
        }
        assertThat(TarFormat.read(dir.resolve("00000.tar"))).hasSize(6);
        assertThat(dir.resolve("00001.tar")).doesNotExist();
    }

    @Test
    void crashedWritersPartialShardIsSalvagedWithoutTheTornSample(@TempDir Path dir) throws Exception {
        // a writer that dies mid-shard: simulate by copying its flushed partial file, then tearing the last member
        Path partial;
        try (WebDatasetSink sink = new WebDatasetSink(dir, 100)) {
            sink.write(SinkFixtures.image("job", "s1", 1));
            sink.write(SinkFixtures.image("job", "s2", 2));
            sink.write(SinkFixtures.image("job", "s3", 3));
            sink.flush();
            partial = dir.resolve("00000.tar.partial");
            Files.copy(partial, dir.resolve("00007.tar.partial.copy"));
        }
        Files.delete(dir.resolve("00000.tar"));
        Files.delete(dir.resolve("00000_stats.json"));
        Files.delete(dir.resolve("00000.parquet"));
        Path crashed = dir.resolve("00007.tar.partial");
        Files.move(dir.resolve("00007.tar.partial.copy"), crashed);
        long size = Files.size(crashed);
        try (RandomAccessFile f = new RandomAccessFile(crashed.toFile(), "rw")) {
            f.setLength(size - 700); // tears s3.json
        }
        try (WebDatasetSink next = new WebDatasetSink(dir, 100)) {
            assertThat(crashed).doesNotExist();
            assertThat(TarFormat.read(dir.resolve("00007.tar"))).extracting(TarFormat.Member::name)
                    .containsExactly("s1.png", "s1.txt", "s1.json", "s2.png", "s2.txt", "s2.json");
            assertThat(JSON.readTree(dir.resolve("00007_stats.json").toFile()).path("count").asInt()).isEqualTo(2);
            // the torn sample is simply written again by the stage's retry; the salvaged ones are de-duplicated
            assertThat(next.write(SinkFixtures.image("job", "s2", 2))).contains("00007.tar#s2.png");
            assertThat(next.write(SinkFixtures.image("job", "s3", 3))).contains("00008.tar#s3.png");
        }
    }

    @Test
    void twoWritersInOneFolderUseDifferentShards(@TempDir Path dir) throws Exception {
        try (WebDatasetSink a = new WebDatasetSink(dir, 10); WebDatasetSink b = new WebDatasetSink(dir, 10)) {
            String ua = a.write(SinkFixtures.image("job", "a", 1));
            String ub = b.write(SinkFixtures.image("job", "b", 2));
            assertThat(ua).contains("00000.tar#a.png");
            assertThat(ub).contains("00001.tar#b.png");
        }
        assertThat(TarFormat.read(dir.resolve("00000.tar"))).hasSize(3);
        assertThat(TarFormat.read(dir.resolve("00001.tar"))).hasSize(3);
    }
}
