package dev.hart.stage.decoder;

import java.nio.charset.StandardCharsets;

/**
 * Turns ids into deterministic, safe file-name parts: {@code [A-Za-z0-9_-]} only (no dots: WebDataset splits the key
 * at the first dot) and at most 80 characters. An id that had to be changed gets a short hash of the original so two
 * ids never map to the same name.
 */
public final class SafeNames {
    private SafeNames() {
    }

    public static String of(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("an image needs a non-empty request and job id");
        }
        StringBuilder b = new StringBuilder(id.length());
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    ? c : '_');
        }
        String s = b.toString();
        if (s.equals(id) && s.length() <= 80) {
            return s;
        }
        String hash = Pngs.sha256(id.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        return (s.length() > 66 ? s.substring(0, 66) : s) + "-" + hash;
    }
}
