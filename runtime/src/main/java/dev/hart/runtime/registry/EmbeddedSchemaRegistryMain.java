package dev.hart.runtime.registry;

import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link EmbeddedSchemaRegistry} as its own process (the registry of {@code hart cluster start}) until SIGTERM.
 *
 * <p>Arguments: {@code --bootstrap HOST:PORT --port P}. Prints {@value #READY_PREFIX}url on stdout once it answers.
 * Its state is the {@code _schemas} topic, so a restarted registry (or broker) serves the same ids.
 */
public final class EmbeddedSchemaRegistryMain {
    public static final String READY_PREFIX = "HART_REGISTRY_URL=";

    private EmbeddedSchemaRegistryMain() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = null;
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap" -> bootstrap = value(args, ++i);
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                default -> throw new IllegalArgumentException("Unknown argument '" + args[i]
                        + "'; usage: EmbeddedSchemaRegistryMain --bootstrap HOST:PORT [--port P]");
            }
        }
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(bootstrap, EmbeddedSchemaRegistry.DEFAULT_TOPIC, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            stopped.countDown();
        }, "schema-registry-shutdown"));
        registry.start();
        System.out.println(READY_PREFIX + registry.url());
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
