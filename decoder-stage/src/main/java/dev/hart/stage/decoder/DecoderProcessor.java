package dev.hart.stage.decoder;

import dev.hart.stage.common.StageTimings;
import dev.hart.model.inference.ImageDecoder;
import dev.hart.model.inference.TensorData;
import dev.hart.runtime.pipeline.CheckpointMismatchException;
import dev.hart.schemas.Topics;
import dev.hart.runtime.stage.BatchProcessor;
import dev.hart.runtime.stage.OutputRecord;
import dev.hart.runtime.stage.ProcessResult;
import dev.hart.runtime.stage.StageInput;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.Latent;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.tensor.Tensors;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoder stage's model call: {@code hart.latents} -> pixels -> PNG -> {@link ImageSink} -> {@code hart.images}.
 * The sink is flushed before the batch's results are handed back (and so before the Kafka commit): an image on the
 * topic is always durable in the sink.
 */
public final class DecoderProcessor implements BatchProcessor<Latent, GeneratedImage> {
    public static final String STAGE = "decoder";

    private final LatentDecoder decoder;
    private final ImageSink sink;
    private final boolean inlinePng;

    public DecoderProcessor(LatentDecoder decoder, ImageSink sink, boolean inlinePng) {
        this.decoder = decoder;
        this.sink = sink;
        this.inlinePng = inlinePng;
    }

    @Override
    public List<ProcessResult<GeneratedImage>> process(List<StageInput<Latent>> batch) throws IOException {
        List<ProcessResult<GeneratedImage>> results = new ArrayList<>(batch.size());
        // the valid latents, grouped by shape: one decoder call per shape (normally one for the whole batch)
        Map<String, List<Integer>> byShape = new LinkedHashMap<>();
        List<TensorData> latents = new ArrayList<>(batch.size());
        for (StageInput<Latent> input : batch) {
            results.add(null);
            latents.add(null);
            int i = results.size() - 1;
            try {
                TensorData fHat = read(input.value());
                latents.set(i, fHat);
                byShape.computeIfAbsent(Arrays.toString(fHat.shape()), k -> new ArrayList<>()).add(i);
            } catch (RuntimeException e) {
                results.set(i, ProcessResult.failure(e));
            }
        }
        for (List<Integer> group : byShape.values()) {
            long t0 = System.nanoTime();
            // if the call fails as a whole, the runner retries the inputs one by one
            List<TensorData> pixels = decoder.decodePixels(group.stream().map(latents::get).toList());
            long decodeMsEach = (System.nanoTime() - t0) / 1_000_000 / group.size();
            for (int k = 0; k < group.size(); k++) {
                int i = group.get(k);
                try {
                    GeneratedImage image = write(batch.get(i).value(), pixels.get(k), decodeMsEach);
                    results.set(i, ProcessResult.success(new OutputRecord<>(Topics.IMAGES, batch.get(i).key(), image)));
                } catch (RuntimeException e) {
                    results.set(i, ProcessResult.failure(e));
                } catch (IOException e) {
                    results.set(i, ProcessResult.failure(new UncheckedIOException("image sink failed: " + e.getMessage(), e)));
                }
            }
        }
        sink.flush();
        return results;
    }

    /** Checks the checkpoint and the declared shape (before allocating anything for it), then reads the latent. */
    private TensorData read(Latent latent) {
        RequestInfo request = latent.getRequest();
        CheckpointMismatchException.check(STAGE, request.getRequestId(), latent.getCheckpointId(), decoder.checkpointId());
        long[] shape = Tensors.shape(latent.getFHat());
        decoder.checkLatentShape(shape);
        return new TensorData(shape, Tensors.toFloats(latent.getFHat()));
    }

    /** One decoded image: PNG, sink, output record. */
    private GeneratedImage write(Latent latent, TensorData pixels, long decodeMs) throws IOException {
        RequestInfo request = latent.getRequest();
        long t1 = System.nanoTime();
        BufferedImage img = ImageDecoder.toImage(pixels);
        byte[] png = ImageDecoder.png(img);
        String sha = Pngs.sha256(png);
        Map<String, Long> timings = StageTimings.copyOf(request);
        timings.put(STAGE, decodeMs + (System.nanoTime() - t1) / 1_000_000);
        ImageRecord record = new ImageRecord(request, decoder.checkpointId(), png, img.getWidth(), img.getHeight(), sha,
                timings);
        long t2 = System.nanoTime();
        String uri = sink.write(record);
        long now = System.currentTimeMillis();
        timings.put("sink", (System.nanoTime() - t2) / 1_000_000);
        if (request.getSubmittedAtMs() > 0) {
            timings.put("endToEnd", now - request.getSubmittedAtMs());
        }
        return GeneratedImage.newBuilder()
                .setRequest(request)
                .setCheckpointId(decoder.checkpointId())
                .setImageUri(uri)
                .setPng(inlinePng ? ByteBuffer.wrap(png) : null)
                .setWidth(img.getWidth())
                .setHeight(img.getHeight())
                .setSha256(sha)
                .setStageTimingsMs(timings)
                .setCompletedAtMs(now)
                .build();
    }

    @Override
    public void close() throws IOException {
        sink.close();
    }
}
