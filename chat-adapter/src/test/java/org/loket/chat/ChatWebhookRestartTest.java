package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An agent's reply to a citizen's e-mail survives a stop of Loket while the organisation's mail
 * gateway is down: a real engine and chat gateway are stopped with the reply refused, and started
 * again on the same folders; the reply then reaches the gateway with the id it had before.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ChatWebhookRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldDeliverAReplyMadeWhileTheGatewayWasDownAfterARestartWithItsId() throws Exception {
        LinkedBlockingQueue<JsonNode> refused = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<JsonNode> delivered = new LinkedBlockingQueue<>();
        int[] status = {503};
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            (status[0] / 100 == 2 ? delivered : refused).add(body);
            exchange.sendResponseHeaders(status[0], -1);
            exchange.close();
        });
        receiver.start();
        Map<String, String> hook = Map.of("chat.webhook-url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        Path data;
        try {
            String refusedId;
            try (TestEngine t = new TestEngine(hook); WsClient desk = t.login("backoffice-001")) {
                data = t.dataFolder;
                HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(t.http() + "/api/v1/work-items"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + TestEngine.WORK_ITEM_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"email\",\"externalId\":\"mail-42\","
                                + "\"from\":\"citizen@example.org\",\"subject\":\"Code\",\"body\":\"My code expired.\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                String id = JSON.readTree(posted.body()).path("workItem").asText();
                desk.await("offer");
                desk.send("{\"type\":\"accept\",\"contact\":\"" + id + "\"}");
                desk.await("conversation");
                desk.send("{\"type\":\"message\",\"contact\":\"" + id + "\",\"text\":\"Please apply again.\"}");
                JsonNode first = refused.poll(10, TimeUnit.SECONDS);
                assertThat(first).as("the gateway refused the reply").isNotNull();
                refusedId = first.path("messageId").asText();
            } // a clean stop with the mail gateway down
            assertThat(Files.readString(TestEngine.files(data).resolve(ChatSettings.OUTBOX_FILE))).as("waiting on disk").contains("Please apply again.");

            status[0] = 204;
            try (TestEngine t = new TestEngine(data, "/chat-test-config", hook)) {
                JsonNode reply = delivered.poll(10, TimeUnit.SECONDS);
                assertThat(reply).isNotNull();
                assertThat(reply.path("type").asText()).isEqualTo("reply");
                assertThat(reply.path("externalId").asText()).isEqualTo("mail-42");
                assertThat(reply.path("text").asText()).isEqualTo("Please apply again.");
                assertThat(reply.path("messageId").asText()).isEqualTo(refusedId);
                assertThat(t.gateway.counters().webhookRecovered.sum()).isEqualTo(1);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (Files.readString(TestEngine.files(data).resolve(ChatSettings.OUTBOX_FILE)).contains("Please apply again.") && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(Files.readString(TestEngine.files(data).resolve(ChatSettings.OUTBOX_FILE))).as("delivered: gone from disk")
                        .doesNotContain("Please apply again.");
            }
        } finally {
            receiver.stop(0);
        }
    }
}
