package dev.hart.stage.ar;

import java.util.Locale;

/** Where the residual diffusion runs. */
public enum StageTopology {
    /** ar -> hart.ar-output -> diffusion stage -> hart.latents -> decoder: three independently scaled pools. */
    SPLIT,
    /** The ar-stage samples the residual in-process and emits hart.latents: no heavy topic, no diffusion stage. */
    FUSED;

    public static StageTopology parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("topology must be 'split' or 'fused', got '" + s + "'");
        }
    }
}
