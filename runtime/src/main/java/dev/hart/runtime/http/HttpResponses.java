package dev.hart.runtime.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writing a whole response on the JDK's HTTP server, for the stages' /metrics and /health and the ingest app's API. */
public final class HttpResponses {

    private HttpResponses() {
    }

    /** Sends {@code body} (UTF-8) with its length and content type, and completes the exchange. */
    public static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
