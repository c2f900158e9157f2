package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The outbound webhook on a real HTTP server on loopback, with its outbox on disk: a gateway that
 * refuses for a while (a deploy) or is down across a stop of Loket still gets every reply and
 * outcome, in the order they were made, each with the same {@code messageId} however often it is
 * sent; what is given up is in the given-up file, and the outbox keeps no delivered text.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebhookTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = "{\"loket\":\"webhook-outbox\",\"format\":1}\n";

    @TempDir
    Path folder;
    private Path outbox;
    private HttpServer gateway;
    /** Every request's body, accepted or not. */
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    /** The bodies the gateway answered 2xx. */
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    /** The status the gateway answers; {@code refusalsLeft} requests get 503 first. */
    private volatile int status = 204;
    private final AtomicInteger refusalsLeft = new AtomicInteger();
    /** When set, the gateway holds each request until it is counted down. */
    private volatile CountDownLatch hold;

    @BeforeEach
    void startGateway() throws Exception {
        outbox = folder.resolve("webhook-outbox.jsonl");
        gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        gateway.createContext("/hook", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            requests.add(body);
            CountDownLatch held = hold;
            if (held != null) {
                try {
                    held.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int answer = body.path("text").asText().contains("NL00") ? 422 : refusalsLeft.getAndDecrement() > 0 ? 503 : status;
            if (answer / 100 == 2) {
                received.add(body);
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        gateway.start();
    }

    @AfterEach
    void stopGateway() {
        gateway.stop(0);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(WebhookOutbox.class)).detachAppender("webhook-test");
    }

    private ChatSettings settings() {
        return ChatSettings.from(Map.of("chat.webhook-url", "http://127.0.0.1:" + gateway.getAddress().getPort() + "/hook",
                "chat.webhook-outbox-file", outbox.toString()));
    }

    private Webhook webhook(ChatCounters counters, long giveUpMs) {
        return new Webhook(settings(), counters, 20, giveUpMs, Webhook.REFUSED_MESSAGE_GIVE_UP_MS);
    }

    private static void send(Webhook webhook, String type, int item, String text) {
        webhook.send(JSON.createObjectNode().put("type", type).put("workItem", Integer.toString(item)).put("text", text));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static List<String> texts(List<JsonNode> bodies) {
        return bodies.stream().map(b -> b.path("type").asText() + " " + b.path("workItem").asText() + " " + b.path("text").asText()).toList();
    }

    private static List<String> ids(List<JsonNode> bodies) {
        return bodies.stream().map(b -> b.path("messageId").asText()).toList();
    }

    private ListAppender<ILoggingEvent> log() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.setName("webhook-test");
        log.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(WebhookOutbox.class)).addAppender(log);
        return log;
    }

    @Test
    void shouldDeliverEveryMessageOnceAndInOrderAfterTheGatewayWasDown() throws Exception {
        refusalsLeft.set(4);
        ChatCounters counters = new ChatCounters();
        try (Webhook webhook = webhook(counters, 3_600_000)) {
            for (int item = 1; item <= 3; item++) {
                send(webhook, "reply", item, "Answer " + item);
                send(webhook, "outcome", item, "");
            }
            await(() -> received.size() == 6, "six messages");
        }
        assertThat(texts(received)).containsExactly("reply 1 Answer 1", "outcome 1 ", "reply 2 Answer 2", "outcome 2 ",
                "reply 3 Answer 3", "outcome 3 ");
        assertThat(ids(received)).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).matches("[0-9a-f-]{36}"));
        assertThat(ids(requests.subList(0, 5))).as("the refused first message, four times, then delivered: one id").containsOnly(
                received.getFirst().path("messageId").asText());
        assertThat(received).allSatisfy(b -> assertThat(b.path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));
        assertThat(counters.webhookRetries.sum()).isEqualTo(4);
        assertThat(counters.webhookFailures.sum()).isZero();
        assertThat(counters.webhookDelivered.sum()).isEqualTo(6);
        assertThat(Files.readString(outbox)).as("nothing waits: no delivered text stays on disk").isEqualTo(HEADER);
        assertThat(Files.getPosixFilePermissions(outbox)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void shouldSendWhatWaitedAtAStopFirstAndInOrderAfterARestartWithTheSameIds() throws Exception {
        status = 503;
        ChatCounters before = new ChatCounters();
        try (Webhook webhook = webhook(before, 3_600_000)) {
            for (int item = 1; item <= 3; item++) {
                send(webhook, "reply", item, "Answer " + item);
            }
            await(() -> before.webhookRetries.sum() > 0, "a refusal");
        } // Loket stops with the gateway down: the three wait in the outbox
        assertThat(received).isEmpty();
        assertThat(before.webhookFailures.sum()).as("nothing is given up at a stop").isZero();
        String refusedId = requests.getFirst().path("messageId").asText();

        status = 204;
        ChatCounters after = new ChatCounters();
        try (Webhook webhook = webhook(after, 3_600_000)) {
            send(webhook, "outcome", 3, "");
            await(() -> received.size() == 4, "four messages");
        }
        assertThat(texts(received)).containsExactly("reply 1 Answer 1", "reply 2 Answer 2", "reply 3 Answer 3", "outcome 3 ");
        assertThat(received.getFirst().path("messageId").asText()).as("the id the gateway saw before the stop").isEqualTo(refusedId);
        assertThat(after.webhookRecovered.sum()).isEqualTo(3);
        assertThat(after.webhookDelivered.sum()).isEqualTo(4);
        assertThat(Files.readString(outbox)).isEqualTo(HEADER);
    }

    @Test
    void shouldSendAgainWithTheSameIdWhenLoketDiedBetweenTheGatewaysAnswerAndTheMark() throws Exception {
        hold = new CountDownLatch(1);
        String beforeTheMark;
        try (Webhook webhook = webhook(new ChatCounters(), 3_600_000)) {
            send(webhook, "reply", 7, "Your code is on its way.");
            await(() -> requests.size() == 1, "the request");
            beforeTheMark = Files.readString(outbox); // the disk as a crash right after the gateway's 2xx leaves it
            hold.countDown();
            await(() -> received.size() == 1, "the delivery");
        }
        hold = null;
        assertThat(beforeTheMark).contains("Your code is on its way.");
        Files.writeString(outbox, beforeTheMark);

        ChatCounters counters = new ChatCounters();
        try (Webhook webhook = webhook(counters, 3_600_000)) {
            await(() -> received.size() == 2, "the duplicate");
        }
        assertThat(ids(received)).as("a duplicate the gateway can drop by its id").hasSize(2).containsOnly(ids(received).getFirst());
        assertThat(counters.webhookRecovered.sum()).isEqualTo(1);
    }

    @Test
    void shouldKeepNoDeliveredTextInAnOutboxWithABacklog() throws Exception {
        try (WebhookOutbox box = WebhookOutbox.open(outbox, System.currentTimeMillis())) {
            List<WebhookMessage> messages = new java.util.ArrayList<>();
            for (int i = 0; i < 300; i++) {
                WebhookMessage m = WebhookMessage.of(JSON.createObjectNode().put("workItem", "9").put("text", "citizen text " + i + "."),
                        System.currentTimeMillis());
                box.add(m);
                messages.add(m);
            }
            for (int i = 0; i < WebhookOutbox.REWRITE_AFTER; i++) {
                box.delivered(messages.get(i));
            }
            String onDisk = Files.readString(outbox);
            assertThat(onDisk).doesNotContain("citizen text 0.", "citizen text " + (WebhookOutbox.REWRITE_AFTER - 1) + ".")
                    .contains("citizen text " + WebhookOutbox.REWRITE_AFTER + ".", "citizen text 299.");
            assertThat(onDisk.lines()).hasSize(1 + 300 - WebhookOutbox.REWRITE_AFTER);
        }
        try (WebhookOutbox box = WebhookOutbox.open(outbox, System.currentTimeMillis())) {
            assertThat(box.recovered()).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                    .hasSize(300 - WebhookOutbox.REWRITE_AFTER).first().asString().contains("citizen text " + WebhookOutbox.REWRITE_AFTER + ".");
        }
    }

    @Test
    void shouldMoveAMessageRefusedUntilItsGiveUpTimeToTheGivenUpFileAndSendItAgainFromTheResendFile() throws Exception {
        status = 503;
        ChatCounters counters = new ChatCounters();
        try (Webhook webhook = webhook(counters, 300)) {
            send(webhook, "reply", 1, "Please apply again.");
            send(webhook, "outcome", 1, "");
            await(() -> counters.webhookFailures.sum() == 2, "both given up");
        }
        Path givenUp = folder.resolve(WebhookOutbox.GIVEN_UP_FILE);
        List<String> lines = Files.readAllLines(givenUp);
        assertThat(lines).hasSize(3);
        assertThat(lines.getFirst()).isEqualTo("{\"loket\":\"webhook-given-up\",\"format\":1}");
        assertThat(JSON.readTree(lines.get(1)).path("why").asText()).startsWith("HTTP 503");
        assertThat(JSON.readTree(lines.get(1)).path("body").path("text").asText()).isEqualTo("Please apply again.");
        assertThat(Files.getPosixFilePermissions(givenUp)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(outbox)).isEqualTo(HEADER);
        List<String> refusedIds = List.of(JSON.readTree(lines.get(1)).path("body").path("messageId").asText(),
                JSON.readTree(lines.get(2)).path("body").path("messageId").asText());

        Files.move(givenUp, folder.resolve(WebhookOutbox.RESEND_FILE)); // what an operator does, Loket stopped
        status = 204;
        ChatCounters again = new ChatCounters();
        try (Webhook webhook = webhook(again, 300)) {
            await(() -> received.size() == 2, "the re-sent messages");
        }
        assertThat(texts(received)).containsExactly("reply 1 Please apply again.", "outcome 1 ");
        assertThat(ids(received)).isEqualTo(refusedIds);
        assertThat(again.webhookRecovered.sum()).isEqualTo(2);
        assertThat(folder.resolve(WebhookOutbox.RESEND_FILE)).doesNotExist();
    }

    @Test
    void shouldGiveUpSoonerAMessageTheGatewayRefusesAsSuchThanOneItCannotTakeYet() throws Exception {
        Path givenUp = folder.resolve(WebhookOutbox.GIVEN_UP_FILE);
        Files.writeString(givenUp, "{\"loket\":\"webhook-given-up\",\"format\":1}\n");
        Files.setPosixFilePermissions(givenUp, PosixFilePermissions.fromString("rw-r--r--")); // left so by someone
        ChatCounters counters = new ChatCounters();
        try (Webhook webhook = new Webhook(settings(), counters, 20, 72 * 3_600_000L, 300)) {
            send(webhook, "reply", 1, "Transfer to NL00 please"); // the gateway answers 422: this message itself is wrong
            send(webhook, "reply", 2, "Please apply again.");
            await(() -> received.size() == 1, "the message behind it");
            refusalsLeft.set(1_000_000); // now the gateway is down: 503 is not the message's fault
            long before = counters.webhookRetries.sum();
            send(webhook, "reply", 3, "Your code is on its way.");
            await(() -> counters.webhookRetries.sum() >= before + 6, "refusals of the third, for longer than 300 ms"); // 20+40+...+640 ms
        }
        assertThat(texts(received)).containsExactly("reply 2 Please apply again.");
        assertThat(counters.webhookFailures.sum()).as("the 422 alone").isEqualTo(1);
        assertThat(Files.readString(givenUp)).contains("NL00").contains("HTTP 422").doesNotContain("Your code");
        assertThat(Files.getPosixFilePermissions(givenUp)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(OutboxLines.read(outbox).waiting()).as("what the next start sends").extracting(WebhookMessage::workItem)
                .containsExactly("3");
    }

    @Test
    void shouldSendEveryGoodMessageOfAMalformedOutboxAndSetTheFileAside() throws Exception {
        String a = "{\"queued\":\"2026-11-25T08:00:00Z\",\"body\":{\"messageId\":\"a\",\"type\":\"reply\",\"workItem\":\"1\",\"text\":\"A\"}}\n";
        String b = "{\"queued\":\"2026-11-25T08:00:01Z\",\"body\":{\"messageId\":\"b\",\"type\":\"reply\",\"workItem\":\"2\",\"text\":\"B\"}}\n";
        String c = "{\"queued\":\"2026-11-25T08:00:02Z\",\"body\":{\"messageId\":\"c\",\"type\":\"reply\",\"workItem\":\"3\",\"text\":\"C\"}}\n";
        String written = HEADER + a + "{\"queued\":\"2026-11-25T08:00:0\n" + c + "{\"delivered\":\"c\"}\n" + b
                + "{\"queued\":\"2026-11-25T08:00:03Z\",\"body\":{\"messageId\":\"d\",\"text\":\"cut sh";
        Files.writeString(outbox, written);
        Files.setPosixFilePermissions(outbox, PosixFilePermissions.fromString("rw-------"));
        ListAppender<ILoggingEvent> log = log();
        ChatCounters counters = new ChatCounters();
        try (Webhook webhook = webhook(counters, 72 * 3_600_000L)) {
            await(() -> received.size() == 2, "the good messages");
        }
        assertThat(ids(received)).as("complete messages in order; the delivered one and the line cut short not").containsExactly("a", "b");
        assertThat(Files.readString(folder.resolve("webhook-outbox.jsonl.malformed"))).isEqualTo(written);
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.ERROR).singleElement().extracting(ILoggingEvent::getFormattedMessage)
                .asString().contains(outbox + ":3: not JSON").contains("copied to " + outbox + ".malformed");
        assertThat(Files.readString(outbox)).isEqualTo(HEADER);
    }

    @Test
    void shouldSendNothingFromAnOutboxOfAnotherFormat() throws Exception {
        String written = "{\"loket\":\"webhook-outbox\",\"format\":2}\n{\"queued\":\"2026-11-25T08:00:00Z\",\"body\":{\"messageId\":\"a\"}}\n";
        Files.writeString(outbox, written);
        Files.setPosixFilePermissions(outbox, PosixFilePermissions.fromString("rw-------"));
        try (Webhook webhook = webhook(new ChatCounters(), 3_600_000)) {
            send(webhook, "reply", 1, "new");
            await(() -> received.size() == 1, "the new message");
        }
        assertThat(ids(received)).doesNotContain("a");
        assertThat(Files.readString(folder.resolve("webhook-outbox.jsonl.malformed"))).isEqualTo(written);
    }

    @Test
    void shouldSendNothingFromAnOutboxOthersMayReadAndSetItAside() throws Exception {
        String written = HEADER + "{\"queued\":\"2026-11-25T08:00:00Z\",\"body\":{\"messageId\":\"planted\",\"text\":\"Pay to NL00\"}}\n";
        Files.writeString(outbox, written);
        Files.setPosixFilePermissions(outbox, PosixFilePermissions.fromString("rw-r-----"));
        ListAppender<ILoggingEvent> log = log();
        ChatCounters counters = new ChatCounters();
        try (Webhook webhook = webhook(counters, 3_600_000)) {
            send(webhook, "reply", 1, "new");
            await(() -> received.size() == 1, "the new message");
        }
        assertThat(ids(received)).doesNotContain("planted");
        assertThat(counters.webhookRecovered.sum()).isZero();
        assertThat(Files.readString(folder.resolve("webhook-outbox.jsonl.not-owner-only"))).isEqualTo(written);
        assertThat(Files.getPosixFilePermissions(outbox)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.ERROR).singleElement().extracting(ILoggingEvent::getFormattedMessage)
                .asString().contains("nothing is sent from " + outbox).contains("chmod 600");
    }

    @Test
    void shouldKeepTheOutboxBesideTheJournalUnlessASettingNamesIt() {
        assertThat(ChatSettings.from(Map.of(ChatSettings.JOURNAL, "/srv/loket/var/journal")).webhookOutboxFile())
                .isEqualTo(Path.of("/srv/loket/var/journal.files/webhook-outbox.jsonl"));
        // Two Lokets on two journals in one folder share none of the chat's files.
        ChatSettings live = ChatSettings.from(Map.of(ChatSettings.JOURNAL, "/srv/loket/var/live"));
        ChatSettings other = ChatSettings.from(Map.of(ChatSettings.JOURNAL, "/srv/loket/var/chatj"));
        assertThat(live.transcriptFolder()).isEqualTo(Path.of("/srv/loket/var/live.files/transcripts"));
        assertThat(other.transcriptFolder()).isEqualTo(Path.of("/srv/loket/var/chatj.files/transcripts"));
        assertThat(List.of(live.supervisorSessionFile(), live.agentSessionFile(), live.webhookOutboxFile()))
                .allMatch(p -> p.startsWith(Path.of("/srv/loket/var/live.files")));
        assertThat(List.of(other.supervisorSessionFile(), other.agentSessionFile(), other.webhookOutboxFile()))
                .allMatch(p -> p.startsWith(Path.of("/srv/loket/var/chatj.files")));
        assertThat(new ChatGatewayProvider().filesKeptForJournal(Map.of("chat.port", "8080", "chat.transcript-folder", "/srv/t")))
                .as("what loket run moves from the journal's parent at the upgrade").doesNotContain("transcripts")
                .contains("supervisor-sessions.jsonl", "agent-sessions.jsonl.*", "webhook-outbox.jsonl", "webhook-given-up.jsonl");
        assertThat(ChatSettings.from(Map.of()).webhookGiveUpHours()).isEqualTo(72);
        assertThatThrownBy(() -> ChatSettings.from(Map.of("chat.webhook-give-up-hours", "0")))
                .hasMessage("chat.webhook-give-up-hours 0 is outside 1..720");
    }

    @Test
    void shouldNameTheSettingOfAUrlItCannotUse() {
        for (String url : List.of("ftp://gateway/hook", "not a url", "https:///nohost")) {
            assertThatThrownBy(() -> new Webhook(ChatSettings.from(Map.of("chat.webhook-url", url)), new ChatCounters()).close())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("chat.webhook-url='" + url + "'");
        }
    }
}
