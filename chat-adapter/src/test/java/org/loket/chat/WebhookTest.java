package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The outbound webhook on a real HTTP server on loopback: a gateway that refuses for a while (a
 * deploy) still gets every reply and outcome, once each and in the order they were made.
 */
class WebhookTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldDeliverEveryMessageOnceAndInOrderAfterTheGatewayWasDown() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicInteger refusalsLeft = new AtomicInteger(4);
        HttpServer gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        gateway.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean down = refusalsLeft.getAndDecrement() > 0;
            if (!down) {
                received.add(JSON.readTree(body).path("type").asText() + " " + JSON.readTree(body).path("workItem").asText());
            }
            exchange.sendResponseHeaders(down ? 503 : 204, -1);
            exchange.close();
        });
        gateway.start();
        ChatCounters counters = new ChatCounters();
        ChatSettings settings = ChatSettings.from(Map.of("chat.webhook-url", "http://127.0.0.1:" + gateway.getAddress().getPort() + "/hook"));
        try (Webhook webhook = new Webhook(settings, counters, 20)) {
            for (int item = 1; item <= 3; item++) {
                webhook.send(JSON.createObjectNode().put("type", "reply").put("workItem", Integer.toString(item)));
                webhook.send(JSON.createObjectNode().put("type", "outcome").put("workItem", Integer.toString(item)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.size() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            gateway.stop(0);
        }
        assertThat(received).containsExactly("reply 1", "outcome 1", "reply 2", "outcome 2", "reply 3", "outcome 3");
        assertThat(counters.webhookRetries.sum()).isEqualTo(4);
        assertThat(counters.webhookFailures.sum()).isZero();
        assertThat(counters.webhookDelivered.sum()).isEqualTo(6);
    }

    @Test
    void shouldNameTheSettingOfAUrlItCannotUse() {
        for (String url : List.of("ftp://gateway/hook", "not a url", "https:///nohost")) {
            assertThatThrownBy(() -> new Webhook(ChatSettings.from(Map.of("chat.webhook-url", url)), new ChatCounters()).close())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("chat.webhook-url='" + url + "'");
        }
    }
}
