package org.loket.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends replies and outcomes of e-mail and social work items to the organisation's gateways: JSON
 * {@code POST} to {@link ChatSettings#webhookUrl()}, one at a time and in the order they were made
 * (a ticket's reply before its outcome), each retried with backoff up to a minute apart until
 * {@link ChatSettings#webhookGiveUpHours()} after it was queued, so a gateway that is down for a
 * deploy or a weekend gets everything once it is back.
 *
 * <p>Durable: {@link #send} returns once the message is synced to the {@link WebhookOutbox}; at
 * start, what waits there (left by a stop or a crash) is sent first, in its order
 * ({@code webhookRecovered}). Each body carries a {@code messageId}, the same on every retry and
 * after a restart, and {@code createdAt}: delivery is at least once (a crash between the gateway's
 * 2xx and the mark sends the message again), and the gateway drops what it already has by id.
 *
 * <p>A message still refused at its give-up time, one the gateway refuses as such (400, 409, 410,
 * 413, 415, 422) for {@link #REFUSED_MESSAGE_GIVE_UP_MS} since this process first heard so (it
 * would hold every reply behind it for days), or one beyond {@link #MAX_WAITING} waiting, is
 * given up: moved to the given-up file for an operator to re-send, counted and logged with its
 * work item, never with the token or the text. The caller never waits on the network.
 */
final class Webhook implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Webhook.class);
    /**
     * How long a message the gateway refuses as such ({@link #refusesTheMessage}) holds the others
     * back: retried that long (a gateway's bad deploy), not for days.
     */
    static final long REFUSED_MESSAGE_GIVE_UP_MS = 3_600_000;
    /** Messages waiting behind one the gateway refuses; more are given up at once. */
    static final int MAX_WAITING = 100_000;
    private static final long MAX_BACKOFF_MS = 60_000;
    private static final WebhookMessage STOP = new WebhookMessage("", "", 0, new byte[0]);

    private final ChatSettings settings;
    private final ChatCounters counters;
    private final HttpClient client;
    private final URI uri;
    private final WebhookOutbox outbox;
    private final LinkedBlockingQueue<WebhookMessage> waiting = new LinkedBlockingQueue<>(MAX_WAITING);
    private final long firstBackoffMs;
    private final long giveUpMs;
    private final long refusedMessageGiveUpMs;
    private final AtomicLong lastLogMs = new AtomicLong();
    /** Counted down by {@link #close}: a refused message then waits in the outbox instead of being retried. */
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread sender;

    Webhook(ChatSettings settings, ChatCounters counters) {
        this(settings, counters, 200, settings.webhookGiveUpHours() * 3_600_000L, REFUSED_MESSAGE_GIVE_UP_MS);
    }

    /**
     * Opens the outbox and starts sending what waits there.
     *
     * @param firstBackoffMs the wait before the first retry, doubled for each next one up to a minute (tests shorten it)
     * @param giveUpMs       how long after it was queued a refused message is given up (tests shorten it)
     * @param refusedMessageGiveUpMs how long after the gateway first refused a message as such it is given up (tests shorten it)
     * @throws IllegalArgumentException naming {@code chat.webhook-url} when it is not an http(s) URL
     * @throws UncheckedIOException naming {@code chat.webhook-outbox-file} when the outbox cannot be written
     */
    Webhook(ChatSettings settings, ChatCounters counters, long firstBackoffMs, long giveUpMs, long refusedMessageGiveUpMs) {
        this.settings = settings;
        this.counters = counters;
        this.firstBackoffMs = firstBackoffMs;
        this.giveUpMs = giveUpMs;
        this.refusedMessageGiveUpMs = refusedMessageGiveUpMs;
        this.uri = settings.webhookUrl() == null ? null : checked(settings.webhookUrl());
        this.outbox = uri == null ? null : openOutbox(settings.webhookOutboxFile());
        if (outbox == null) {
            warnOfUnsentMessages(settings.webhookOutboxFile());
        } else {
            for (WebhookMessage m : outbox.recovered()) {
                if (!waiting.offer(m)) {
                    giveUp(m, MAX_WAITING + " messages already waiting");
                }
            }
            counters.webhookRecovered.add(outbox.recovered().size());
            if (!outbox.recovered().isEmpty()) {
                LOG.info("webhook: {} messages waiting in {} since the last stop are sent first, in their order",
                        outbox.recovered().size(), outbox.file());
            }
        }
        this.client = uri == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.sender = uri == null ? null : Thread.ofVirtual().name("chat-webhook").start(this::sendInOrder);
    }

    private static WebhookOutbox openOutbox(Path file) {
        try {
            return WebhookOutbox.open(file, System.currentTimeMillis());
        } catch (IOException e) {
            throw new UncheckedIOException("chat.webhook-outbox-file " + file + " cannot be written: " + e, e);
        }
    }

    /** Without a URL nothing is sent: an outbox left with messages in it is worth a line at start. */
    private static void warnOfUnsentMessages(Path file) {
        try {
            if (Files.size(file) > OutboxLines.header(OutboxLines.OUTBOX).length()) {
                LOG.warn("webhook: {} may hold messages not yet sent, and chat.webhook-url is unset: they wait there until it is set",
                        file);
            }
        } catch (IOException e) {
            // no outbox: nothing waits
        }
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

    /**
     * Gives the gateway the fields of {@code body} with a new {@code messageId} and {@code createdAt},
     * behind what is waiting. Returns once the message is synced to the outbox (a write there that
     * fails is counted and logged; the message is then still sent while Loket runs); never waits on
     * the network. Any thread; the hub's.
     */
    void send(ObjectNode body) {
        if (client == null) {
            return;
        }
        WebhookMessage message = WebhookMessage.of(body, System.currentTimeMillis());
        try {
            outbox.add(message);
        } catch (IOException e) {
            outboxFailed("a message of work item " + message.workItem() + " is not on disk (a stop now would lose it)", e);
        }
        if (!waiting.offer(message)) {
            giveUp(message, MAX_WAITING + " messages already waiting");
        }
    }

    /** The sender thread: the oldest message until the gateway takes it or its give-up time passed, then the next. */
    private void sendInOrder() {
        try {
            while (true) {
                WebhookMessage message = waiting.take();
                if (message == STOP || !deliver(message)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return false when Loket stops before the gateway took {@code message} (it waits in the outbox) */
    private boolean deliver(WebhookMessage message) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(message.body()));
        if (settings.webhookToken() != null) {
            request.header("Authorization", "Bearer " + settings.webhookToken());
        }
        long giveUpAtMs = message.queuedMs() + giveUpMs;
        long backoffMs = firstBackoffMs;
        String why;
        while (true) {
            try {
                int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    counters.webhookDelivered.increment();
                    markDelivered(message);
                    return true;
                }
                why = "HTTP " + status;
                if (refusesTheMessage(status)) {
                    giveUpAtMs = Math.min(giveUpAtMs, System.currentTimeMillis() + refusedMessageGiveUpMs); // from the first such refusal
                }
            } catch (IOException e) {
                why = e.toString();
            }
            counters.webhookRetries.increment();
            if (System.currentTimeMillis() + backoffMs > giveUpAtMs) {
                giveUp(message, why + ", given up " + duration(System.currentTimeMillis() - message.queuedMs()) + " after it was queued");
                return true;
            }
            rareWarning("webhook " + uri.getHost() + " refused a message (" + why + "); retrying in order, nothing is dropped yet");
            if (stopping.await(backoffMs, TimeUnit.MILLISECONDS)) {
                return false;
            }
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
    }

    /**
     * Statuses by which a gateway says the message itself is wrong (rather than that it is down,
     * overloaded or wrongly addressed, which holds for every message alike).
     */
    private static boolean refusesTheMessage(int status) {
        return status == 400 || status == 409 || status == 410 || status == 413 || status == 415 || status == 422;
    }

    private static String duration(long ms) {
        return ms >= 7_200_000 ? ms / 3_600_000 + " h" : ms >= 60_000 ? ms / 60_000 + " min" : ms + " ms";
    }

    private void markDelivered(WebhookMessage message) {
        try {
            outbox.delivered(message);
        } catch (IOException e) {
            outboxFailed("the delivery of a message of work item " + message.workItem() + " is not marked (a restart sends it again)", e);
        }
    }

    /** To the given-up file; when that cannot take it, it stays in the outbox for the next start. */
    private void giveUp(WebhookMessage message, String why) {
        counters.webhookFailures.increment();
        String where;
        try {
            outbox.givenUp(message, why, System.currentTimeMillis());
            where = "moved to " + outbox.givenUpFile() + " to re-send";
        } catch (IOException e) {
            outboxFailed("a given-up message of work item " + message.workItem() + " cannot be moved to " + outbox.givenUpFile(), e);
            where = "left in " + outbox.file() + " for the next start";
        }
        LOG.error("webhook {}: message {} of work item {} was given up ({}); {}", uri.getHost(), message.id(), message.workItem(), why,
                where);
    }

    private void outboxFailed(String what, IOException e) {
        counters.webhookOutboxFailures.increment();
        LOG.error("webhook: {}: {}", what, e.toString());
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
     * Stops once what waits is delivered, at the gateway's first refusal, or after five seconds: what
     * still waits stays in the outbox and is sent first at the next start.
     */
    @Override
    public void close() {
        if (client == null) {
            return;
        }
        stopping.countDown();
        try {
            if (!waiting.offer(STOP) || !sender.join(Duration.ofSeconds(5))) {
                sender.interrupt();
                sender.join(Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = outbox.waiting();
        if (left > 0) {
            LOG.info("webhook: {} messages wait in {} for the next start", left, outbox.file());
        }
        outbox.close();
        client.close();
    }
}
