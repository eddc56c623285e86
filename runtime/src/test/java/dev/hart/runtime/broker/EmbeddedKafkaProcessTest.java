package dev.hart.runtime.broker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class EmbeddedKafkaProcessTest {

    @Test
    void childJvmBrokerServesClientsAndIsGoneAfterClose() throws Exception {
        EmbeddedKafkaProcess kafka = new EmbeddedKafkaProcess(null, Map.of(), List.of("-Xmx512m"));
        long pid;
        try (kafka) {
            kafka.start(90, TimeUnit.SECONDS);
            pid = kafka.pid();
            System.out.println("embedded broker JVM start-up (launch to ready): " + kafka.startupMillis() + " ms");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
        }
        assertThat(kafka.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
}
