package dev.hart.runtime.broker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link EmbeddedKafka} as its own JVM (see {@link EmbeddedKafkaProcess}).
 *
 * <p>Arguments: {@code [--log-dir DIR] [--port P] [--controller-port C] [--detached] [--prop key=value]...}. Prints
 * {@value #READY_PREFIX}host:port on stdout once the broker accepts clients. Stops when stdin reaches end of file (the
 * parent closed it or died) or on SIGTERM; with {@code --detached} (a background broker of {@code hart cluster}) only
 * on SIGTERM.
 */
public final class EmbeddedKafkaMain {
    /** Line prefix announcing the bootstrap address on stdout. */
    public static final String READY_PREFIX = "HART_KAFKA_BOOTSTRAP=";

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) throws Exception {
        Path logDir = null;
        int port = 0;
        int controllerPort = 0;
        boolean detached = false;
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--log-dir" -> logDir = Path.of(requireValue(args, ++i, "--log-dir"));
                case "--port" -> port = Integer.parseInt(requireValue(args, ++i, "--port"));
                case "--controller-port" -> controllerPort = Integer.parseInt(requireValue(args, ++i, "--controller-port"));
                case "--detached" -> detached = true;
                case "--prop" -> {
                    String kv = requireValue(args, ++i, "--prop");
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--prop expects key=value, got '" + kv + "'");
                    }
                    props.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("Unknown argument '" + args[i]
                        + "'; usage: EmbeddedKafkaMain [--log-dir DIR] [--port P] [--controller-port C] [--detached]"
                        + " [--prop key=value]...");
            }
        }
        EmbeddedKafka kafka = new EmbeddedKafka(logDir, props, port, controllerPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.stop();
            stopped.countDown();
        }, "embedded-kafka-shutdown"));
        kafka.start();
        System.out.println(READY_PREFIX + kafka.bootstrapServers());
        System.out.println("HART_KAFKA_STARTUP_MS=" + kafka.startupMillis());
        System.out.flush();
        if (detached) {
            stopped.await(); // until SIGTERM; the shutdown hook stops the broker
            return;
        }
        waitForEndOfInput(System.in);
        kafka.stop();
        System.exit(0);
    }

    private static void waitForEndOfInput(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // ignore anything written; only end of input matters
            }
        } catch (IOException e) {
            // the pipe broke: same as end of input
        }
    }

    private static String requireValue(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
