package dev.hart.cli.generate;

import dev.hart.runtime.broker.EmbeddedKafka;
import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.schemas.Topics;
import dev.hart.runtime.registry.EmbeddedSchemaRegistry;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A fresh embedded broker + registry with the pipeline topics, and the in-process reference model. */
final class PipelineHarness implements AutoCloseable {
    final EmbeddedKafka kafka;
    final EmbeddedSchemaRegistry registry;
    final PipelineSerdes serdes;

    PipelineHarness(int partitions) {
        kafka = new EmbeddedKafka().start();
        try {
            try (var admin = kafka.admin()) {
                dev.hart.runtime.kafka.TopicDefinitions.createAll(admin, partitions, java.util.Optional.of((short) 1));
            }
            registry = new EmbeddedSchemaRegistry(kafka.bootstrapServers()).start();
            serdes = PipelineSerdes.forRegistry(registry.url());
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    static Path tinyCheckpoint() {
        URL url = PipelineHarness.class.getResource("/checkpoints/tiny-a/llm/config.json");
        if (url == null) {
            throw new IllegalStateException("test checkpoint tiny-a missing from test resources");
        }
        try {
            return Path.of(url.toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> prompts(int n) {
        String[] colours = {"red", "green", "blue", "yellow", "purple"};
        String[] shapes = {"circle", "square", "triangle", "star"};
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> "a " + colours[i % colours.length] + " " + shapes[(i / 2) % shapes.length]
                        + " on a " + colours[(i + 2) % colours.length] + " background")
                .toList();
    }

    /** The last-scale token indices on hart.ar-output, by request id. */
    Map<String, long[]> lastScaleTokens(java.util.Set<String> ids) {
        Map<String, long[]> out = new java.util.HashMap<>();
        var d = serdes.deserializer(dev.hart.schemas.avro.ArOutput.class);
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(Map.<String, Object>of(
                "bootstrap.servers", bootstrap(), "isolation.level", "read_committed",
                "max.partition.fetch.bytes", 64 * 1024 * 1024),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var parts = c.partitionsFor(Topics.AR_OUTPUT).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (out.size() < ids.size() && System.nanoTime() < deadline) {
                for (var r : c.poll(java.time.Duration.ofMillis(200))) {
                    var v = d.deserialize(r.topic(), r.value());
                    if (ids.contains(v.getRequest().getRequestId()) && v.getLastScaleIndices() != null) {
                        out.put(v.getRequest().getRequestId(), dev.hart.schemas.tensor.Tensors.toLongs(v.getLastScaleIndices()));
                    }
                }
            }
        }
        return out;
    }

    static BufferedImage readPng(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException("not a PNG: " + file);
        }
        return img;
    }

    /** Largest per-channel difference of two same-size RGB images. */
    static int maxPixelDiff(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return Integer.MAX_VALUE;
        }
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) {
                    max = Math.max(max, Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff)));
                }
            }
        }
        return max;
    }

    Map<String, Object> clientProps() {
        return Map.of();
    }

    @Override
    public void close() {
        registry.close();
        kafka.close();
    }
}
