package dev.hart.runtime.kafka;

import dev.hart.runtime.broker.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicDefinitionsTest {

    @Test
    void everyTopicExistsWithItsLimitsAndASecondRunChangesNothing() throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            Map<String, Object> client = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            List<TopicDefinitions.Outcome> first = TopicDefinitions.createAll(client, 2, Optional.empty());
            assertThat(first).extracting(TopicDefinitions.Outcome::created).containsOnly(true);
            List<TopicDefinitions.Outcome> again = TopicDefinitions.createAll(client, 3, Optional.empty());
            assertThat(again).extracting(TopicDefinitions.Outcome::created).containsOnly(false);
            check(again, kafka.bootstrapServers());
        }
    }

    private static void check(List<TopicDefinitions.Outcome> again, String bootstrap) throws Exception {
        assertThat(again).extracting(TopicDefinitions.Outcome::topic).containsExactly(
                "hart.prompt-events", "hart.requests", "hart.ar-output", "hart.latents", "hart.images", "hart.dlq",
                "hart.job-progress");

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var descriptions = admin.describeTopics(List.of(TopicDefinitions.REQUESTS)).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(descriptions.get(TopicDefinitions.REQUESTS).partitions()).hasSize(2);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, TopicDefinitions.AR_OUTPUT),
                    new ConfigResource(ConfigResource.Type.TOPIC, TopicDefinitions.JOB_PROGRESS),
                    new ConfigResource(ConfigResource.Type.TOPIC, TopicDefinitions.DLQ))).all().get(30, TimeUnit.SECONDS);
            assertThat(value(configs, TopicDefinitions.AR_OUTPUT, TopicConfig.MAX_MESSAGE_BYTES_CONFIG))
                    .isEqualTo(String.valueOf(64 * 1024 * 1024));
            assertThat(value(configs, TopicDefinitions.DLQ, TopicConfig.MAX_MESSAGE_BYTES_CONFIG))
                    .isEqualTo(String.valueOf(64 * 1024 * 1024));
            assertThat(value(configs, TopicDefinitions.JOB_PROGRESS, TopicConfig.CLEANUP_POLICY_CONFIG)).isEqualTo("compact");
            assertThat(value(configs, TopicDefinitions.AR_OUTPUT, TopicConfig.RETENTION_MS_CONFIG))
                    .isEqualTo(String.valueOf(24L * 3600 * 1000));
        }
    }

    @Test
    void everyTopicWithASchemaHasADefinition() {
        assertThat(TopicDefinitions.all()).extracting(TopicDefinitions.TopicSpec::name)
                .containsExactlyElementsOf(dev.hart.schemas.Topics.VALUE_TYPES.keySet());
    }

    private static String value(Map<ConfigResource, Config> configs, String topic, String key) {
        return configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get(key).value();
    }
}
