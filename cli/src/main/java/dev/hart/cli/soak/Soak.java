package dev.hart.cli.soak;

import dev.hart.cli.HartCli;
import dev.hart.cli.cluster.LocalCluster;
import dev.hart.cli.generate.RequestPublisher;
import dev.hart.runtime.kafka.FreePorts;
import dev.hart.runtime.kafka.KafkaClientProps;
import dev.hart.schemas.Topics;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.PromptEvent;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.serde.SpecificAvroDeserializer;
import dev.hart.schemas.serde.SpecificAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fault soak: a local cluster, the split topology as separate processes (ingest app, ar, diffusion, two
 * decoders), a prompt file published through {@code hart ingest}, stages {@code kill -9}ed and restarted at random
 * moments while images are still being made, the broker stopped and started again on the same address (the first
 * outage longer than the producers' {@code max.block.ms}), then every image counted by request id on
 * {@code hart.images}. Optionally first sends bad records to every input topic and counts their dead letters.
 */
public final class Soak {
    /** What to do. {@code firstOutage}: how long the first broker stop lasts (later ones last 5 s). */
    public record Settings(int prompts, int kills, int brokerRestarts, Duration firstOutage, boolean badInputs,
                           Path dir, long seed, List<String> stageArgs, Duration stallTimeout) {
    }

    public record Result(int expected, int images, int duplicates, int missing, int kills, int brokerRestarts,
                         int stageExits) {
        public String line() {
            return "soak: " + expected + " expected, " + images + " images, " + duplicates + " duplicates, " + missing
                    + " missing, " + kills + " kills, " + brokerRestarts + " broker restarts, " + stageExits
                    + " stage exits";
        }
    }

    public record BadInputs(int tried, int deadLettered, int crashes) {
        public String line() {
            return "bad-inputs: " + tried + " tried, " + deadLettered + " dead-lettered with a reason, " + crashes
                    + " stage crashes";
        }
    }

    private static final List<String> STAGES = List.of("ar", "diffusion", "decoder-1", "decoder-2");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Settings settings;
    private final PrintWriter out;
    private final Random random;
    private final Map<String, Child> children = new LinkedHashMap<>();
    private LocalCluster cluster;
    private int stageExits;
    private BadInputs badInputs;

    public Soak(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
        this.random = new Random(settings.seed());
    }

    public BadInputs badInputs() {
        return badInputs;
    }

    public Result run() throws Exception {
        Files.createDirectories(settings.dir().resolve("logs"));
        int kafkaPort = pairOfFreePorts();
        cluster = LocalCluster.at(settings.dir().resolve("cluster"), kafkaPort, FreePorts.pick());
        try {
            cluster.start(4, START_TIMEOUT).forEach(l -> progress(l));
            Path props = settings.dir().resolve("ingest-app.properties");
            Files.writeString(props, "hart.ingest.http.port=0\n");
            launch("ingest-app", List.of("ingest-app", props.toString()), "prompt-ingest running");
            for (String stage : STAGES) {
                List<String> args = new ArrayList<>(List.of("stage", stage.startsWith("decoder") ? "decoder" : stage,
                        "--instance-id", stage));
                if (stage.startsWith("decoder")) {
                    args.addAll(List.of("--out", settings.dir().resolve("images").toString()));
                }
                args.addAll(settings.stageArgs());
                launch(stage, args, "STAGE-READY");
            }
            for (Child c : children.values()) {
                c.awaitReady(START_TIMEOUT);
            }
            if (settings.badInputs()) {
                badInputs = sendBadInputs();
            }
            String job = "soak-" + Long.toHexString(settings.seed() & 0xffffff);
            Path prompts = settings.dir().resolve("prompts.txt");
            Files.write(prompts, prompts(settings.prompts()));
            Child ingest = launch("ingest", List.of("ingest", prompts.toString(), "--job", job), null);
            if (ingest.process.waitFor() != 0) {
                throw new IllegalStateException("hart ingest failed; see " + ingest.log);
            }
            return drive(job);
        } finally {
            for (Child c : children.values()) {
                c.process.destroyForcibly();
            }
            for (Child c : children.values()) {
                c.process.waitFor();
            }
            cluster.stop(Duration.ofSeconds(30));
        }
    }

    /** Counts images while kills and broker bounces happen at random image counts, until all are there or it stalls. */
    private Result drive(String job) throws Exception {
        int n = settings.prompts();
        // faults at image counts spread over the job, all before the last image: work is always in flight
        TreeMap<Integer, List<String>> events = new TreeMap<>();
        int horizon = Math.max(1, (int) (n * 0.85));
        for (int i = 0; i < settings.kills(); i++) {
            events.computeIfAbsent(1 + random.nextInt(horizon), k -> new ArrayList<>()).add("kill");
        }
        for (int i = 0; i < settings.brokerRestarts(); i++) {
            events.computeIfAbsent(1 + random.nextInt(horizon), k -> new ArrayList<>()).add(i == 0 ? "long" : "short");
        }
        int kills = 0;
        int bounces = 0;
        try (ImageCounter images = new ImageCounter(cluster.bootstrapServers(), cluster.registryUrl(), job)) {
            long lastProgress = System.nanoTime();
            int lastCount = -1;
            while (images.distinct() < n) {
                images.poll(Duration.ofMillis(200)); // small steps: a fault fires close to its image count
                int done = images.distinct();
                if (done != lastCount) {
                    lastCount = done;
                    lastProgress = System.nanoTime();
                }
                if (done >= n) {
                    break; // a fault after the last image would test nothing: the rest are not counted
                }
                while (!events.isEmpty() && events.firstKey() <= done) {
                    for (String e : events.pollFirstEntry().getValue()) {
                        if (e.equals("kill")) {
                            String victim = STAGES.get(random.nextInt(STAGES.size()));
                            progress("kill -9 " + victim + " at " + done + "/" + n + " images");
                            children.get(victim).killAndRestart(Duration.ofMillis(500 + random.nextInt(2000)));
                            kills++;
                        } else {
                            Duration outage = e.equals("long") ? settings.firstOutage() : Duration.ofSeconds(5);
                            progress("broker down for " + outage.toSeconds() + " s at " + done + "/" + n + " images");
                            cluster.stopBroker(Duration.ofSeconds(30));
                            Thread.sleep(outage.toMillis());
                            cluster.startBroker(START_TIMEOUT);
                            bounces++;
                            lastProgress = System.nanoTime();
                        }
                    }
                }
                restartExited();
                if (System.nanoTime() - lastProgress > settings.stallTimeout().toNanos()) {
                    progress("no new image for " + settings.stallTimeout().toSeconds() + " s; stopping");
                    break;
                }
            }
            images.poll(Duration.ofSeconds(5)); // anything written twice would show up now
            int distinct = images.distinct();
            return new Result(n, distinct, images.total() - distinct, n - distinct, kills, bounces, stageExits);
        }
    }

    private void restartExited() throws IOException {
        for (Child c : children.values()) {
            if (c.restartable && !c.process.isAlive()) {
                stageExits++;
                progress(c.name + " exited by itself (code " + c.process.exitValue() + "); restarting it");
                c.start();
            }
        }
    }

    /** Bad records to every input topic; each keyed {@code bad-N} so its dead letter can be found. */
    private BadInputs sendBadInputs() throws Exception {
        Map<String, Object> conf = new HashMap<>(KafkaClientProps.largeRecordProducer());
        conf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        conf.put("schema.registry.url", cluster.registryUrl());
        SpecificAvroSerializer<SpecificRecord> avro = new SpecificAvroSerializer<>();
        avro.configure(conf, false);
        List<ProducerRecord<byte[], byte[]>> bad = new ArrayList<>();
        Random r = new Random(settings.seed());
        for (String topic : List.of(Topics.PROMPT_EVENTS, Topics.REQUESTS, Topics.AR_OUTPUT, Topics.LATENTS)) {
            byte[] junk = new byte[100];
            r.nextBytes(junk);
            bad.add(record(topic, bad.size(), junk));
            ByteBuffer unknownId = ByteBuffer.allocate(40).put((byte) 0).putInt(987_654);
            bad.add(record(topic, bad.size(), unknownId.array()));
            JobProgress other = JobProgress.newBuilder().setJobId("not-a-" + topic).setSubmitted(1L).setRejected(0L)
                    .setGenerated(0L).setFailed(0L).setFirstEventAtMs(1L).setLastEventAtMs(1L)
                    .setRecentRejectReasons(List.of()).build();
            // registered under its own topic's subject: a bad record must not change what the real topic accepts
            bad.add(record(topic, bad.size(), avro.serialize(Topics.JOB_PROGRESS, other)));
            byte[] big = new byte[900 * 1024]; // ~1 MB, under the 1 MiB limit of the prompt/request topics
            r.nextBytes(big);
            bad.add(record(topic, bad.size(), big));
        }
        String checkpoint = "no-such-checkpoint";
        RequestInfo wrong = RequestPublisher.requests("soak-bad", List.of("a red circle"), 1, checkpoint).get(0);
        wrong.setRequestId("bad-" + bad.size());
        bad.add(record(Topics.REQUESTS, bad.size(), avro.serialize(Topics.REQUESTS,
                GenerationRequest.newBuilder().setRequest(wrong).setAcceptedAtMs(1).build())));
        for (String prompt : List.of("", "x".repeat(100_000), "\u0001PLACEHOLDER\u0001", "a green star")) {
            String id = "bad-" + bad.size();
            PromptEvent e = PromptEvent.newBuilder().setPrompt(prompt).setJobId("soak-bad").setRequestId(id)
                    .setMetadata(new HashMap<>()).build();
            if (prompt.equals("a green star")) {
                e.setCheckpointId(checkpoint);
            }
            byte[] bytes = avro.serialize(Topics.PROMPT_EVENTS, e);
            if (prompt.contains("PLACEHOLDER")) {
                replace(bytes, "\u0001PLACEHOLDER\u0001".getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xC3, 0x28, (byte) 0xFF,
                                (byte) 0xFE, (byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xFF});
            }
            bad.add(record(Topics.PROMPT_EVENTS, bad.size(), bytes));
        }
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(conf, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> rec : bad) {
                p.send(rec).get();
            }
        }
        progress("sent " + bad.size() + " bad records to " + Topics.PROMPT_EVENTS + ", " + Topics.REQUESTS + ", "
                + Topics.AR_OUTPUT + ", " + Topics.LATENTS);
        int exitsBefore = stageExits;
        Set<String> expected = new HashSet<>();
        bad.forEach(rec -> expected.add(new String(rec.key(), StandardCharsets.UTF_8)));
        Set<String> seen = new HashSet<>();
        SpecificAvroDeserializer<DeadLetter> dl = new SpecificAvroDeserializer<>(DeadLetter.class);
        dl.configure(conf, false);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        try (KafkaConsumer<byte[], byte[]> c = consumer(cluster.bootstrapServers())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.DLQ).stream()
                    .map(pi -> new TopicPartition(Topics.DLQ, pi.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            while (!seen.containsAll(expected) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(500))) {
                    try {
                        DeadLetter d = dl.deserialize(rec.topic(), rec.value());
                        String key = d.getOriginalKey() == null ? d.getRequestId()
                                : new String(bytes(d.getOriginalKey()), StandardCharsets.UTF_8);
                        if (key != null && expected.contains(key) && !d.getErrorMessage().isBlank()) {
                            seen.add(key);
                        }
                    } catch (RuntimeException ignored) {
                        // not a DeadLetter record
                    }
                }
                restartExited();
            }
        }
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(seen);
        if (!missing.isEmpty()) {
            progress("no dead letter for " + new TreeMap<>(Map.of("keys", missing)));
        }
        return new BadInputs(bad.size(), seen.size(), stageExits - exitsBefore);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int i, byte[] value) {
        return new ProducerRecord<>(topic, ("bad-" + i).getBytes(StandardCharsets.UTF_8), value);
    }

    private static void replace(byte[] bytes, byte[] what, byte[] with) {
        for (int i = 0; i + what.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + what.length, what, 0, what.length)) {
                System.arraycopy(with, 0, bytes, i, Math.min(with.length, what.length));
                return;
            }
        }
        throw new IllegalStateException("placeholder not found");
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaClientProps.MAX_RECORD_BYTES,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, KafkaClientProps.MAX_RECORD_BYTES),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Demo-vocabulary prompts, varied: colour x shape x background. */
    static List<String> prompts(int n) {
        String[] colours = {"red", "green", "blue", "yellow", "white", "purple", "orange", "cyan"};
        String[] shapes = {"circle", "square", "triangle", "star", "hexagon"};
        String[] backgrounds = {"black", "gray", "white", "navy", "dark green"};
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add("a " + colours[i % colours.length] + " " + shapes[(i / colours.length) % shapes.length] + " on a "
                    + backgrounds[(i / (colours.length * shapes.length)) % backgrounds.length] + " background");
        }
        return out;
    }

    private Child launch(String name, List<String> args, String readyLine) throws IOException {
        Child c = new Child(name, args, readyLine, readyLine != null);
        children.put(name, c);
        c.start();
        return c;
    }

    private void progress(String line) {
        out.println("  " + line);
        out.flush();
    }

    /** A port p such that p + 1 (the broker's controller) was free too. */
    private static int pairOfFreePorts() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = FreePorts.pick();
            try (ServerSocket s = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no two adjacent free ports");
    }

    /** A {@code hart} subcommand in its own JVM, output appended to logs/NAME.log. */
    private final class Child {
        final String name;
        final List<String> args;
        final String readyLine;
        final boolean restartable;
        final Path log;
        Process process;
        long logOffset;

        Child(String name, List<String> args, String readyLine, boolean restartable) {
            this.name = name;
            this.args = args;
            this.readyLine = readyLine;
            this.restartable = restartable;
            this.log = settings.dir().resolve("logs").resolve(name + ".log");
        }

        void start() throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), HartCli.class.getName()));
            cmd.addAll(args);
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("HART_BOOTSTRAP", cluster.bootstrapServers());
            pb.environment().put("HART_REGISTRY", cluster.registryUrl());
            process = pb.start();
        }

        void awaitReady(Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                byte[] all = Files.readAllBytes(log);
                String tail = new String(all, (int) Math.min(logOffset, all.length),
                        (int) (all.length - Math.min(logOffset, all.length)), StandardCharsets.UTF_8);
                if (tail.contains(readyLine)) {
                    return;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited during start-up; see " + log);
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException(name + " did not start within " + timeout.toSeconds() + " s; see " + log);
        }

        void killAndRestart(Duration pause) throws IOException, InterruptedException {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
            process.waitFor();
            Thread.sleep(pause.toMillis());
            start();
        }
    }

    /** Reads hart.images (read_committed) from the beginning and counts the job's images per request id. */
    private static final class ImageCounter implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final SpecificAvroDeserializer<GeneratedImage> images = new SpecificAvroDeserializer<>(GeneratedImage.class);
        private final String job;
        private final Map<String, Integer> perRequest = new HashMap<>();
        private int total;

        ImageCounter(String bootstrap, String registry, String job) {
            this.job = job;
            images.configure(Map.of("schema.registry.url", registry), false);
            consumer = consumer(bootstrap);
            List<TopicPartition> parts = consumer.partitionsFor(Topics.IMAGES).stream()
                    .map(p -> new TopicPartition(Topics.IMAGES, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        void poll(Duration d) {
            long end = System.nanoTime() + d.toNanos();
            do {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        GeneratedImage img = images.deserialize(r.topic(), r.value());
                        if (job.equals(img.getRequest().getJobId())) {
                            perRequest.merge(img.getRequest().getRequestId(), 1, Integer::sum);
                            total++;
                        }
                    } catch (RuntimeException notAnImage) {
                        // counted nowhere
                    }
                }
            } while (System.nanoTime() < end);
        }

        int distinct() {
            return perRequest.size();
        }

        int total() {
            return total;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
