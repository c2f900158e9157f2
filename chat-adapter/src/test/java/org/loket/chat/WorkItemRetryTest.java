package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;

/**
 * A mail gateway delivers at least once: a work item posted again with the same channel and
 * {@code externalId} (a retry after a timeout) gets the id Loket gave it and makes no second
 * contact, while it is live, after it ended, and across a restart of Loket on the same folders.
 * A real engine and gateway on loopback.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WorkItemRetryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAIL_42 = "{\"channel\":\"email\",\"externalId\":\"mail-42\",\"from\":\"citizen@example.org\","
            + "\"subject\":\"Code\",\"body\":\"My code expired.\"}";

    @Test
    void shouldAnswerARetryOfALiveItemWithItsIdAndMakeNoSecondContact() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("backoffice-001")) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> first = post(http, t, MAIL_42);
            assertThat(first.statusCode()).isEqualTo(202);
            String id = JSON.readTree(first.body()).path("workItem").asText();
            desk.await("offer", f -> f.path("contact").asText().equals(id), 10_000);

            HttpResponse<String> retry = post(http, t, MAIL_42);
            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(retry.body()).path("workItem").asText()).isEqualTo(id);
            assertThat(JSON.readTree(retry.body()).path("duplicate").asBoolean()).isTrue();
            HttpResponse<String> changed = post(http, t, MAIL_42.replace("My code expired.", "Sent again, other words."));
            assertThat(changed.statusCode()).as("the externalId names the message, whatever the body").isEqualTo(200);
            assertThat(JSON.readTree(changed.body()).path("workItem").asText()).isEqualTo(id);
            HttpResponse<String> social = post(http, t, MAIL_42.replace("\"email\"", "\"social\""));
            assertThat(social.statusCode()).as("the same id in another channel is another item").isEqualTo(202);
            assertThat(JSON.readTree(social.body()).path("workItem").asText()).isNotEqualTo(id);

            t.engine.awaitQuiet(5_000);
            assertThat(arrivals(t)).as("contacts journaled").isEqualTo(2);
            assertThat(t.engine.query(core -> core.liveContacts()).get(5, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(t.gateway.counters().workItemDuplicates.sum()).isEqualTo(2);
            assertThat(t.gateway.counters().workItemsAccepted.sum()).isEqualTo(2);
        }
    }

    @Test
    void shouldAnswerARetryOfAnItemThatEndedWithItsId() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("backoffice-001")) {
            HttpClient http = HttpClient.newHttpClient();
            String id = JSON.readTree(post(http, t, MAIL_42).body()).path("workItem").asText();
            answerAndEnd(t, desk, id);

            HttpResponse<String> retry = post(http, t, MAIL_42);
            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(retry.body()).path("workItem").asText()).isEqualTo(id);
            t.engine.awaitQuiet(5_000);
            assertThat(arrivals(t)).isEqualTo(1);
            assertThat(t.engine.query(core -> core.liveContacts()).get(5, TimeUnit.SECONDS)).isZero();

            // An ended item goes from the hub's memory a minute after its end, as a web chat does; a retry is still known.
            long contact = Long.parseLong(id);
            assertThat(t.gateway.hub().ask(h -> h.conversations().containsKey(contact)).get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(t.gateway.hub().ask(h -> {
                h.conversations().get(contact).endedMs -= 61_000;
                h.sweepCitizens();
                return h.conversations().containsKey(contact);
            }).get(5, TimeUnit.SECONDS)).as("an e-mail kept for ever was memory per e-mail").isFalse();
            HttpResponse<String> later = post(http, t, MAIL_42);
            assertThat(JSON.readTree(later.body()).path("workItem").asText()).isEqualTo(id);
        }
    }

    @Test
    void shouldAnswerARetryAfterARestartWithTheIdOfBefore() throws Exception {
        Path data;
        String live;
        String ended;
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("backoffice-001")) {
            data = t.dataFolder;
            HttpClient http = HttpClient.newHttpClient();
            ended = JSON.readTree(post(http, t, MAIL_42.replace("mail-42", "mail-7")).body()).path("workItem").asText();
            answerAndEnd(t, desk, ended);
            live = JSON.readTree(post(http, t, MAIL_42).body()).path("workItem").asText();
            t.engine.awaitQuiet(5_000);
            assertThat(arrivals(t)).isEqualTo(2);
        } // a clean stop: the hub's memory of the keys is gone

        try (TestEngine t = new TestEngine(data, "/chat-test-config", Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> retry = post(http, t, MAIL_42);
            assertThat(retry.statusCode()).as("live over the restart").isEqualTo(200);
            assertThat(JSON.readTree(retry.body()).path("workItem").asText()).isEqualTo(live);
            HttpResponse<String> late = post(http, t, MAIL_42.replace("mail-42", "mail-7"));
            assertThat(late.statusCode()).as("ended before the restart").isEqualTo(200);
            assertThat(JSON.readTree(late.body()).path("workItem").asText()).isEqualTo(ended);
            t.engine.awaitQuiet(5_000);
            assertThat(arrivals(t)).as("contacts in the whole journal").isEqualTo(2);
            assertThat(t.gateway.counters().workItemsAccepted.sum()).isZero();
        }
    }

    private static void answerAndEnd(TestEngine t, WsClient desk, String id) throws Exception {
        desk.await("offer", f -> f.path("contact").asText().equals(id), 10_000);
        desk.send("{\"type\":\"accept\",\"contact\":\"" + id + "\"}");
        desk.await("conversation", f -> f.path("contact").asText().equals(id), 10_000);
        desk.send("{\"type\":\"end\",\"contact\":\"" + id + "\"}");
        desk.await("ended", f -> f.path("contact").asText().equals(id), 10_000);
        desk.send("{\"type\":\"wrap-up\",\"contact\":\"" + id + "\",\"code\":\"resolved\"}");
        desk.await("closed", f -> f.path("contact").asText().equals(id), 10_000);
        t.engine.awaitQuiet(5_000);
    }

    /** CONTACT_ARRIVED commands in the journal: every contact ever made. */
    private static int arrivals(TestEngine t) throws Exception {
        int n = 0;
        try (var reader = t.journal.commandReader()) {
            Command c = new Command();
            while (reader.next(c)) {
                if (c.type == CommandType.CONTACT_ARRIVED) {
                    n++;
                }
            }
        }
        return n;
    }

    private static HttpResponse<String> post(HttpClient http, TestEngine t, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(t.http() + "/api/v1/work-items"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TestEngine.WORK_ITEM_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
