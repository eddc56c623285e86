package dev.hart.model.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device the models of this process compute on ({@code --device cpu|cuda[:N]}), chosen once at start-up. Model
 * weights are loaded into managers from {@link #newRootManager()}; every per-call manager follows its weights' device.
 *
 * <p>CUDA needs a CUDA build of libtorch ({@code mvn -Pcuda}, deploy/GPU.md) and a visible GPU; that path is built but
 * has not been run (no GPU here). Choosing it without one fails at start-up with the reason.
 */
public final class ComputeDevice {

    private static final Pattern SPEC = Pattern.compile("cpu|cuda(?::(\\d+))?");
    private static volatile Device selected = Device.cpu();

    private ComputeDevice() {
    }

    /** Parses and checks {@code cpu}, {@code cuda} (= cuda:0) or {@code cuda:N} against the loaded engine. */
    public static Device parse(String spec) {
        String s = spec == null ? "cpu" : spec.trim().toLowerCase(Locale.ROOT);
        Matcher m = SPEC.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("--device must be cpu, cuda or cuda:N, got '" + spec + "'");
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        int index = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        Engine engine = Engine.getInstance();
        int gpus = engine.getGpuCount();
        if (index >= gpus) {
            throw new IllegalArgumentException("--device " + s + ": " + (gpus == 0 ? "no CUDA device is visible" : "only " + gpus
                    + " CUDA device(s) are visible") + " to the " + engine.getEngineName() + " " + engine.getVersion()
                    + " engine. A GPU run needs the CUDA build of libtorch (mvn -Pcuda package) and an NVIDIA driver;"
                    + " see deploy/GPU.md. Use --device cpu on this machine.");
        }
        return Device.gpu(index);
    }

    /** Selects the device for this process (call before any model is loaded). */
    public static Device select(String spec) {
        Device d = parse(spec);
        selected = d;
        return d;
    }

    public static Device selected() {
        return selected;
    }

    /** A new root manager on the selected device (model weights and the work that follows them live there). */
    public static NDManager newRootManager() {
        return NDManager.newBaseManager(selected);
    }
}
