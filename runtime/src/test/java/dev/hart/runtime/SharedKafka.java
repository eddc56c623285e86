package dev.hart.runtime;

import dev.hart.runtime.broker.EmbeddedKafka;

import java.util.UUID;

/** One in-process broker for the whole test JVM (starting one per class would cost ~2-3 s each). */
public final class SharedKafka {
    private static EmbeddedKafka kafka;

    private SharedKafka() {
    }

    public static synchronized EmbeddedKafka get() {
        if (kafka == null) {
            kafka = new EmbeddedKafka().start();
            System.out.println("shared embedded broker start-up: " + kafka.startupMillis() + " ms");
            EmbeddedKafka k = kafka;
            Runtime.getRuntime().addShutdownHook(new Thread(k::close, "shared-kafka-stop"));
        }
        return kafka;
    }

    public static String bootstrap() {
        return get().bootstrapServers();
    }

    /** A topic name no other test uses. */
    public static String uniqueTopic(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
