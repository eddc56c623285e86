package dev.hart.stage.diffusion;

import dev.hart.schemas.avro.RequestInfo;

import java.util.HashMap;
import java.util.Map;

/** Adds a stage's time to a request's {@code stageTimingsMs} (a copy; the input record is left alone). */
public final class StageTimings {
    private StageTimings() {
    }

    public static RequestInfo with(RequestInfo request, String stage, long millis) {
        Map<String, Long> timings = new HashMap<>();
        request.getStageTimingsMs().forEach((k, v) -> timings.put(k.toString(), v));
        timings.merge(stage, millis, Long::sum);
        return RequestInfo.newBuilder(request).setStageTimingsMs(timings).build();
    }
}
