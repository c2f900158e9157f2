package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.loket.core.command.CommandType;
import org.loket.core.decision.Outcome;

/**
 * Transcripts and today's wallboard figures survive a restart: a real engine and gateway are stopped mid-conversation and
 * started again on the same folders (journal and transcripts); the citizen resumes with their
 * token, the agent logs in again, and both see the whole conversation; an e-mail offered before
 * the stop keeps its subject and sender; the ended conversation is readable afterwards.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ChatTranscriptRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path cycleFile(Path data) throws Exception {
        try (var files = java.nio.file.Files.list(TestEngine.files(data).resolve("transcripts"))) {
            return files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    @Test
    void shouldResumeAChatAfterARestartWithTheWholeTranscriptOnBothSides() throws Exception {
        Path data;
        String token;
        String chat;
        String mail;
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("chat-desk-001");
             WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            data = t.dataFolder;
            token = TestEngine.askForTheApplicationDesk(citizen);
            chat = desk.await("offer").path("contact").asText();
            desk.send("{\"type\":\"accept\",\"contact\":\"" + chat + "\"}");
            citizen.await("agent-joined");
            desk.send("{\"type\":\"message\",\"contact\":\"" + chat + "\",\"text\":\"Which address did you register?\"}");
            citizen.await("message");
            citizen.send("{\"type\":\"message\",\"text\":\"Dorpsstraat 1\"}");
            desk.await("message", f -> f.path("text").asText().equals("Dorpsstraat 1"), 10_000);

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(t.http() + "/api/v1/work-items"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + TestEngine.WORK_ITEM_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"email\",\"externalId\":\"mail-42\","
                            + "\"from\":\"citizen@example.org\",\"subject\":\"Code\",\"body\":\"My code expired.\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(202);
            mail = JSON.readTree(posted.body()).path("workItem").asText();
            desk.await("offer", f -> f.path("contact").asText().equals(mail), 10_000);
            t.callTheApplicationDesk(7_600_001L); // nobody of application-voice is in: the caller gives up
            t.engine.awaitQuiet(5_000);
            t.phone(org.loket.core.command.CommandType.CONTACT_ABANDONED, 7_600_001L, -1, -1, -1);
            t.engine.awaitQuiet(5_000);
        } // a clean stop of gateway, engine and journal: nothing of the conversation is in memory any more

        try (TestEngine t = new TestEngine(data, "/chat-test-config", Map.of("chat.wallboard-update-ms", "100"));
             WsClient board = new WsClient(t.ws() + "/ws/wallboard")) {
            assertThat(t.gateway.hub().ask(ChatHub::conversationCount).get(5, TimeUnit.SECONDS)).as("restored").isEqualTo(2);
            board.send("{\"type\":\"subscribe\",\"token\":\"" + TestEngine.SUPERVISOR_TOKEN + "\"}");
            board.await("wallboard");
            WsClient back = new WsClient(t.ws() + "/ws/citizen");
            back.send("{\"type\":\"resume\",\"token\":\"" + token + "\"}");
            JsonNode session = back.await("session");
            assertThat(session.path("resumed").asBoolean()).isTrue();
            assertThat(session.path("phase").asText()).isEqualTo("connected");
            assertThat(session.path("transcript").findValuesAsText("text"))
                    .contains("my activation letter never came", "Which address did you register?", "Dorpsstraat 1");

            WsClient desk = t.login("chat-desk-001");
            JsonNode conversation = desk.await("conversation", f -> f.path("contact").asText().equals(chat), 10_000);
            assertThat(conversation.path("path")).extracting(JsonNode::asText)
                    .containsExactly("welcome", "main-menu", "application-menu", "to-application");
            assertThat(conversation.path("topic").asText()).isEqualTo("to-application");
            assertThat(conversation.path("transcript").findValuesAsText("text"))
                    .contains("my activation letter never came", "Which address did you register?", "Dorpsstraat 1");
            assertThat(conversation.path("transcript").findValues("agent")).as("an agent's line keeps its agent's name")
                    .extracting(JsonNode::asText).containsExactly("chat-desk-001");
            JsonNode email = desk.await("offer", f -> f.path("contact").asText().equals(mail), 10_000);
            assertThat(email.path("subject").asText()).isEqualTo("Code");
            assertThat(email.path("from").asText()).isEqualTo("citizen@example.org");
            assertThat(email.path("transcript").findValuesAsText("text")).containsExactly("My code expired.");

            // The caller of before the restart calls again: the journal told the new run their first call.
            try (WsClient generalist = t.login("generalist-001")) {
                t.callTheApplicationDesk(7_600_002L);
                JsonNode call = generalist.await("offer", f -> f.path("contact").asText().equals("7600002"), 10_000);
                if (!call.has("earlier")) { // offered before the journal was read: the card gets it when it is
                    call = generalist.await("earlier", f -> f.path("contact").asText().equals("7600002"), 10_000);
                }
                assertThat(call.path("earlier")).singleElement().satisfies(e -> {
                    assertThat(e.path("outcome").asText()).isEqualTo("abandoned");
                    assertThat(e.path("queue").asText()).isEqualTo("application-voice");
                });
            }

            desk.send("{\"type\":\"message\",\"contact\":\"" + chat + "\",\"text\":\"Found it, a new letter is on its way.\"}");
            assertThat(back.await("message").path("text").asText()).isEqualTo("Found it, a new letter is on its way.");
            desk.send("{\"type\":\"end\",\"contact\":\"" + chat + "\"}");
            assertThat(back.await("ended").path("outcome").asText()).isEqualTo("ANSWERED");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().ended(Outcome.ANSWERED)).isEqualTo(1);
            // Queued before the restart, answered after it: the wallboard read today's start from the
            // journal, so the contact counts (a contact counts when its wrap-up ends; one it never saw
            // arrive, never).
            desk.send("{\"type\":\"wrap-up\",\"contact\":\"" + chat + "\",\"code\":\"resolved\"}");
            JsonNode figures = board.await("wallboard", w -> TestEngine.queueFigure(w, "digid-chat", "answered") == 1, 10_000);
            assertThat(TestEngine.queueFigure(figures, "digid-chat", "offered")).isEqualTo(1);
            t.gateway.transcripts().awaitWritten(5_000);

            HttpClient http = HttpClient.newHttpClient();
            String lead = TestEngine.basic("floor-lead", TestEngine.SECRET);
            assertThat(t.get(http, "/api/v1/transcripts/" + chat, null).statusCode()).isEqualTo(401);
            assertThat(t.get(http, "/api/v1/transcripts/not-a-number", lead).statusCode()).isEqualTo(400);
            assertThat(t.get(http, "/api/v1/transcripts/12345", lead).statusCode()).isEqualTo(404);
            HttpResponse<String> read = t.get(http, "/api/v1/transcripts/" + chat, lead);
            assertThat(read.statusCode()).isEqualTo(200);
            JsonNode transcript = JSON.readTree(read.body());
            assertThat(transcript.path("channel").asText()).isEqualTo("chat");
            assertThat(transcript.path("outcome").asText()).isEqualTo("ANSWERED");
            assertThat(transcript.path("lines").findValuesAsText("text")).contains("my activation letter never came",
                    "Dorpsstraat 1", "Found it, a new letter is on its way.", "ended: ANSWERED");
            assertThat(transcript.path("lines").findValuesAsText("agent")).containsExactly("chat-desk-001", "chat-desk-001");
            assertThat(read.body()).as("the resume token is kept hashed").doesNotContain(token);
            try (var files = java.nio.file.Files.list(TestEngine.files(data).resolve("transcripts"))) {
                for (Path file : files.toList()) {
                    assertThat(new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .as(file + " holds the texts but not the resume token").doesNotContain(token);
                }
            }
            assertThat(new String(java.nio.file.Files.readAllBytes(cycleFile(data)), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("Dorpsstraat 1");
            JsonNode mailTranscript = JSON.readTree(t.get(http, "/api/v1/transcripts/" + mail, lead).body());
            assertThat(mailTranscript.path("externalId").asText()).isEqualTo("mail-42");
            assertThat(mailTranscript.path("from").asText()).isEqualTo("citizen@example.org");
            back.close();
            desk.close();
        }
    }

    @Test
    void shouldShowACallHeldOverARestartWithItsPathReadBackFromTheJournal() throws Exception {
        Path data;
        long call = 7_300_001L;
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("generalist-001")) {
            data = t.dataFolder;
            int agent = t.agentId("generalist-001");
            t.callTheApplicationDesk(call);
            desk.await("offer", f -> f.path("contact").asText().equals(Long.toString(call)), 10_000);
            t.phone(CommandType.OFFER_ACCEPTED, call, agent, -1, -1); // answered on the phone
            JsonNode before = desk.await("conversation", f -> f.path("contact").asText().equals(Long.toString(call)), 10_000);
            assertThat(before.path("path")).extracting(JsonNode::asText).containsExactly("welcome", "main-menu", "application-menu",
                    "to-application");
        }

        try (TestEngine t = new TestEngine(data, "/chat-test-config", Map.of()); WsClient desk = t.login("generalist-001")) {
            // The hub knows where the call is from the core at once, and its path once the journal is read.
            JsonNode card = desk.await("conversation", f -> f.path("contact").asText().equals(Long.toString(call))
                    && !f.path("path").isEmpty(), 10_000);
            assertThat(card.path("path")).extracting(JsonNode::asText).containsExactly("welcome", "main-menu", "application-menu",
                    "to-application");
            assertThat(card.path("topic").asText()).isEqualTo("to-application");
        }
    }
}
