package dev.hart.model.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/** Test helper: writes F32 tensors in the safetensors format. */
public final class SafeTensorsWriter {

    public record Tensor(long[] shape, float[] values) {
    }

    private SafeTensorsWriter() {
    }

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        boolean first = true;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            float[] v = e.getValue().values();
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            data.write(b.array());
            if (!first) {
                header.append(',');
            }
            first = false;
            header.append('"').append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":[")
                    .append(Arrays.stream(e.getValue().shape()).mapToObj(Long::toString).collect(Collectors.joining(",")))
                    .append("],\"data_offsets\":[").append(offset).append(',').append(offset + v.length * 4L).append("]}");
            offset += v.length * 4L;
        }
        header.append('}');
        byte[] hb = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length).array());
        out.write(hb);
        data.writeTo(out);
        Files.write(file, out.toByteArray());
    }
}
