package org.loket.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends replies and outcomes of e-mail and social work items to the organisation's gateways: JSON
 * {@code POST} to {@link ChatSettings#webhookUrl()}, one at a time and in the order they were made
 * (a ticket's reply before its outcome), each retried with backoff up to a minute apart for
 * {@link #GIVE_UP_MS}, so a gateway that is down for a deploy gets everything once it is back.
 * Only a message still refused after that, or one beyond {@link #MAX_WAITING} waiting, is given up:
 * counted and logged with its work item (the text stays in the transcript store), never with the
 * token or the text. The caller never waits.
 */
final class Webhook implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Webhook.class);
    /** How long one message is retried before it is given up. */
    static final long GIVE_UP_MS = 60 * 60_000L;
    /** Messages waiting behind one the gateway refuses; more are given up at once. */
    static final int MAX_WAITING = 100_000;
    private static final long MAX_BACKOFF_MS = 60_000;
    private static final byte[] STOP = new byte[0];

    private final ChatSettings settings;
    private final ChatCounters counters;
    private final HttpClient client;
    private final URI uri;
    private final ObjectMapper json = new ObjectMapper();
    private final LinkedBlockingQueue<byte[]> waiting = new LinkedBlockingQueue<>(MAX_WAITING);
    private final long firstBackoffMs;
    private final AtomicLong lastLogMs = new AtomicLong();
    private final Thread sender;

    Webhook(ChatSettings settings, ChatCounters counters) {
        this(settings, counters, 200);
    }

    /**
     * @param firstBackoffMs the wait before the first retry, doubled for each next one up to a minute (tests shorten it)
     * @throws IllegalArgumentException naming {@code chat.webhook-url} when it is not an http(s) URL
     */
    Webhook(ChatSettings settings, ChatCounters counters, long firstBackoffMs) {
        this.settings = settings;
        this.counters = counters;
        this.firstBackoffMs = firstBackoffMs;
        this.uri = settings.webhookUrl() == null ? null : checked(settings.webhookUrl());
        this.client = uri == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.sender = uri == null ? null : Thread.ofVirtual().name("chat-webhook").start(this::sendInOrder);
    }

    private static URI checked(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("chat.webhook-url='" + url + "' is not a URL: " + e.getReason());
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("chat.webhook-url='" + url + "': an http:// or https:// URL with a host");
        }
        if ("http".equals(uri.getScheme()) && !loopback(uri.getHost())) {
            LOG.warn("chat.webhook-url sends replies and its bearer token in the clear to {}: use https beyond loopback", uri.getHost());
        }
        return uri;
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    boolean configured() {
        return client != null;
    }

    /** Queues {@code body} behind what is waiting (never blocks the caller). */
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
        if (!waiting.offer(bytes)) {
            giveUp(body.path("workItem").asText("?"), MAX_WAITING + " messages already waiting");
        }
    }

    /** The sender thread: the oldest message until the gateway takes it or {@link #GIVE_UP_MS} passed, then the next. */
    private void sendInOrder() {
        try {
            while (true) {
                byte[] body = waiting.take();
                if (body == STOP) {
                    return;
                }
                deliver(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(byte[] body) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.webhookToken() != null) {
            request.header("Authorization", "Bearer " + settings.webhookToken());
        }
        long giveUpAt = System.currentTimeMillis() + GIVE_UP_MS;
        long backoffMs = firstBackoffMs;
        String why;
        while (true) {
            try {
                int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    counters.webhookDelivered.increment();
                    return;
                }
                why = "HTTP " + status;
            } catch (java.io.IOException e) {
                why = e.toString();
            }
            counters.webhookRetries.increment();
            if (System.currentTimeMillis() + backoffMs > giveUpAt) {
                giveUp(workItemOf(body), why + ", retried for " + GIVE_UP_MS / 60_000 + " min");
                return;
            }
            rareWarning("webhook " + uri.getHost() + " refused a message (" + why + "); retrying in order, nothing is dropped yet");
            TimeUnit.MILLISECONDS.sleep(backoffMs);
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
    }

    private String workItemOf(byte[] body) {
        try {
            return json.readTree(body).path("workItem").asText("?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private void giveUp(String workItem, String why) {
        counters.webhookFailures.increment();
        LOG.error("webhook {}: a message of work item {} was given up ({}); its text stays in the transcript store",
                uri.getHost(), workItem, why);
    }

    /** At most once a minute: a gateway that is down would otherwise fill the log. */
    private void rareWarning(String message) {
        long now = System.currentTimeMillis();
        long last = lastLogMs.get();
        if (now - last > 60_000 && lastLogMs.compareAndSet(last, now)) {
            LOG.warn(message);
        }
    }

    /**
     * Stops once what waits is delivered, or after five seconds: then what still waits is given up
     * (counted and logged; the texts stay in the transcript store).
     */
    @Override
    public void close() {
        if (client == null) {
            return;
        }
        try {
            if (!waiting.offer(STOP) || !sender.join(Duration.ofSeconds(5))) {
                sender.interrupt();
                sender.join(Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (byte[] body = waiting.poll(); body != null; body = waiting.poll()) {
            if (body != STOP) {
                giveUp(workItemOf(body), "Loket stopped");
            }
        }
        client.close();
    }
}
