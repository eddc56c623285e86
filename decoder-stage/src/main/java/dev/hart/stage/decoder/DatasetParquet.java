package dev.hart.stage.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-sample metadata table img2dataset writes next to each shard ({@code NNNNN.parquet}), one row per sample:
 * key, prompt, seed, cfg, checkpoint id, width, height, sha256, status ({@code success} / {@code failed}) and error.
 * Written with parquet-avro (snappy) to a temporary file and renamed into place, so a reader never sees half a file.
 */
public final class DatasetParquet {
    public static final Schema SCHEMA = SchemaBuilder.record("Sample").namespace("dev.hart.dataset").fields()
            .requiredString("key")
            .optionalString("prompt")
            .optionalLong("seed")
            .optionalFloat("cfg")
            .optionalString("checkpoint_id")
            .optionalInt("width")
            .optionalInt("height")
            .optionalString("sha256")
            .requiredString("status")
            .optionalString("error")
            .endRecord();

    /** One sample; null fields are unknown (a failed request has no image). */
    public record Row(String key, String prompt, Long seed, Float cfg, String checkpointId, Integer width,
                      Integer height, String sha256, String status, String error) {

        /** A written image's row, from the metadata JSON the sinks store next to it ({@link ImageMetadata}). */
        public static Row success(String key, JsonNode meta) {
            return new Row(key, meta.path("prompt").asText(null), meta.hasNonNull("seed") ? meta.get("seed").asLong() : null,
                    meta.path("parameters").hasNonNull("cfg") ? (float) meta.path("parameters").get("cfg").asDouble() : null,
                    meta.path("checkpoint").asText(null), meta.hasNonNull("width") ? meta.get("width").asInt() : null,
                    meta.hasNonNull("height") ? meta.get("height").asInt() : null, meta.path("sha256").asText(null),
                    "success", null);
        }
    }

    private DatasetParquet() {
    }

    public static void write(Path file, List<Row> rows) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(tmp))
                .withSchema(SCHEMA).withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (Row r : rows) {
                GenericRecord g = new GenericData.Record(SCHEMA);
                g.put("key", r.key());
                g.put("prompt", r.prompt());
                g.put("seed", r.seed());
                g.put("cfg", r.cfg());
                g.put("checkpoint_id", r.checkpointId());
                g.put("width", r.width());
                g.put("height", r.height());
                g.put("sha256", r.sha256());
                g.put("status", r.status());
                g.put("error", r.error());
                w.write(g);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
                .withConf(new PlainParquetConfiguration()).build()) {
            for (GenericRecord g = r.read(); g != null; g = r.read()) {
                rows.add(new Row(str(g, "key"), str(g, "prompt"), (Long) g.get("seed"), (Float) g.get("cfg"),
                        str(g, "checkpoint_id"), (Integer) g.get("width"), (Integer) g.get("height"), str(g, "sha256"),
                        str(g, "status"), str(g, "error")));
            }
        }
        return rows;
    }

    private static String str(GenericRecord g, String field) {
        Object v = g.get(field);
        return v == null ? null : v.toString();
    }
}
