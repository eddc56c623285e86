package dev.hart.runtime.stage;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class StageHttpServerTest {

    @Test
    void healthFollowsTheConsumerAndMetricsArePrometheusText() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StageMetrics metrics = new StageMetrics(registry, "demo");
        metrics.committed(7, 5, 2);
        AtomicBoolean up = new AtomicBoolean(false);
        try (StageHttpServer server = new StageHttpServer("127.0.0.1", 0, registry, () -> up.get() ? StageHttpServer.Health.UP : StageHttpServer.Health.DOWN)) {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");
            HttpResponse<String> down = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\"}");
            up.set(true);
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("{\"status\":\"UP\"}");

            HttpResponse<String> text = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(text.statusCode()).isEqualTo(200);
            assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(text.body()).contains("hart_stage_records_in_total{stage=\"demo\"} 7.0")
                    .contains("hart_stage_records_out_total{stage=\"demo\"} 5.0")
                    .contains("hart_stage_dlq_total{stage=\"demo\"} 2.0");
        }
    }
}
