package dev.hart.stage.common;

import dev.hart.schemas.avro.RequestInfo;

import java.util.HashMap;
import java.util.Map;

/** A request's {@code stageTimingsMs}: each stage adds its own time to a copy (the input record is left alone). */
public final class StageTimings {
    private StageTimings() {
    }

    /** The request with {@code millis} added to {@code stage}'s time. */
    public static RequestInfo with(RequestInfo request, String stage, long millis) {
        Map<String, Long> timings = copyOf(request);
        timings.merge(stage, millis, Long::sum);
        return RequestInfo.newBuilder(request).setStageTimingsMs(timings).build();
    }

    /** A mutable copy of the request's timings, keyed by plain strings (Avro hands out Utf8 keys). */
    public static Map<String, Long> copyOf(RequestInfo request) {
        Map<String, Long> timings = new HashMap<>();
        request.getStageTimingsMs().forEach((k, v) -> timings.put(k.toString(), v));
        return timings;
    }
}
