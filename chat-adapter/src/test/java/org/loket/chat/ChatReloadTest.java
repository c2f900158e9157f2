package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.RejectReason;

/**
 * A configuration applied during conversations (chat-reload-config: every id of chat-test-config
 * moved, a new queue and agent first, a new text) against a real engine: the hub follows it in
 * decision order, so later frames show the right names and texts, and the commands it publishes
 * carry the new ids (the core refuses none).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatReloadTest {
    private static final List<String> NEW_QUEUES = List.of("priority-chat", "webcare", "digid-email", "tax-handover-chat", "digid-chat",
            "tax-handover-voice", "application-voice", "app-voice", "login-voice");

    private static LoadedConfig reordered() throws Exception {
        return ConfigLoader.load(Path.of(ChatReloadTest.class.getResource("/chat-reload-config").toURI()));
    }

    private static List<String> queues(JsonNode frame) {
        return frame.path("queues").findValuesAsText("name").isEmpty()
                ? java.util.stream.StreamSupport.stream(frame.path("queues").spliterator(), false).map(JsonNode::asText).toList()
                : frame.path("queues").findValuesAsText("name");
    }

    /** Every command the hub published after the switch carried ids the core knew. */
    private static void assertNothingRefused(TestEngine t) throws InterruptedException {
        t.engine.awaitQuiet(5_000);
        for (int reason = 1; reason < RejectReason.COUNT; reason++) {
            assertThat(t.engine.core().rejected(reason)).as(RejectReason.name(reason)).isZero();
        }
    }

    @Test
    void shouldFollowAReorderedConfigurationAppliedWhileACitizenIsInTheMenu() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "100")); WsClient desk = t.login("chat-desk-002");
             WsClient board = t.wallboard(); WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            assertThat(queues(board.await("wallboard"))).startsWith("login-voice");
            desk.send("{\"type\":\"ready\"}");
            citizen.send("{\"type\":\"start\",\"language\":\"en\"}");
            citizen.await("session");
            citizen.await("bot");
            citizen.send("{\"type\":\"choose\",\"input\":2}");
            assertThat(citizen.await("bot").path("node").asText()).isEqualTo("main-menu");

            assertThat(t.engine.publishConfig(reordered())).isTrue();
            desk.await("welcome", w -> queues(w).equals(NEW_QUEUES), 5_000); // the desktop learns the new queues

            citizen.send("{\"type\":\"choose\",\"input\":1}");
            JsonNode leaf = citizen.await("bot");
            assertThat(leaf.path("node").asText()).isEqualTo("to-login");
            assertThat(leaf.path("text").asText()).as("version 2's text").isEqualTo("Please hold on: an agent will be with you shortly.");
            JsonNode offer = desk.await("offer");
            assertThat(offer.path("queue").asText()).isEqualTo("digid-chat");
            assertThat(offer.path("path")).extracting(JsonNode::asText).containsExactly("welcome", "main-menu", "to-login");
            String contact = offer.path("contact").asText();
            desk.send("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}");
            citizen.await("agent-joined");

            desk.send("{\"type\":\"transfer\",\"contact\":\"" + contact + "\",\"queue\":\"tax-handover-chat\",\"note\":\"tax return\"}");
            assertThat(desk.await("transferred").path("queue").asText()).isEqualTo("tax-handover-chat");
            JsonNode wall = board.await("wallboard", w -> queues(w).equals(NEW_QUEUES)
                    && w.path("queues").get(3).path("waiting").asInt() == 1, 10_000);
            assertThat(wall.path("queues").get(3).path("name").asText()).isEqualTo("tax-handover-chat");

            try (WsClient tax = t.login("tax-desk-001")) {
                tax.send("{\"type\":\"ready\"}");
                JsonNode handover = tax.await("offer");
                assertThat(handover.path("queue").asText()).isEqualTo("tax-handover-chat");
                assertThat(handover.path("notes").toString()).contains("chat-desk-002 → tax-handover-chat: tax return");
                tax.send("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}");
                tax.await("conversation");
                tax.send("{\"type\":\"end\",\"contact\":\"" + contact + "\"}");
                tax.await("ended");
                tax.send("{\"type\":\"wrap-up\",\"contact\":\"" + contact + "\",\"code\":\"resolved\"}");
                tax.await("closed");
            }

            // A chat started now enters at version 2's chatbot entry (id 0; id 4, the old one, is now "chat").
            try (WsClient later = new WsClient(t.ws() + "/ws/citizen")) {
                later.send("{\"type\":\"start\",\"language\":\"nl\"}");
                later.await("session");
                assertThat(later.await("bot").path("node").asText()).isEqualTo("welcome");
            }
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().ended(Outcome.ANSWERED)).isEqualTo(1);
            assertNothingRefused(t);
        }
    }

    @Test
    void shouldKeepAConnectedConversationAndItsDesktopWorkingAcrossTheReload() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.entry", "chat")); WsClient desk = t.login("chat-desk-001");
             WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            desk.send("{\"type\":\"ready\"}");
            citizen.send("{\"type\":\"start\",\"language\":\"nl\"}");
            citizen.await("session");
            String contact = desk.await("offer").path("contact").asText();
            desk.send("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}");
            citizen.await("agent-joined");

            assertThat(t.engine.publishConfig(reordered())).isTrue();
            desk.await("welcome", w -> queues(w).equals(NEW_QUEUES), 5_000);
            ChatHub hub = t.gateway.hub();
            Map<String, Object> seen = hub.ask(h -> h.describe(Long.parseLong(contact))).get(5, TimeUnit.SECONDS);
            assertThat(seen).containsEntry("queue", 4).containsEntry("agent", 4); // digid-chat and chat-desk-001 in version 2

            desk.send("{\"type\":\"message\",\"contact\":\"" + contact + "\",\"text\":\"still here\"}");
            assertThat(citizen.await("message").path("text").asText()).isEqualTo("still here");
            citizen.send("{\"type\":\"message\",\"text\":\"me too\"}");
            assertThat(desk.await("message").path("text").asText()).isEqualTo("me too");
            desk.send("{\"type\":\"end\",\"contact\":\"" + contact + "\"}");
            assertThat(citizen.await("ended").path("outcome").asText()).isEqualTo("ANSWERED");
            desk.await("ended");
            desk.send("{\"type\":\"wrap-up\",\"contact\":\"" + contact + "\",\"code\":\"resolved\"}");
            desk.await("closed");
            desk.send("{\"type\":\"pause\",\"reason\":\"break\"}");
            desk.await("state", f -> f.path("state").asText().equals("paused"), 5_000);
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().ended(Outcome.ANSWERED)).isEqualTo(1);
            assertNothingRefused(t);
            org.loket.core.AgentState state = t.engine.query(core -> core.agentState(4)).get(5, TimeUnit.SECONDS);
            assertThat(state).as("the pause reached chat-desk-001 under its new id").isEqualTo(org.loket.core.AgentState.PAUSED);
        }
    }
}
