package org.loket.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends replies and outcomes of e-mail and social work items to the organisation's gateways: JSON
 * {@code POST} to {@link ChatSettings#webhookUrl()}, asynchronously, three tries with backoff.
 * Failures are counted and logged at most once a minute, without the token or the message text.
 */
final class Webhook implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Webhook.class);
    private static final int TRIES = 3;

    private final ChatSettings settings;
    private final ChatCounters counters;
    private final HttpClient client;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong lastLogMs = new AtomicLong();

    Webhook(ChatSettings settings, ChatCounters counters) {
        this.settings = settings;
        this.counters = counters;
        this.client = settings.webhookUrl() == null ? null
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    boolean configured() {
        return client != null;
    }

    /** Sends {@code body} (never blocks the caller). */
    void send(ObjectNode body) {
        if (client == null) {
            return;
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (Exception e) {
            throw new IllegalStateException("webhook body cannot be written: " + e.getMessage(), e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.webhookUrl()))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (settings.webhookToken() != null) {
            request.header("Authorization", "Bearer " + settings.webhookToken());
        }
        attempt(request.build(), 1);
    }

    private void attempt(HttpRequest request, int attempt) {
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            boolean ok = error == null && response.statusCode() / 100 == 2;
            if (ok) {
                counters.webhookDelivered.increment();
            } else if (attempt < TRIES) {
                Executor later = CompletableFuture.delayedExecutor(200L << attempt, TimeUnit.MILLISECONDS);
                later.execute(() -> attempt(request, attempt + 1));
            } else {
                counters.webhookFailures.increment();
                long now = System.currentTimeMillis();
                long last = lastLogMs.get();
                if (now - last > 60_000 && lastLogMs.compareAndSet(last, now)) {
                    LOG.warn("webhook {} failed after {} tries: {}", request.uri().getHost(), TRIES,
                            error != null ? error.toString() : "HTTP " + response.statusCode());
                }
            }
        });
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
