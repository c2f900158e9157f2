package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loket.core.decision.Outcome;

/**
 * Escalation steps as the web chat shows them, against a real engine (chat-escalation-config):
 * first-chat offers a reply later after 1 s and overflows into second-chat after 2 s; closing-chat
 * closes after 1 s.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatEscalationTest {

    @Test
    void shouldOfferAReplyLaterFollowTheOverflowAndGiveTheAgentTheAddress() throws Exception {
        try (TestEngine t = new TestEngine("/chat-escalation-config", Map.of("chat.entry", "web"));
             WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            citizen.send("{\"type\":\"start\",\"language\":\"nl\"}");
            citizen.await("session");
            assertThat(citizen.await("queued").path("queue").asText()).isEqualTo("first-chat");
            citizen.send("{\"type\":\"callback\",\"email\":\"a@example.org\"}");
            assertThat(citizen.await("error").path("code").asText()).as("no offer yet").isEqualTo("not-now");

            JsonNode offer = citizen.await("callback-offer");
            assertThat(offer.path("text").asText()).contains("U houdt uw plaats");
            JsonNode moved = citizen.await("queued", f -> f.path("queue").asText().equals("second-chat"), 10_000);
            assertThat(moved.path("position").asInt()).isEqualTo(1);

            citizen.send("{\"type\":\"callback\",\"email\":\"not an address\"}");
            assertThat(citizen.await("error").path("code").asText()).isEqualTo("malformed");
            citizen.send("{\"type\":\"callback\",\"email\":\"a@example.org\"}");
            assertThat(citizen.await("callback-scheduled").path("text").asText()).contains("contact met u op");
            citizen.send("{\"type\":\"leave\"}"); // the citizen closes the window: still to be contacted

            try (WsClient desk = new WsClient(t.ws() + "/ws/agent")) {
                desk.send("{\"type\":\"login\",\"agent\":\"chat-desk-001\",\"secret\":\"" + TestEngine.SECRET + "\"}");
                desk.await("welcome");
                desk.send("{\"type\":\"ready\"}");
                JsonNode deskOffer = desk.await("offer");
                assertThat(deskOffer.path("queue").asText()).as("the overflow moved it").isEqualTo("second-chat");
                assertThat(deskOffer.path("callback").asBoolean()).isTrue();
                assertThat(deskOffer.path("replyTo").asText()).isEqualTo("a@example.org");
            }
            assertThat(t.gateway.counters().callbackOffers.sum()).isEqualTo(1);
            assertThat(t.gateway.counters().callbacksRequested.sum()).isEqualTo(1);
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().ended(Outcome.ABANDONED)).as("leaving after asking for a reply is no abandon").isZero();
        }
    }

    @Test
    void shouldShowTheCloseStepsMessageAsTheLastWord() throws Exception {
        try (TestEngine t = new TestEngine("/chat-escalation-config", Map.of("chat.entry", "closing"));
             WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            citizen.send("{\"type\":\"start\",\"language\":\"en\"}");
            assertThat(citizen.await("queued").path("queue").asText()).isEqualTo("closing-chat");
            JsonNode last = citizen.await("bot");
            assertThat(last.path("text").asText()).isEqualTo("It is too busy. Please try again later.");
            assertThat(last.path("final").asBoolean()).isTrue();
            assertThat(citizen.await("ended").path("outcome").asText()).isEqualTo("DEFLECTED");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().ended(Outcome.DEFLECTED)).isEqualTo(1);
        }
    }
}
