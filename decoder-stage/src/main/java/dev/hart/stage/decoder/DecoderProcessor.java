package dev.hart.stage.decoder;

import dev.hart.model.pipeline.ImageDecoder;
import dev.hart.model.pipeline.TensorData;
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
import java.util.HashMap;
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
        for (StageInput<Latent> input : batch) {
            try {
                GeneratedImage image = apply(input.value());
                results.add(ProcessResult.success(new OutputRecord<>(Topics.IMAGES, input.key(), image)));
            } catch (RuntimeException e) {
                results.add(ProcessResult.failure(e));
            } catch (IOException e) {
                results.add(ProcessResult.failure(new UncheckedIOException("image sink failed: " + e.getMessage(), e)));
            }
        }
        sink.flush();
        return results;
    }

    /** One latent: checks the checkpoint, decodes, encodes the PNG, writes it to the sink. */
    public GeneratedImage apply(Latent latent) throws IOException {
        RequestInfo request = latent.getRequest();
        CheckpointMismatchException.check(STAGE, request.getRequestId(), latent.getCheckpointId(), decoder.checkpointId());
        long t0 = System.nanoTime();
        long[] shape = Tensors.shape(latent.getFHat());
        decoder.checkLatentShape(shape); // before allocating anything for it
        TensorData fHat = new TensorData(shape, Tensors.toFloats(latent.getFHat()));
        BufferedImage img = ImageDecoder.toImage(decoder.decodePixels(fHat));
        byte[] png = Pngs.encode(img);
        String sha = Pngs.sha256(png);
        long t1 = System.nanoTime();
        Map<String, Long> timings = new HashMap<>();
        request.getStageTimingsMs().forEach((k, v) -> timings.put(k.toString(), v));
        timings.put("decode", (t1 - t0) / 1_000_000);
        ImageRecord record = new ImageRecord(request, decoder.checkpointId(), png, img.getWidth(), img.getHeight(), sha,
                timings);
        String uri = sink.write(record);
        long now = System.currentTimeMillis();
        timings.put("sink", (System.nanoTime() - t1) / 1_000_000);
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
