package dev.hart.cli;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deploy files start: every {@code hart} command line in docker-compose.yml and the Kubernetes manifests parses
 * with the real picocli command, the ingest app accepts the checkpoint the stages load, published ports and probes
 * point at the port and interface each process binds, and the ar-stage of a real checkpoint has a text model.
 */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("..", "deploy");

    /** One process as a deploy file starts it: {@code ./hart ARGV}, plus what it binds. */
    record Launch(String where, List<String> argv, Properties ingestProperties) {
        boolean isIngest() {
            return argv.get(0).equals("ingest-app");
        }

        boolean isStage() {
            return argv.get(0).equals("stage");
        }

        String option(String name) {
            int i = argv.indexOf(name);
            return i >= 0 && i + 1 < argv.size() ? argv.get(i + 1) : null;
        }

        /** The checkpoint id the process loads (stages) or accepts (ingest app). */
        String checkpointId() {
            if (isIngest() && option("--checkpoint-id") != null) {
                return option("--checkpoint-id");
            }
            if (option("--checkpoint") != null) {
                return Path.of(option("--checkpoint")).getFileName().toString(); // CheckpointId: the folder's name
            }
            return option("--random-weights") != null ? "random:" + option("--random-weights") : "(default model)";
        }

        /** The port /health and /metrics answer on, on all interfaces; -1 if it binds only loopback. */
        int httpPort() {
            if (isIngest()) {
                boolean allInterfaces = "0.0.0.0".equals(ingestProperties.getProperty("hart.ingest.http.host"));
                return allInterfaces ? Integer.parseInt(ingestProperties.getProperty("hart.ingest.http.port", "-1")) : -1;
            }
            return option("--http-port") == null ? 0 : Integer.parseInt(option("--http-port"));
        }
    }

    @Test
    void composeCommandLinesParseAndAgree() throws IOException {
        Map<String, Object> compose = yaml().load(Files.readString(DEPLOY.resolve("docker-compose.yml")));
        List<Launch> launches = new ArrayList<>();
        Map<String, Object> services = map(compose.get("services"));
        services.forEach((name, value) -> {
            Map<String, Object> service = map(value);
            Map<String, Object> env = service.get("environment") == null ? Map.of() : map(service.get("environment"));
            if (env.get("HART_COMMAND") == null) {
                return;
            }
            Launch l = launch("compose service " + name, String.valueOf(env.get("HART_COMMAND")),
                    words(composeDefaults(String.valueOf(env.getOrDefault("HART_ARGS", "")))),
                    String.valueOf(env.getOrDefault("HART_INGEST_PROPERTIES", "")));
            launches.add(l);
            for (Object port : service.get("ports") == null ? List.of() : (List<?>) service.get("ports")) {
                String container = String.valueOf(port).replaceAll(".*:", "");
                assertThat(l.httpPort()).as(l.where() + " publishes " + port + " but serves HTTP on")
                        .isEqualTo(Integer.parseInt(container));
            }
        });
        checkTogether(launches);
    }

    @Test
    void kubernetesCommandLinesParseAndAgree() throws IOException {
        Map<String, Object> configMap = null;
        List<Map<String, Object>> workloads = new ArrayList<>();
        try (var files = Files.list(DEPLOY.resolve("k8s"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : yaml().loadAll(Files.readString(f))) {
                    if (!(doc instanceof Map<?, ?>)) {
                        continue;
                    }
                    Map<String, Object> d = map(doc);
                    if ("ConfigMap".equals(d.get("kind")) && "hart-config".equals(map(d.get("metadata")).get("name"))) {
                        configMap = map(d.get("data"));
                    }
                    if ("Deployment".equals(d.get("kind")) || "StatefulSet".equals(d.get("kind"))) {
                        workloads.add(d);
                    }
                }
            }
        }
        assertThat(configMap).as("deploy/k8s/configmap.yaml defines hart-config").isNotNull();
        List<Launch> launches = new ArrayList<>();
        for (Map<String, Object> w : workloads) {
            String name = String.valueOf(map(w.get("metadata")).get("name"));
            Map<String, Object> pod = map(map(map(w.get("spec")).get("template")).get("spec"));
            Map<String, Object> container = map(((List<?>) pod.get("containers")).get(0));
            Map<String, String> env = new HashMap<>();
            configMap.forEach((k, v) -> env.put(k, String.valueOf(v)));
            for (Object e : container.get("env") == null ? List.of() : (List<?>) container.get("env")) {
                Map<String, Object> entry = map(e);
                env.put(String.valueOf(entry.get("name")), entry.containsKey("value") ? String.valueOf(entry.get("value")) : "from-field");
            }
            if (env.get("HART_COMMAND") == null) {
                continue;
            }
            List<String> args = new ArrayList<>();
            for (Object a : container.get("args") == null ? List.of() : (List<?>) container.get("args")) {
                args.add(kubernetesVars(String.valueOf(a), env, name));
            }
            Launch l = launch("k8s " + name, env.get("HART_COMMAND"), args, env.getOrDefault("HART_INGEST_PROPERTIES", ""));
            launches.add(l);
            Map<String, Integer> ports = new HashMap<>();
            for (Object p : container.get("ports") == null ? List.of() : (List<?>) container.get("ports")) {
                Map<String, Object> port = map(p);
                ports.put(String.valueOf(port.get("name")), (Integer) port.get("containerPort"));
            }
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                if (container.get(probe) == null) {
                    continue;
                }
                Object port = map(map(container.get(probe)).get("httpGet")).get("port");
                int number = port instanceof Integer i ? i : ports.getOrDefault(String.valueOf(port), -2);
                assertThat(l.httpPort()).as(l.where() + " " + probe + " asks port " + port + " but the process serves HTTP on")
                        .isEqualTo(number);
            }
        }
        checkTogether(launches);
    }

    private static void checkTogether(List<Launch> launches) {
        assertThat(launches).anyMatch(Launch::isIngest).anyMatch(Launch::isStage);
        for (Launch l : launches) {
            CommandLine cli = new CommandLine(new HartCli());
            try {
                cli.parseArgs(l.argv().toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new AssertionError(l.where() + ": `hart " + String.join(" ", l.argv()) + "` does not parse: "
                        + e.getMessage(), e);
            }
            if (l.isStage() && l.argv().get(1).equals("ar") && l.option("--checkpoint") != null) {
                assertThat(l.option("--text-model")).as(l.where() + ": a real checkpoint needs a text model").isNotNull();
            }
        }
        for (Launch ingest : launches.stream().filter(Launch::isIngest).toList()) {
            for (Launch stage : launches.stream().filter(Launch::isStage).toList()) {
                assertThat(ingest.checkpointId()).as(ingest.where() + " accepts what " + stage.where() + " loads")
                        .isEqualTo(stage.checkpointId());
            }
        }
    }

    private static Launch launch(String where, String command, List<String> args, String ingestProperties) {
        List<String> argv = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
        Properties props = new Properties();
        try {
            props.load(new StringReader(ingestProperties));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        if (argv.get(0).equals("ingest-app")) {
            argv.add("/tmp/ingest.properties"); // docker/entrypoint.sh writes HART_INGEST_PROPERTIES there
        }
        argv.addAll(args);
        return new Launch(where, argv, props);
    }

    /** {@code ${VAR:-default}} as compose expands it with VAR unset. */
    private static String composeDefaults(String s) {
        Matcher m = Pattern.compile("\\$\\{\\w+:-([^}]*)}").matcher(s);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
    }

    /** {@code $(VAR)} as Kubernetes expands it from the container's env and envFrom. */
    private static String kubernetesVars(String s, Map<String, String> env, String where) {
        Matcher m = Pattern.compile("\\$\\((\\w+)\\)").matcher(s);
        return m.replaceAll(r -> {
            String v = env.get(r.group(1));
            assertThat(v).as(where + ": $(" + r.group(1) + ") is defined").isNotNull();
            return Matcher.quoteReplacement(v);
        });
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static Yaml yaml() {
        return new Yaml(new LoaderOptions());
    }
}
