package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (the JDK's) that collects JSON frames. */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    final List<JsonNode> seen = new ArrayList<>();
    volatile int closeStatus = -1;
    private final StringBuilder partial = new StringBuilder();
    final WebSocket socket;

    WsClient(HttpClient client, String uri) {
        this(client, uri, java.util.Map.of());
    }

    /** With headers on the upgrade request (an {@code Origin}, an {@code X-Forwarded-For}). */
    WsClient(HttpClient client, String uri, java.util.Map<String, String> headers) {
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        socket = builder.buildAsync(URI.create(uri), this).join();
    }

    WsClient(String uri) {
        this(HttpClient.newHttpClient(), uri);
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    /** The next frame of {@code type} that matches, skipping others; fails after the timeout. */
    JsonNode await(String type, Predicate<JsonNode> matching, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (JsonNode f : seen) {
            if (f.path("type").asText().equals(type) && matching.test(f)) {
                seen.remove(f);
                return f;
            }
        }
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode f = frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (f == null) {
                throw new AssertionError("no '" + type + "' frame within " + timeoutMs + " ms; seen " + seen);
            }
            if (f.path("type").asText().equals(type) && matching.test(f)) {
                return f;
            }
            seen.add(f);
        }
    }

    /** Drops the frames of {@code type} skipped so far: a later {@link #await} sees only frames not read yet. */
    void forget(String type) {
        seen.removeIf(f -> f.path("type").asText().equals(type));
    }

    /** The next frame not read yet (skipped ones first), whatever its type; fails after 10 s. */
    JsonNode next() throws InterruptedException {
        if (!seen.isEmpty()) {
            return seen.remove(0);
        }
        JsonNode f = frames.poll(10, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame within 10 s");
        }
        return f;
    }

    /** Pings and returns the frames not read yet that came before the pong: what the server sent up to now. */
    List<JsonNode> sentSoFar() throws InterruptedException {
        send("{\"type\":\"ping\"}");
        await("pong");
        List<JsonNode> sent = new ArrayList<>(seen);
        seen.clear();
        return sent;
    }

    JsonNode await(String type) throws InterruptedException {
        return await(type, f -> true, 10_000);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                frames.add(JSON.readTree(partial.toString()));
            } catch (Exception e) {
                throw new IllegalStateException("server sent a frame that is not JSON: " + partial, e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeStatus = statusCode;
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeStatus = 1006;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
