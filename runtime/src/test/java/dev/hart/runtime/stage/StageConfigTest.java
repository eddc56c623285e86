package dev.hart.runtime.stage;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StageConfigTest {

    @Test
    void defaultsDeriveFromTheStageName() {
        StageConfig c = StageConfig.builder().stageName("ar").bootstrapServers("b:9092").inputTopic("hart.requests")
                .instanceId("pod-0").build();
        assertThat(c.groupId()).isEqualTo("hart-ar");
        assertThat(c.transactionalId()).isEqualTo("hart-ar-pod-0");
        assertThat(c.dlqTopic()).isEqualTo("hart.dlq");
        assertThat(c.batchSize()).isEqualTo(8);
    }

    @Test
    void badValuesAreRejectedWithTheirName() {
        assertThatThrownBy(() -> StageConfig.builder().stageName("ar").inputTopic("x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> StageConfig.builder().stageName("ar").bootstrapServers("b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input topic");
        assertThatThrownBy(() -> StageConfig.builder().stageName("ar").bootstrapServers("b").inputTopic("x")
                .batchSize(0).build()).hasMessageContaining("batch.size");
        assertThatThrownBy(() -> StageConfig.builder().stageName("ar").bootstrapServers("b").inputTopic("x")
                .batchMaxWait(Duration.ZERO).build()).hasMessageContaining("batch.max.wait");
    }
}
