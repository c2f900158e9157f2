package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loket.core.AgentState;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.decision.Outcome;

/** The chat gateway against a real engine and real WebSocket and HTTP clients on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldRenderTheSelfServiceFlowAsAChatbotUpToAnInformationLeaf() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            citizen.send("{\"type\":\"start\",\"language\":\"nl\"}");
            assertThat(citizen.await("session").path("token").asText()).hasSizeGreaterThan(20);
            JsonNode language = citizen.await("bot");
            assertThat(language.path("node").asText()).isEqualTo("welcome");
            assertThat(language.path("options")).extracting(o -> o.path("label").asText()).contains("Nederlands", "English");
            citizen.send("{\"type\":\"choose\",\"input\":2,\"label\":\"Agent: I need your password\"}"); // a page's label is not trusted
            JsonNode menu = citizen.await("bot");
            long contact = t.gateway.hub().ask(h -> h.conversationIds().iterator().next()).get(5, TimeUnit.SECONDS);
            assertThat(t.gateway.hub().ask(h -> h.describe(contact)).get(5, TimeUnit.SECONDS)).extractingByKey("transcript").asString()
                    .contains("English").doesNotContain("password");
            assertThat(menu.path("text").asText()).startsWith("Press 1 for logging in");
            assertThat(menu.path("options")).extracting(o -> o.path("label").asText()).contains("login – talk to an agent");
            citizen.send("{\"type\":\"choose\",\"input\":3}");
            assertThat(citizen.await("bot").path("node").asText()).isEqualTo("application-menu");
            citizen.send("{\"type\":\"choose\",\"input\":1}");
            JsonNode info = citizen.await("bot");
            assertThat(info.path("text").asText()).contains("activation code arrives by letter");
            assertThat(info.path("final").asBoolean()).isTrue();
            assertThat(citizen.await("ended").path("outcome").asText()).isEqualTo("SELF_SERVED");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().ended(Outcome.SELF_SERVED)).isEqualTo(1);
        }
    }

    /** The shipped default's chatbot: its own wording and button labels, not the IVR's "press 2". */
    @Test
    void shouldWordTheDefaultFlowForChatWithLabelledButtons() throws Exception {
        try (TestEngine t = new TestEngine(Path.of("../config/default"), Map.of());
             WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            citizen.send("{\"type\":\"start\",\"language\":\"nl\"}");
            JsonNode welcome = citizen.await("bot");
            assertThat(welcome.path("text").asText()).contains("Kies uw taal").doesNotContain("press", "toets");
            citizen.send("{\"type\":\"choose\",\"input\":2}");
            JsonNode menu = citizen.await("bot");
            assertThat(menu.path("text").asText()).isEqualTo("What can we help you with?");
            assertThat(menu.path("options")).extracting(o -> o.path("label").asText())
                    .startsWith("Logging in", "The DigiD app").contains("My DigiD has been misused");
            assertThat(t.config.promptTexts().get("main-menu").get("en")).as("the IVR's words stay").startsWith("Press 1");
            citizen.send("{\"type\":\"choose\",\"input\":1}");
            JsonNode login = citizen.await("bot");
            assertThat(login.path("options")).extracting(o -> o.path("label").asText()).containsExactly("Status and outages", "Talk to an agent");
            citizen.send("{\"type\":\"choose\",\"input\":1}");
            assertThat(citizen.await("bot").path("text").asText()).contains("digid.nl/storingen").doesNotContain("call");
            assertThat(citizen.await("ended").path("outcome").asText()).isEqualTo("SELF_SERVED");
        }
    }

    /**
     * A citizen may type a choice instead of clicking: a button's words, a word found in one button
     * only, or the phone's key; words of several buttons, or none, get the hint and choose nothing.
     */
    @Test
    void shouldTakeAChoiceTheCitizenTypes() throws Exception {
        try (TestEngine t = new TestEngine(Path.of("../config/default"), Map.of());
             WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            citizen.send("{\"type\":\"start\",\"language\":\"nl\"}");
            citizen.await("bot");
            citizen.send("{\"type\":\"message\",\"text\":\"English\"}");
            assertThat(citizen.await("bot").path("text").asText()).isEqualTo("What can we help you with?");
            citizen.send("{\"type\":\"message\",\"text\":\"digid\"}"); // "The DigiD app" and "Applying for DigiD"
            assertThat(citizen.await("bot").path("text").asText()).contains("buttons");
            citizen.send("{\"type\":\"message\",\"text\":\"logging in.\"}");
            assertThat(citizen.await("bot").path("options")).extracting(o -> o.path("label").asText())
                    .containsExactly("Status and outages", "Talk to an agent");
            citizen.send("{\"type\":\"message\",\"text\":\"Agent!\"}");
            citizen.await("queued");
            t.engine.awaitQuiet(5_000);
            JsonNode board = t.gateway.hub().ask(h -> h.wallboard().frame()).get(5, TimeUnit.SECONDS);
            assertThat(TestEngine.queueFigure(board, "digid-chat", "waiting")).as("in the queue of the login menu's agent option").isEqualTo(1);
        }
        com.fasterxml.jackson.databind.node.ObjectNode menu = JSON.createObjectNode();
        menu.putArray("options").addObject().put("input", 7).put("key", "7").put("label", "Tax return");
        assertThat(Citizens.typedChoice(menu, " 7 ")).as("the phone's key").isEqualTo(7);
        assertThat(Citizens.typedChoice(menu, "ta")).as("too short to be a word of a button").isEqualTo(-1);
        assertThat(Citizens.typedChoice(menu, "#")).isEqualTo(-1);
        assertThat(Citizens.typedChoice(null, "7")).as("no menu shown").isEqualTo(-1);
    }

    /**
     * The errors a citizen's page shows are in the conversation's language, which the frame names so
     * the page marks them; before there is a conversation, in Dutch and English, each given apart.
     */
    @Test
    void shouldSayACitizensErrorsInTheConversationsLanguageOrInBothBeforeThereIsOne() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.max-text-chars", "30", "chat.messages-per-second", "1",
                "chat.burst-messages", "30"));
             WsClient stranger = new WsClient(t.ws() + "/ws/citizen"); WsClient citizen = new WsClient(t.ws() + "/ws/citizen");
             WsClient other = new WsClient(t.ws() + "/ws/citizen")) {
            stranger.send("{\"type\":\"resume\",\"token\":\"not-a-token\"}");
            JsonNode expired = stranger.await("error");
            assertThat(expired.path("code").asText()).isEqualTo("resume-refused");
            assertThat(expired.has("language")).as("no conversation, no language").isFalse();
            assertThat(expired.path("texts").path("nl").asText()).isEqualTo("Dit gesprek is verlopen; begin een nieuw gesprek.");
            assertThat(expired.path("texts").path("en").asText()).isEqualTo("This conversation has expired; start a new one.");
            assertThat(expired.path("message").asText())
                    .isEqualTo("Dit gesprek is verlopen; begin een nieuw gesprek. / This conversation has expired; start a new one.");

            citizen.send("{\"type\":\"start\",\"language\":\"nl\"}");
            String token = citizen.await("session").path("token").asText();
            citizen.await("bot");
            citizen.send("{\"type\":\"callback\"}");
            JsonNode notNow = citizen.await("error");
            assertThat(notNow.path("code").asText()).isEqualTo("not-now");
            assertThat(notNow.path("language").asText()).isEqualTo("nl");
            assertThat(notNow.path("message").asText()).isEqualTo("We kunnen u nu niet aanbieden later contact met u op te nemen.");
            assertThat(notNow.has("texts")).isFalse();
            citizen.send("{\"type\":\"message\",\"text\":\"" + "x".repeat(31) + "\"}");
            JsonNode tooLong = citizen.await("error");
            assertThat(tooLong.path("code").asText()).isEqualTo("too-long");
            assertThat(tooLong.path("language").asText()).isEqualTo("nl");
            assertThat(tooLong.path("message").asText()).isEqualTo("Uw bericht is langer dan 30 tekens.");

            citizen.send("{\"type\":\"choose\",\"input\":2}"); // English
            citizen.await("bot", f -> f.path("language").asText().equals("en"), 10_000);
            citizen.send("{\"type\":\"start\",\"language\":\"nl\"}");
            JsonNode again = citizen.await("error");
            assertThat(again.path("code").asText()).isEqualTo("already-started");
            assertThat(again.path("language").asText()).as("the conversation's language, not the start's").isEqualTo("en");
            assertThat(again.path("message").asText()).isEqualTo("This connection already has a chat.");

            other.send("{\"type\":\"resume\",\"token\":\"" + token + "\"}");
            other.await("session");
            JsonNode replaced = citizen.await("error");
            assertThat(replaced.path("code").asText()).isEqualTo("replaced");
            assertThat(replaced.path("language").asText()).isEqualTo("en");
            // The event loop's refusal, in the language the hub gave the connection when it resumed.
            for (int i = 0; i < 40; i++) {
                other.send("{\"type\":\"ping\"}");
            }
            JsonNode slowDown = other.await("error", f -> f.path("code").asText().equals("rate-limited"), 10_000);
            assertThat(slowDown.path("language").asText()).isEqualTo("en");
            assertThat(slowDown.path("message").asText()).isEqualTo("Too many messages; slow down.");
        }
    }

    /**
     * Anonymous web chats cannot fill the core's contact slots, which callers share: beyond
     * chat.max-live-chats, or faster than chat.starts-per-second (with a burst of ten seconds'
     * worth), a start is refused as busy, counted, and nothing reaches the journal.
     */
    @Test
    void shouldRefuseNewChatsAsBusyBeyondTheLiveLimitOrTheStartRate() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.max-live-chats", "2"));
             WsClient a = new WsClient(t.ws() + "/ws/citizen"); WsClient b = new WsClient(t.ws() + "/ws/citizen");
             WsClient c = new WsClient(t.ws() + "/ws/citizen")) {
            for (WsClient citizen : List.of(a, b)) {
                citizen.send("{\"type\":\"start\",\"language\":\"en\"}");
                citizen.await("session");
            }
            c.send("{\"type\":\"start\",\"language\":\"en\"}");
            JsonNode busy = c.await("error");
            assertThat(busy.path("code").asText()).isEqualTo("busy");
            assertThat(busy.path("message").asText()).contains("try again in a few minutes");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().liveContacts()).as("the refused start never reached the core").isEqualTo(2);
            a.send("{\"type\":\"leave\"}");
            a.await("ended");
            c.send("{\"type\":\"start\",\"language\":\"en\"}");
            c.await("session");
            assertThat(t.gateway.counters().chatsRefusedBusy.sum()).isEqualTo(1);
        }
        try (TestEngine t = new TestEngine(Map.of("chat.starts-per-second", "1"))) {
            int started = 0;
            int busy = 0;
            for (int i = 0; i < 12; i++) {
                try (WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
                    citizen.send("{\"type\":\"start\",\"language\":\"en\"}");
                    JsonNode first = citizen.next();
                    if (first.path("type").asText().equals("session")) {
                        started++;
                    } else if (first.path("code").asText().equals("busy")) {
                        busy++;
                    }
                }
            }
            assertThat(started).as("a burst of ten seconds' worth, plus what a second or two refilled").isBetween(10, 11);
            assertThat(busy).isEqualTo(12 - started);
        }
    }

    /**
     * A citizen who reads and thinks is not put in a queue by the menu's input timeout (the phone's);
     * the chatbot closes the conversation after chat.bot-idle-seconds without a step of theirs.
     */
    @Test
    void shouldWaitForAChatCitizensChoiceAndCloseTheChatOnlyWhenTheyStayIdle() throws Exception {
        Path oneSecondMenu = TestEngine.testConfigWith("    prompt: welcome\n", "    prompt: welcome\n    inputTimeoutSeconds: 1\n");
        try (TestEngine t = new TestEngine(oneSecondMenu, Map.of("chat.bot-idle-seconds", "4", "chat.position-update-ms", "100"));
             WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            citizen.send("{\"type\":\"start\",\"language\":\"en\"}");
            assertThat(citizen.await("bot").path("node").asText()).isEqualTo("welcome");
            t.engine.awaitQuiet(5_000);
            long[] ids = new long[4];
            assertThat(t.engine.query(core -> core.liveContactIds(ids)).get()).isEqualTo(1);
            long id = ids[0];
            for (int i = 0; i < 5; i++) {
                Thread.sleep(500);
                citizen.send("{\"type\":\"ping\"}"); // the page's keep-alive is not the citizen
            }
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().contactState(id)).as("2.5 s past a 1 s input timeout: still choosing").isEqualTo(ContactState.SELF_SERVICE);
            assertThat(citizen.seen).noneMatch(f -> f.path("type").asText().equals("queued"));
            JsonNode closing = citizen.await("bot", f -> f.path("final").asBoolean(), 10_000);
            assertThat(closing.path("text").asText()).contains("not heard from you for 1 minutes", "start a new chat");
            assertThat(citizen.await("ended").path("outcome").asText()).isEqualTo("ABANDONED_IN_SELF_SERVICE");
            assertThat(t.gateway.counters().botIdleClosed.sum()).isEqualTo(1);
        }
    }

    @Test
    void shouldShowTheServiceAnnouncementBeforeTheChatbotAndOnTheWallboardUntilItIsCleared() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "100"));
             WsClient board = t.wallboard()) {
            assertThat(board.await("wallboard").path("announcement").isNull()).isTrue();
            int prompt = t.engine.query(core -> core.config().prompts().indexOf("info-activation-letter")).get();
            announce(t, prompt);
            JsonNode w = board.await("wallboard", f -> !f.path("announcement").isNull(), 10_000);
            assertThat(w.path("announcement").path("prompt").asText()).isEqualTo("info-activation-letter");
            assertThat(w.path("announcement").path("text").asText()).startsWith("Uw activeringscode");

            try (WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
                citizen.send("{\"type\":\"start\",\"language\":\"en\"}");
                citizen.await("session");
                JsonNode notice = citizen.next();
                assertThat(notice.path("type").asText()).as("first, before the bot").isEqualTo("announcement");
                assertThat(notice.path("text").asText()).as("in the chat's language").startsWith("Your activation code");
                assertThat(citizen.next().path("node").asText()).isEqualTo("welcome");
                JsonNode told = board.await("wallboard", f -> f.path("announcement").path("heard").asInt() == 1, 10_000);
                assertThat(told.path("announcement").path("leftBeforeQueuePercent").isNull()).as("nobody told has ended yet").isTrue();
                // English, the application menu, the activation letter's information leaf: helped before any queue.
                for (int input : new int[] {2, 3, 1}) {
                    citizen.send("{\"type\":\"choose\",\"input\":" + input + "}");
                }
                assertThat(citizen.await("ended").path("outcome").asText()).isEqualTo("SELF_SERVED");
                JsonNode helped = board.await("wallboard", f -> f.path("announcement").path("leftBeforeQueuePercent").asDouble() == 100.0, 10_000);
                assertThat(helped.path("announcement").path("heard").asInt()).isEqualTo(1);
                assertThat(helped.path("announcement").path("abandonPercent").isNull()).as("nobody told queued").isTrue();
            }
            announce(t, -1);
            board.forget("wallboard"); // pushes skipped above may be from before the announcement
            board.await("wallboard", f -> f.path("announcement").isNull(), 10_000);
            try (WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
                citizen.send("{\"type\":\"start\",\"language\":\"en\"}");
                citizen.await("session");
                assertThat(citizen.next().path("type").asText()).as("cleared: the bot first").isEqualTo("bot");
            }
        }
    }

    @Test
    void shouldLetASignedInSupervisorSetAndClearTheServiceAnnouncementButNotAViewOnlyPage() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "100"));
             WsClient wall = new WsClient(t.ws() + "/ws/wallboard");
             WsClient lead = new WsClient(t.ws() + "/ws/wallboard")) {
            wall.send("{\"type\":\"subscribe\",\"token\":\"" + TestEngine.SUPERVISOR_TOKEN + "\"}");
            wall.await("wallboard");
            wall.send("{\"type\":\"announce\",\"prompt\":\"info-activation-letter\"}");
            assertThat(wall.await("error").path("code").asText()).as("the shared token only shows").isEqualTo("forbidden");

            lead.send("{\"type\":\"subscribe\",\"supervisor\":\"chat-desk-001\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            assertThat(lead.await("error").path("code").asText()).as("an agent is not a supervisor").isEqualTo("unauthorised");
            lead.send("{\"type\":\"subscribe\",\"supervisor\":\"floor-lead\",\"secret\":\"wrong\"}");
            assertThat(lead.await("error").path("code").asText()).isEqualTo("unauthorised");
            lead.send("{\"type\":\"subscribe\",\"supervisor\":\"floor-lead\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            JsonNode signedIn = lead.await("signed-in");
            assertThat(signedIn.path("supervisor").asText()).isEqualTo("floor-lead");
            assertThat(signedIn.path("prompts")).extracting(p -> p.path("prompt").asText()).contains("info-activation-letter");
            lead.await("wallboard");
            assertThat(t.engine.query(core -> core.announcementPrompt()).get()).as("nothing set by the refused page").isEqualTo(-1);

            lead.send("{\"type\":\"announce\",\"prompt\":\"no-such-prompt\"}");
            assertThat(lead.await("error").path("code").asText()).isEqualTo("malformed");
            WsClient desk = t.login("chat-desk-001");
            lead.send("{\"type\":\"announce\",\"prompt\":\"info-activation-letter\"}");
            JsonNode set = wall.await("wallboard", f -> !f.path("announcement").isNull(), 10_000);
            assertThat(set.path("announcement").path("prompt").asText()).as("every page shows it").isEqualTo("info-activation-letter");
            int prompt = t.engine.query(core -> core.config().prompts().indexOf("info-activation-letter")).get();
            assertThat(t.engine.query(core -> core.announcementPrompt()).get()).as("in the core, journaled").isEqualTo(prompt);
            // Agents' desktops show what every caller heard first: one logged in already, and one logging in now.
            assertThat(desk.await("announcement").path("text").asText()).startsWith("Uw activeringscode");
            try (WsClient later = t.login("chat-desk-002")) {
                assertThat(later.await("announcement").path("prompt").asText()).isEqualTo("info-activation-letter");
            }
            lead.send("{\"type\":\"announce\",\"prompt\":null}");
            wall.forget("wallboard"); // pushes from before the announcement, skipped above, show none either
            wall.await("wallboard", f -> f.path("announcement").isNull(), 10_000);
            assertThat(t.engine.query(core -> core.announcementPrompt()).get()).isEqualTo(-1);
            assertThat(desk.await("announcement").path("prompt").isNull()).as("cleared on the desktop too").isTrue();
            desk.close();
        }
    }

    /**
     * A supervisor's sign-in gives the page a session token, which subscribes again (a reload, a
     * lost connection) without the secret until sign-out (its idle end, its maximum and a restart:
     * SupervisorSessionTest).
     */
    @Test
    void shouldSignASupervisorInAgainWithItsSessionUntilSignOut() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "100"));
             WsClient lead = new WsClient(t.ws() + "/ws/wallboard")) {
            lead.send("{\"type\":\"subscribe\",\"supervisor\":\"floor-lead\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            JsonNode issued = lead.await("supervisor-session");
            String session = issued.path("token").asText();
            assertThat(session).hasSizeGreaterThanOrEqualTo(24).isNotEqualTo(TestEngine.SECRET);
            assertThat(issued.path("expiresInSeconds").asLong()).as("unless used: chat.supervisor-idle-minutes").isEqualTo(3600);
            assertThat(issued.path("maxSeconds").asLong()).as("however used: chat.supervisor-session-hours").isEqualTo(12 * 3600);
            lead.await("signed-in");
            String again = "{\"type\":\"subscribe\",\"session\":\"" + session + "\"}";
            try (WsClient reloaded = new WsClient(t.ws() + "/ws/wallboard")) {
                reloaded.send(again);
                assertThat(reloaded.await("signed-in").path("supervisor").asText()).isEqualTo("floor-lead");
                reloaded.await("wallboard");
                assertThat(reloaded.seen).extracting(f -> f.path("type").asText()).as("no new session for a session")
                        .doesNotContain("supervisor-session");
                reloaded.send("{\"type\":\"sign-out\"}");
                reloaded.await("signed-out");
                reloaded.send("{\"type\":\"announce\",\"prompt\":\"info-activation-letter\"}");
                assertThat(reloaded.await("error").path("code").asText()).as("signed out: acts no more").isEqualTo("forbidden");
            }
            try (WsClient afterSignOut = new WsClient(t.ws() + "/ws/wallboard")) {
                afterSignOut.send(again);
                assertThat(afterSignOut.await("error").path("code").asText()).as("sign-out ended the session").isEqualTo("session-ended");
                afterSignOut.send("{\"type\":\"subscribe\",\"session\":\"guessed\"}");
                assertThat(afterSignOut.await("error").path("code").asText()).isEqualTo("session-ended");
            }
            // The audit has the sign-in and the sign-out, never a token or secret.
            List<String> audit = java.nio.file.Files.readAllLines(t.files().resolve("audit.csv"));
            assertThat(audit.stream().skip(1).map(line -> line.substring(line.indexOf(',') + 1)).toList()).containsExactly(
                    "wallboard,floor-lead,signed-in,,", "wallboard,floor-lead,signed-out,,");
            assertThat(String.join("\n", audit)).doesNotContain(session).doesNotContain(TestEngine.SECRET);
        }
    }

    @Test
    void shouldLetASupervisorChangeTheStateOfTheAgentsItSupervisesAndNoOthers() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "100"));
             WsClient desk = t.login("chat-desk-001");
             WsClient lead = new WsClient(t.ws() + "/ws/wallboard")) {
            desk.send("{\"type\":\"ready\"}");
            awaitCoreState(t, "chat-desk-001", AgentState.READY);
            lead.send("{\"type\":\"subscribe\",\"supervisor\":\"chat-lead\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            JsonNode signedIn = lead.await("signed-in");
            assertThat(signedIn.path("agents")).extracting(JsonNode::asText).as("chat-lead monitors the chat desk only")
                    .containsExactly("chat-desk-001", "chat-desk-002");
            assertThat(signedIn.path("pauseReasons")).extracting(JsonNode::asText).contains("break", "training");

            lead.send("{\"type\":\"agent-state\",\"agent\":\"chat-desk-001\",\"state\":\"paused\",\"reason\":\"training\"}");
            JsonNode told = desk.await("state", f -> f.path("state").asText().equals("paused"), 10_000);
            assertThat(told.path("reason").asText()).as("the agent's desktop follows").isEqualTo("training");
            awaitCoreState(t, "chat-desk-001", AgentState.PAUSED);
            lead.send("{\"type\":\"agent-state\",\"agent\":\"chat-desk-001\",\"state\":\"ready\"}");
            awaitCoreState(t, "chat-desk-001", AgentState.READY);
            lead.send("{\"type\":\"agent-state\",\"agent\":\"chat-desk-001\",\"state\":\"logged-out\"}");
            awaitCoreState(t, "chat-desk-001", AgentState.LOGGED_OUT);

            lead.send("{\"type\":\"agent-state\",\"agent\":\"tax-desk-001\",\"state\":\"logged-out\"}");
            assertThat(lead.await("error").path("code").asText()).as("not one of chat-lead's").isEqualTo("forbidden");
            lead.send("{\"type\":\"agent-state\",\"agent\":\"chat-desk-002\",\"state\":\"paused\",\"reason\":\"nap\"}");
            assertThat(lead.await("error").path("code").asText()).isEqualTo("malformed");
            try (WsClient wall = t.wallboard()) {
                wall.await("wallboard");
                wall.send("{\"type\":\"agent-state\",\"agent\":\"chat-desk-002\",\"state\":\"ready\"}");
                assertThat(wall.await("error").path("code").asText()).as("the shared token only shows").isEqualTo("forbidden");
            }
            t.engine.awaitQuiet(5_000);
            int desk2 = t.engine.query(core -> core.config().agents().stream().map(a -> a.name()).toList().indexOf("chat-desk-002")).get();
            assertThat(t.engine.query(core -> core.agentPresence(desk2)).get()).as("refused requests change nothing")
                    .isEqualTo(AgentState.LOGGED_OUT);
            // Who did it, beside the journal: the sign-in and the three accepted changes, not the refused ones
            // (the desktop's login is audited too, off the hub thread: AgentSessionTest).
            assertThat(java.nio.file.Files.readAllLines(t.files().resolve("audit.csv")).stream().skip(1)
                    .map(line -> line.substring(line.indexOf(',') + 1)).filter(line -> line.startsWith("wallboard,")).toList()).containsExactly(
                    "wallboard,chat-lead,signed-in,,",
                    "wallboard,chat-lead,agent-state,chat-desk-001,paused training",
                    "wallboard,chat-lead,agent-state,chat-desk-001,ready",
                    "wallboard,chat-lead,agent-state,chat-desk-001,logged-out");
        }
    }

    @Test
    void shouldRingASupervisorsPhoneThroughThePhoneChannelToListenToAnAgentItSupervises() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "100"));
             WsClient lead = new WsClient(t.ws() + "/ws/wallboard")) {
            lead.send("{\"type\":\"subscribe\",\"supervisor\":\"chat-lead\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            assertThat(lead.await("signed-in").path("monitorModes")).extracting(JsonNode::asText).containsExactly("listen", "whisper", "barge");
            lead.send("{\"type\":\"listen\",\"agent\":\"chat-desk-001\",\"mode\":\"listen\"}");
            assertThat(lead.await("error").path("code").asText()).as("no phone channel offered yet").isEqualTo("no-phone");

            // The phone channel's side, as the telephony gateway offers it: here, a record of what was asked.
            List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
            t.engine.offer(org.loket.host.gateway.CallMonitoring.class, (supervisor, agent, mode) -> {
                asked.add(supervisor + " " + mode + " " + agent);
                return mode.equals("barge") ? "the configuration does not let you barge to " + agent : null;
            });
            lead.send("{\"type\":\"listen\",\"agent\":\"chat-desk-001\",\"mode\":\"listen\"}");
            JsonNode ringing = lead.await("ringing");
            assertThat(ringing.path("agent").asText()).isEqualTo("chat-desk-001");
            lead.send("{\"type\":\"listen\",\"agent\":\"chat-desk-001\",\"mode\":\"barge\"}");
            assertThat(lead.await("error", f -> f.path("code").asText().equals("monitor-refused"), 10_000).path("message").asText())
                    .contains("does not let you barge");
            lead.send("{\"type\":\"listen\",\"agent\":\"tax-desk-001\",\"mode\":\"listen\"}");
            assertThat(lead.await("error", f -> f.path("code").asText().equals("forbidden"), 10_000).path("message").asText())
                    .as("not one of chat-lead's: the phone channel is not even asked").contains("tax-desk-001");
            assertThat(asked).containsExactly("chat-lead listen chat-desk-001", "chat-lead barge chat-desk-001");
            assertThat(t.audit(3)).containsExactly(
                    "wallboard,chat-lead,signed-in,,", "wallboard,chat-lead,monitor-listen,chat-desk-001,phone rung",
                    "wallboard,chat-lead,monitor-barge,chat-desk-001,refused: the configuration does not let you barge to chat-desk-001");
        }
    }

    /**
     * Wrong secrets lock a name out for the address they came from only: a guesser cannot keep an
     * agent (or the whole floor) out from elsewhere. Names of nobody are answered, counted and locked
     * exactly as names of the configuration, so the answers tell no names.
     */
    /**
     * The wall display's shared token over the WebSocket is guarded per address too, counted with
     * its guesses over HTTP: a guesser is locked out, other screens not.
     */
    @Test
    void shouldLockAnAddressThatGuessesTheWallDisplaysTokenOut() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.lockout-failures", "2", "chat.lockout-minutes", "1"))) {
            try (WsClient guesser = new WsClient(t.ws() + "/ws/wallboard")) {
                guesser.send("{\"type\":\"subscribe\",\"token\":\"guess-guess-guess-guess\"}");
                assertThat(guesser.await("error").path("code").asText()).isEqualTo("unauthorised");
            }
            HttpResponse<String> overHttp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(t.http() + "/api/v1/stats"))
                    .header("Authorization", "Bearer guess-guess-guess-guess").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(overHttp.statusCode()).as("the second guess, over HTTP").isEqualTo(401);
            try (WsClient again = t.wallboard()) {
                assertThat(again.await("error").path("code").asText()).as("the right token, but from the guesser's address").isEqualTo("locked");
            }
            try (WsClient screen = new WsClient(TestEngine.elsewhere(), t.ws() + "/ws/wallboard")) {
                screen.send("{\"type\":\"subscribe\",\"token\":\"" + TestEngine.SUPERVISOR_TOKEN + "\"}");
                assertThat(screen.await("wallboard").path("queues").isArray()).as("another screen shows the board").isTrue();
            }
            assertThat(t.gateway.counters().authLocked.sum()).isEqualTo(1);
        }
    }

    @Test
    void shouldLockANameOutForTheGuessersAddressOnlyAndAnswerNamesOfNobodyAlike() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.lockout-failures", "2", "chat.lockout-minutes", "1"))) {
            String right = "{\"type\":\"login\",\"agent\":\"chat-desk-001\",\"secret\":\"" + TestEngine.SECRET + "\"}";
            List<JsonNode> known = new java.util.ArrayList<>();
            List<JsonNode> nobodys = new java.util.ArrayList<>();
            for (int attempt = 0; attempt < 3; attempt++) { // a new connection each time, as a script would
                for (String name : new String[] {"chat-desk-001", "nobody"}) {
                    try (WsClient desk = new WsClient(t.ws() + "/ws/agent")) {
                        desk.send("{\"type\":\"login\",\"agent\":\"" + name + "\",\"secret\":\"guess\"}");
                        (name.equals("nobody") ? nobodys : known).add(desk.await("error"));
                    }
                }
            }
            assertThat(known).extracting(f -> f.path("code").asText()).containsExactly("login-refused", "login-refused", "locked");
            assertThat(nobodys).as("a name of nobody's: the same answers").extracting(f -> f.path("code").asText())
                    .containsExactly("login-refused", "login-refused", "locked");
            assertThat(known.get(0).path("message").asText()).isEqualTo(nobodys.get(0).path("message").asText())
                    .isEqualTo("Unknown agent or wrong secret.");
            assertThat(known.get(2).path("message").asText())
                    .isEqualTo("Too many wrong secrets for 'chat-desk-001' from your address: try again in 1 minutes.");
            try (WsClient desk = new WsClient(t.ws() + "/ws/agent")) {
                desk.send(right);
                assertThat(desk.await("error").path("code").asText()).as("the right secret, but locked from here").isEqualTo("locked");
            }
            // The agent at another desk (another address) logs in as ever.
            try (WsClient desk = new WsClient(TestEngine.elsewhere(), t.ws() + "/ws/agent")) {
                desk.send(right);
                assertThat(desk.await("welcome").path("agent").asText()).isEqualTo("chat-desk-001");
            }
            // The supervisor's sign-in on the wallboard is guarded the same way.
            try (WsClient lead = new WsClient(t.ws() + "/ws/wallboard")) {
                for (int attempt = 0; attempt < 2; attempt++) {
                    lead.send("{\"type\":\"subscribe\",\"supervisor\":\"floor-lead\",\"secret\":\"guess\"}");
                    assertThat(lead.await("error").path("code").asText()).isEqualTo("unauthorised");
                }
                lead.send("{\"type\":\"subscribe\",\"supervisor\":\"floor-lead\",\"secret\":\"" + TestEngine.SECRET + "\"}");
                assertThat(lead.await("error").path("code").asText()).isEqualTo("locked");
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (lead.closeStatus < 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(lead.closeStatus).as("three refusals close the connection, a locked one too").isEqualTo(1008);
            }
            // A minute later the name may try again from here.
            long later = System.currentTimeMillis() + 61_000;
            t.gateway.hub().ask(h -> h.credentialGuard().clockMs = () -> later).get(5, TimeUnit.SECONDS);
            try (WsClient desk = new WsClient(t.ws() + "/ws/agent")) {
                desk.send(right);
                assertThat(desk.await("welcome").path("agent").asText()).isEqualTo("chat-desk-001");
            }
            // Lockouts of the configuration's names are audited, with the address; nobody's are counted only.
            // The agent's logins too, and its login here ended its session at the other desk.
            assertThat(t.audit(5)).containsExactly(
                    "desktop,chat-desk-001,locked-out,,2 wrong secrets in 1 minutes from 127.0.0.1",
                    "desktop,chat-desk-001,signed-in,,",
                    "wallboard,floor-lead,locked-out,,2 wrong secrets in 1 minutes from 127.0.0.1",
                    "desktop,chat-desk-001,signed-in,,",
                    "desktop,chat-desk-001,session-ended,,logged in again");
            ChatCounters counters = t.gateway.counters();
            assertThat(counters.authLockouts.sum()).isEqualTo(3);
            assertThat(counters.authLocked.sum()).as("refused unchecked").isEqualTo(4);
            assertThat(counters.authFailures.sum()).isEqualTo(10);
        }
    }

    /**
     * Password spraying: one wrong secret on each of many names from one address locks that address
     * out of every sign-in and token at {@code chat.lockout-address-failures} (names of nobody's
     * count alike), over the WebSocket and HTTP; it is audited once, and other addresses carry on.
     */
    @Test
    void shouldLockAnAddressThatSpraysSecretsOverManyNamesOutOfEverySignIn() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.lockout-address-failures", "4", "chat.lockout-minutes", "1"))) {
            for (String name : new String[] {"chat-desk-001", "nobody", "chat-desk-002", "tax-desk-001"}) {
                try (WsClient desk = new WsClient(t.ws() + "/ws/agent")) { // a new connection each time, as a script would
                    desk.send("{\"type\":\"login\",\"agent\":\"" + name + "\",\"secret\":\"guess\"}");
                    assertThat(desk.await("error").path("code").asText()).isEqualTo("login-refused");
                }
            }
            try (WsClient desk = new WsClient(t.ws() + "/ws/agent")) {
                desk.send("{\"type\":\"login\",\"agent\":\"generalist-001\",\"secret\":\"" + TestEngine.SECRET + "\"}");
                JsonNode locked = desk.await("error");
                assertThat(locked.path("code").asText()).as("a name not tried, with its right secret").isEqualTo("locked");
                assertThat(locked.path("message").asText()).isEqualTo("Too many wrong secrets from your address: try again in 1 minutes.");
            }
            try (WsClient lead = new WsClient(t.ws() + "/ws/wallboard")) {
                lead.send("{\"type\":\"subscribe\",\"supervisor\":\"floor-lead\",\"secret\":\"" + TestEngine.SECRET + "\"}");
                assertThat(lead.await("error").path("code").asText()).isEqualTo("locked");
            }
            HttpResponse<String> stats = t.get(HttpClient.newHttpClient(), "/api/v1/stats", "Bearer " + TestEngine.SUPERVISOR_TOKEN);
            assertThat(stats.statusCode()).as("the HTTP API's tokens from there too").isEqualTo(429);
            assertThat(stats.headers().firstValue("Retry-After")).hasValue("60");
            try (WsClient desk = new WsClient(TestEngine.elsewhere(), t.ws() + "/ws/agent")) {
                desk.send("{\"type\":\"login\",\"agent\":\"generalist-001\",\"secret\":\"" + TestEngine.SECRET + "\"}");
                assertThat(desk.await("welcome").path("agent").asText()).as("another address").isEqualTo("generalist-001");
            }
            assertThat(t.audit(2)).containsExactly("chat,127.0.0.1,address-locked-out,,4 wrong secrets or tokens for any names in 1 minutes",
                    "desktop,generalist-001,signed-in,,");
            ChatCounters counters = t.gateway.counters();
            assertThat(counters.authAddressLockouts.sum()).isEqualTo(1);
            assertThat(counters.authLockouts.sum()).as("no name had five").isZero();
            assertThat(counters.authLocked.sum()).isEqualTo(3);
        }
        assertThatThrownBy(() -> ChatSettings.from(Map.of("chat.lockout-address-failures", "-1")))
                .hasMessage("chat.lockout-address-failures -1 is outside 0..1000");
    }

    /**
     * Behind a reverse proxy of {@code chat.trusted-proxies} the lockout counts by the client's
     * address the proxy forwards; a client that is not such a proxy cannot choose its address so.
     */
    @Test
    void shouldCountByTheForwardedAddressOnlyBehindATrustedProxy() throws Exception {
        String wrong = "{\"type\":\"login\",\"agent\":\"chat-desk-001\",\"secret\":\"guess\"}";
        String right = "{\"type\":\"login\",\"agent\":\"chat-desk-001\",\"secret\":\"" + TestEngine.SECRET + "\"}";
        HttpClient http = HttpClient.newHttpClient();
        for (boolean trusted : new boolean[] {true, false}) {
            try (TestEngine t = new TestEngine(trusted ? Map.of("chat.lockout-failures", "1", "chat.trusted-proxies", "192.0.2.1, 127.0.0.1")
                    : Map.of("chat.lockout-failures", "1"))) {
                // What the proxy appends to what the client sent: the client wrote the first one.
                try (WsClient guesser = new WsClient(http, t.ws() + "/ws/agent", Map.of("X-Forwarded-For", "10.9.9.9, 198.51.100.7"))) {
                    guesser.send(wrong);
                    guesser.await("error");
                    guesser.send(right);
                    assertThat(guesser.await("error").path("code").asText()).isEqualTo("locked");
                }
                try (WsClient agent = new WsClient(http, t.ws() + "/ws/agent", Map.of("X-Forwarded-For", "10.9.9.9, 198.51.100.8"))) {
                    agent.send(right);
                    JsonNode answer = agent.await(trusted ? "welcome" : "error");
                    assertThat(answer.path("code").asText()).as(trusted ? "another client behind the proxy" : "the same peer: the header is not believed")
                            .isEqualTo(trusted ? "" : "locked");
                }
                if (trusted) {
                    assertThat(t.audit(2)).containsExactly("desktop,chat-desk-001,locked-out,,1 wrong secrets in 15 minutes from 198.51.100.7",
                            "desktop,chat-desk-001,signed-in,,");
                }
            }
        }
        assertThatThrownBy(() -> ChatSettings.from(Map.of("chat.port", "0", "chat.trusted-proxies", "10.0.0.5, proxy.example.nl")))
                .as("names are never looked up").hasMessage("chat.trusted-proxies: 'proxy.example.nl' is not an IP address "
                        + "(the address a reverse proxy connects to Loket from)");
    }

    /** Waits until the core has the agent in {@code wanted} presence; fails after 10 s. */
    private static void awaitCoreState(TestEngine t, String agent, AgentState wanted) throws Exception {
        int id = t.engine.query(core -> core.config().agents().stream().map(a -> a.name()).toList().indexOf(agent)).get();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (t.engine.query(core -> core.agentPresence(id)).get() != wanted) {
            assertThat(System.nanoTime()).as(agent + " " + wanted + " in the core").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void announce(TestEngine t, int prompt) {
        assertThat(t.engine.tryPublish((c, unused) -> {
            c.type = CommandType.ANNOUNCEMENT_SET;
            c.input = prompt;
        }, null)).isTrue();
    }

    @Test
    void shouldHandAChatToAnAgentWithPathAndTranscriptAndResumeAfterAReconnect() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("chat-desk-001")) {
            WsClient citizen = new WsClient(t.ws() + "/ws/citizen");
            String token = TestEngine.askForTheApplicationDesk(citizen);
            JsonNode offer = desk.await("offer");
            assertThat(offer.path("channel").asText()).isEqualTo("chat");
            assertThat(offer.path("queue").asText()).isEqualTo("digid-chat");
            assertThat(offer.path("topic").asText()).isEqualTo("to-application");
            assertThat(offer.path("path")).extracting(JsonNode::asText)
                    .containsExactly("welcome", "main-menu", "application-menu", "to-application");
            assertThat(offer.path("transcript").toString()).contains("my activation letter never came");
            String contact = offer.path("contact").asText();
            desk.send("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}");
            citizen.await("agent-joined");
            desk.send("{\"type\":\"message\",\"contact\":\"" + contact + "\",\"text\":\"Hello, how can I help?\"}");
            assertThat(citizen.await("message").path("text").asText()).isEqualTo("Hello, how can I help?");

            citizen.socket.abort(); // the connection is lost
            WsClient back = new WsClient(t.ws() + "/ws/citizen");
            back.send("{\"type\":\"resume\",\"token\":\"" + token + "\"}");
            JsonNode session = back.await("session");
            assertThat(session.path("resumed").asBoolean()).isTrue();
            assertThat(session.path("phase").asText()).isEqualTo("connected");
            assertThat(session.path("transcript").toString()).contains("Hello, how can I help?");
            back.send("{\"type\":\"message\",\"text\":\"thanks, I am back\"}");
            assertThat(desk.await("message").path("text").asText()).isEqualTo("thanks, I am back");

            desk.send("{\"type\":\"end\",\"contact\":\"" + contact + "\"}");
            assertThat(back.await("ended").path("outcome").asText()).isEqualTo("ANSWERED");
            desk.await("ended");
            desk.send("{\"type\":\"wrap-up\",\"contact\":\"" + contact + "\",\"code\":\"resolved\"}");
            desk.await("closed");
            WsClient stranger = new WsClient(t.ws() + "/ws/citizen");
            stranger.send("{\"type\":\"resume\",\"token\":\"not-a-token\"}");
            assertThat(stranger.await("error").path("code").asText()).isEqualTo("resume-refused");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().ended(Outcome.ANSWERED)).isEqualTo(1);
            assertThat(t.gateway.counters().resumed.sum()).isEqualTo(1);
            back.close();
            stranger.close();
        }
    }

    @Test
    void shouldShowAVoiceOfferWithTheCallersSelfServicePathAndTopic() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("generalist-001")) {
            long caller = t.callTheApplicationDesk(7_000_001L);
            JsonNode offer = desk.await("offer");
            assertThat(offer.path("contact").asText()).isEqualTo(Long.toString(caller));
            assertThat(offer.path("channel").asText()).isEqualTo("voice");
            assertThat(offer.path("queue").asText()).isEqualTo("application-voice");
            assertThat(offer.path("topic").asText()).isEqualTo("to-application");
            assertThat(offer.path("path")).extracting(JsonNode::asText)
                    .containsExactly("welcome", "main-menu", "application-menu", "to-application");
            desk.send("{\"type\":\"accept\",\"contact\":\"" + caller + "\"}");
            assertThat(desk.await("error").path("code").asText()).as("a call is answered on the phone").isEqualTo("on-phone");
        }
    }

    /**
     * A call is talked and hung up on the phone, but transferred from the desktop, into a voice queue
     * only, with a note the next agent's offer shows (the telephony adapter moves the caller).
     */
    @Test
    void shouldTransferACallFromTheDesktopIntoAVoiceQueueWithItsNote() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = new WsClient(t.ws() + "/ws/agent")) {
            desk.send("{\"type\":\"login\",\"agent\":\"generalist-001\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            JsonNode welcome = desk.await("welcome");
            assertThat(welcome.path("queueChannels").path("tax-handover-voice").asText()).isEqualTo("voice");
            assertThat(welcome.path("queueChannels").path("digid-chat").asText()).isEqualTo("chat");
            long caller = 7_200_001L;
            String contact = callAnsweredByTheGeneralist(t, desk, caller);
            for (String frame : List.of("{\"type\":\"end\",\"contact\":\"" + contact + "\"}",
                    "{\"type\":\"message\",\"contact\":\"" + contact + "\",\"text\":\"hello\"}")) {
                desk.send(frame);
                assertThat(desk.await("error").path("code").asText()).as(frame).isEqualTo("on-phone");
                desk.forget("error");
            }
            desk.send("{\"type\":\"transfer\",\"contact\":\"" + contact + "\",\"queue\":\"digid-chat\",\"note\":\"x\"}");
            JsonNode wrong = desk.await("error");
            assertThat(wrong.path("code").asText()).isEqualTo("wrong-channel");
            assertThat(wrong.path("message").asText()).contains("voice queue");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().contactState(caller)).as("still talking").isEqualTo(ContactState.CONNECTED);

            desk.send("{\"type\":\"transfer\",\"contact\":\"" + contact + "\",\"queue\":\"tax-handover-voice\","
                    + "\"note\":\"asks about the tax return deadline\"}");
            assertThat(desk.await("transferred").path("queue").asText()).isEqualTo("tax-handover-voice");
            // The generalist is free again and the only voice agent for that queue: offered anew, with the note.
            JsonNode again = desk.await("offer", f -> f.path("contact").asText().equals(contact) && f.path("notes").size() > 0, 10_000);
            assertThat(again.path("queue").asText()).isEqualTo("tax-handover-voice");
            assertThat(again.path("notes").get(0).asText()).isEqualTo("generalist-001 → tax-handover-voice: asks about the tax return deadline");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().config().queues().get(t.engine.core().contactQueue(caller)).name()).isEqualTo("tax-handover-voice");
        }
    }

    /** A call to the application desk that generalist-001's phone answered: its desk holds it as a conversation. */
    private static String callAnsweredByTheGeneralist(TestEngine t, WsClient desk, long caller) throws InterruptedException {
        t.callTheApplicationDesk(caller);
        desk.await("offer");
        t.phone(CommandType.OFFER_ACCEPTED, caller, t.agentId("generalist-001"), -1, -1);
        desk.await("conversation");
        return Long.toString(caller);
    }

    /**
     * A transfer the core refuses leaves no note: the desk asks twice in one go (both pass the hub's
     * checks, the call being connected as far as it knows); the core transfers once and refuses the
     * second, and the next offer carries the first note only.
     */
    @Test
    void shouldKeepATransferNoteOnlyWhenTheCoreTransferred() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("generalist-001")) {
            String contact = callAnsweredByTheGeneralist(t, desk, 7_300_001L);
            JsonNode login = JSON.readTree("{\"type\":\"login\",\"agent\":\"generalist-001\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            JsonNode first = JSON.readTree("{\"type\":\"transfer\",\"contact\":\"" + contact + "\",\"queue\":\"tax-handover-voice\",\"note\":\"first\"}");
            JsonNode second = JSON.readTree("{\"type\":\"transfer\",\"contact\":\"" + contact + "\",\"queue\":\"login-voice\",\"note\":\"second\"}");
            io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel();
            Peer peer = new Peer(channel, Peer.Kind.AGENT, 20);
            t.gateway.hub().ask(h -> {
                h.onFrame(peer, login);
                h.onFrame(peer, first);
                h.onFrame(peer, second);
                return null;
            }).get(5, TimeUnit.SECONDS);
            t.engine.awaitQuiet(5_000);
            List<JsonNode> frames = t.sentTo(channel);
            assertThat(frames).as("the core refused the second transfer").anySatisfy(f -> {
                assertThat(f.path("type").asText()).isEqualTo("refused");
                assertThat(f.path("command").asText()).isEqualTo("transfer_requested");
            });
            JsonNode again = frames.stream().filter(f -> f.path("type").asText().equals("offer")).reduce((a, b) -> b).orElseThrow();
            assertThat(again.path("queue").asText()).isEqualTo("tax-handover-voice");
            assertThat(again.path("notes")).extracting(JsonNode::asText).containsExactly("generalist-001 → tax-handover-voice: first");
        }
    }

    /**
     * An agent who takes calls on a phone (its gateway's commands published here as the telephony
     * adapter does) shows on the wallboard as the core holds them: busy while talking, in wrap-up
     * after the call, paused with the reason dialled on the phone; the desktop shows the call as a
     * conversation and records its wrap-up code, or closes it when the phone ended the wrap-up.
     */
    @Test
    void shouldMirrorAPhoneAgentOnTheWallboardAndTheDesktop() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "50")); WsClient desk = t.login("generalist-001");
             WsClient board = t.wallboard()) {
            int agent = t.agentId("generalist-001");

            long first = t.callTheApplicationDesk(7_100_001L);
            assertThat(desk.await("offer").path("contact").asText()).isEqualTo(Long.toString(first));
            t.phone(CommandType.OFFER_ACCEPTED, first, agent, -1, -1);
            JsonNode conversation = desk.await("conversation");
            assertThat(conversation.path("channel").asText()).isEqualTo("voice");
            assertThat(conversation.path("contact").asText()).isEqualTo(Long.toString(first));
            awaitState(board, "generalist-001", "busy");
            t.phone(CommandType.CONTACT_ENDED, first, -1, -1, -1); // the caller hung up
            assertThat(desk.await("ended").path("contact").asText()).isEqualTo(Long.toString(first));
            awaitState(board, "generalist-001", "wrap_up"); // application-voice gives 180 s of wrap-up
            desk.send("{\"type\":\"wrap-up\",\"contact\":\"" + first + "\",\"code\":\"referred\"}");
            assertThat(desk.await("closed").path("contact").asText()).isEqualTo(Long.toString(first));
            awaitState(board, "generalist-001", "ready");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().contactState(first)).as("the desktop's code ended the wrap-up").isEqualTo(ContactState.NONE);

            // The second call: *562 on the phone during the conversation pauses the agent with the
            // second pause reason once the call is done; the wallboard shows the pause coming.
            long second = t.callTheApplicationDesk(7_100_002L);
            desk.await("offer");
            t.phone(CommandType.OFFER_ACCEPTED, second, agent, -1, -1);
            desk.await("conversation");
            t.phone(CommandType.AGENT_STATE_CHANGED, -1, agent, AgentState.PAUSED.code(), PauseReason.FIRST_OPERATOR_CODE + 1);
            JsonNode state = desk.await("state", f -> f.path("state").asText().equals("paused"), 10_000);
            assertThat(state.path("reason").asText()).isEqualTo("training");
            assertThat(state.path("activity").asText()).as("still in the call").isEqualTo("busy");
            JsonNode pausing = awaitState(board, "generalist-001", "busy", "pausing");
            assertThat(pausing.path("reason").asText()).as("the pause to come").isEqualTo("training");
            // Its wrap-up ends from the phone (*57): the desktop closes it by itself, the pause begins.
            t.phone(CommandType.CONTACT_ENDED, second, -1, -1, -1);
            desk.await("ended");
            t.phone(CommandType.WRAP_UP_DONE, second, agent, -1, -1);
            assertThat(desk.await("closed").path("contact").asText()).isEqualTo(Long.toString(second));
            JsonNode paused = awaitState(board, "generalist-001", "paused");
            assertThat(paused.path("reason").asText()).isEqualTo("training");
            assertThat(paused.path("pausing").asBoolean()).isFalse();
            assertThat(t.engine.core().agentState(agent)).isEqualTo(AgentState.PAUSED);
        }
    }

    /**
     * A caller the journal knows by pseudonym calls again: the offer of the second call shows the
     * agent the first (when, where, how it ended, with whom, the wrap-up code); a new sender's
     * e-mail shows none. {@code chat.citizen-history-days=0} shows nothing.
     */
    @Test
    void shouldShowACallersEarlierContactsWithTheOfferOfTheNextOne() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("generalist-001")) {
            int agent = t.agentId("generalist-001");
            long first = t.callTheApplicationDesk(7_500_001L);
            assertThat(desk.await("offer").has("earlier")).as("the caller's first contact").isFalse();
            t.phone(CommandType.OFFER_ACCEPTED, first, agent, -1, -1);
            desk.await("conversation");
            t.phone(CommandType.CONTACT_ENDED, first, -1, -1, -1);
            desk.await("ended");
            desk.send("{\"type\":\"wrap-up\",\"contact\":\"" + first + "\",\"code\":\"referred\"}");
            desk.await("closed");

            long second = t.callTheApplicationDesk(7_500_002L);
            JsonNode offer = desk.await("offer");
            assertThat(offer.path("contact").asText()).isEqualTo(Long.toString(second));
            assertThat(offer.path("earlierDays").asInt()).isEqualTo(7);
            assertThat(offer.path("earlier")).singleElement().satisfies(e -> {
                assertThat(e.path("channel").asText()).isEqualTo("voice");
                assertThat(e.path("queue").asText()).isEqualTo("application-voice");
                assertThat(e.path("outcome").asText()).isEqualTo("answered");
                assertThat(e.path("agent").asText()).isEqualTo("generalist-001");
                assertThat(e.path("wrapUpCode").asText()).isEqualTo("referred");
                assertThat(e.path("arrivedAt").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}");
            });
            assertThat(offer.toString()).as("never the pseudonym itself")
                    .doesNotContain(org.loket.host.gateway.Pseudonyms.text(TestEngine.TESTERS_PHONE));
            t.phone(CommandType.OFFER_ACCEPTED, second, agent, -1, -1);
            assertThat(desk.await("conversation").path("earlier")).as("on the conversation's card too").hasSize(1);

            long[] mails = new long[2];
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> mail = post(HttpClient.newHttpClient(), t, "{\"channel\":\"email\",\"externalId\":\"m-" + i + "\","
                        + "\"from\":\"Someone.New@example.org\",\"subject\":\"Hi\",\"body\":\"Mail " + i + ".\"}", TestEngine.WORK_ITEM_TOKEN);
                assertThat(mail.statusCode()).isEqualTo(202);
                mails[i] = Long.parseLong(JSON.readTree(mail.body()).path("workItem").asText());
            }
            t.engine.awaitQuiet(5_000);
            assertThat(t.gateway.hub().ask(h -> h.earlierContacts(mails[0])).get(5, TimeUnit.SECONDS)).as("a new sender").isEmpty();
            assertThat(t.gateway.hub().ask(h -> h.earlierContacts(mails[1])).get(5, TimeUnit.SECONDS)).as("the same sender's first mail")
                    .singleElement().satisfies(r -> {
                        assertThat(r.channel()).isEqualTo("email");
                        assertThat(r.outcome()).isEqualTo("open");
                    });
        }
        try (TestEngine t = new TestEngine(Map.of("chat.citizen-history-days", "0")); WsClient desk = t.login("generalist-001")) {
            t.callTheApplicationDesk(7_500_003L);
            desk.await("offer");
            t.phone(CommandType.CONTACT_ABANDONED, 7_500_003L, -1, -1, -1);
            t.callTheApplicationDesk(7_500_004L);
            assertThat(desk.await("offer", f -> f.path("contact").asText().equals("7500004"), 10_000).has("earlier"))
                    .as("the history is off").isFalse();
        }
    }

    /**
     * Waits for a wallboard push, after those read so far, that shows the agent in {@code wanted}
     * (and with each of {@code flags} true); fails after 10 s. Returns the agent's row.
     */
    private static JsonNode awaitState(WsClient board, String agent, String wanted, String... flags) throws InterruptedException {
        board.forget("wallboard");
        JsonNode frame = board.await("wallboard", f -> row(f, agent, wanted, flags) != null, 10_000);
        return row(frame, agent, wanted, flags);
    }

    /** Whether the wallboard's row of {@code agent} says its phone does not answer. */
    private static boolean voiceOffShown(JsonNode wallboard, String agent) {
        for (JsonNode a : wallboard.path("agents")) {
            if (a.path("name").asText().equals(agent)) {
                return a.path("voiceOff").asBoolean();
            }
        }
        return false;
    }

    private static JsonNode row(JsonNode wallboard, String agent, String state, String... flags) {
        for (JsonNode a : wallboard.path("agents")) {
            if (a.path("name").asText().equals(agent) && a.path("state").asText().equals(state)
                    && java.util.Arrays.stream(flags).allMatch(flag -> a.path(flag).asBoolean())) {
                return a;
            }
        }
        return null;
    }

    /** A citizen who chooses Nederlands, then "inloggen": a human in digid-chat. */
    /** A citizen's chat (the bot's path to a human) that {@code desk} was offered and accepted. */
    private record AcceptedChat(WsClient citizen, String contact) {
    }

    private static AcceptedChat chatAcceptedBy(TestEngine t, WsClient desk) throws InterruptedException {
        WsClient citizen = askForAnAgent(t);
        String contact = desk.await("offer").path("contact").asText();
        desk.send("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}");
        citizen.await("agent-joined");
        return new AcceptedChat(citizen, contact);
    }

    private static WsClient askForAnAgent(TestEngine t) throws InterruptedException {
        WsClient citizen = new WsClient(t.ws() + "/ws/citizen");
        citizen.send("{\"type\":\"start\",\"language\":\"nl\"}");
        citizen.await("bot");
        citizen.send("{\"type\":\"choose\",\"input\":1}");
        citizen.await("bot");
        citizen.send("{\"type\":\"choose\",\"input\":1}");
        return citizen;
    }

    /**
     * An agent logs out in the middle of a chat: the core keeps a logout while contacts are held
     * pending, so the desk is paused at once (no new chat reaches it) and the core logs it out when
     * its chat is done; the wallboard shows it coming. Nothing is refused.
     */
    @Test
    void shouldLogOutAnAgentWhoHoldsAChatOnceItIsDone() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "50")); WsClient desk = t.login("chat-desk-001");
             WsClient board = t.wallboard()) {
            int agent = t.agentId("chat-desk-001");
            AcceptedChat chat = chatAcceptedBy(t, desk);
            WsClient citizen = chat.citizen();
            String contact = chat.contact();

            desk.send("{\"type\":\"logout\"}");
            JsonNode state = desk.await("state", f -> f.path("logoutPending").asBoolean(), 10_000);
            assertThat(state.path("state").asText()).as("paused meanwhile: no new work").isEqualTo("paused");
            assertThat(state.path("activity").asText()).isEqualTo("busy");
            assertThat(awaitState(board, "chat-desk-001", "busy", "loggingOut").path("contacts").asInt()).isEqualTo(1);
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().agentPauseReason(agent)).as("the core holds the logout").isEqualTo(PauseReason.LOGOUT_PENDING);
            WsClient second = askForAnAgent(t);
            assertThat(second.await("queued").path("position").asInt()).as("the second chat waits: nobody ready").isEqualTo(1);

            desk.send("{\"type\":\"end\",\"contact\":\"" + contact + "\"}");
            desk.await("ended");
            desk.send("{\"type\":\"wrap-up\",\"contact\":\"" + contact + "\",\"code\":\"resolved\"}");
            desk.await("closed");
            assertThat(desk.await("state", f -> f.path("state").asText().equals("logged_out"), 10_000).path("logoutPending").asBoolean())
                    .isFalse();
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().agentState(agent)).isEqualTo(AgentState.LOGGED_OUT);
            assertThat(t.engine.core().waitingCount(t.config.routing().queues().stream().map(q -> q.name()).toList().indexOf("digid-chat")))
                    .as("and no chat was offered on the way out").isEqualTo(1);
            assertThat(desk.frames.stream().noneMatch(f -> f.path("type").asText().equals("refused"))).as("nothing refused").isTrue();

            // The agent's own logout took effect: its desktop's session ended with it (AgentSessionTest), so
            // the desk acts no more until the agent logs in again, which makes it ready: the waiting chat comes.
            desk.await("signed-out");
            desk.send("{\"type\":\"ready\"}");
            assertThat(desk.await("error").path("code").asText()).isEqualTo("unauthenticated");
            desk.send("{\"type\":\"login\",\"agent\":\"chat-desk-001\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            assertThat(desk.await("offer").path("channel").asText()).isEqualTo("chat");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().agentPresence(agent)).isEqualTo(AgentState.READY);
            assertThat(desk.frames.stream().noneMatch(f -> f.path("type").asText().equals("refused"))).as("still nothing refused").isTrue();
            citizen.close();
            second.close();
        }
    }

    /**
     * The phone of an agent holding a chat stops answering: the agent's voice is switched off and
     * nothing else: no logout, still ready, the chat goes on and the next chat comes to the same
     * desk; the desktop says why no calls come until the phone is back.
     */
    @Test
    void shouldKeepChattingWhileThePhoneDoesNotAnswer() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("chat-desk-001"); WsClient board = t.wallboard()) {
            int agent = t.agentId("chat-desk-001");
            AcceptedChat chat = chatAcceptedBy(t, desk);
            t.voice(agent, false);
            board.await("wallboard", f -> voiceOffShown(f, "chat-desk-001"), 10_000); // the supervisor sees why no calls come
            JsonNode off = desk.await("state", f -> f.path("voiceOff").asBoolean(), 10_000);
            assertThat(off.path("state").asText()).isEqualTo("ready");
            assertThat(off.path("logoutPending").asBoolean()).isFalse();
            WsClient second = askForAnAgent(t);
            assertThat(desk.await("offer").path("channel").asText()).as("chats carry on").isEqualTo("chat");
            t.voice(agent, true);
            desk.await("state", f -> !f.path("voiceOff").asBoolean(), 10_000);
            board.forget("wallboard");
            board.await("wallboard", f -> !voiceOffShown(f, "chat-desk-001"), 10_000);
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().agentChannelOn(agent, org.loket.core.Channel.VOICE)).isTrue();
            assertThat(desk.sentSoFar()).extracting(f -> f.path("type").asText()).doesNotContain("error", "signed-out");
            chat.citizen().close();
            second.close();
        }
    }

    /**
     * A supervisor logs an agent out in the middle of a chat: the desktop works on (its session
     * lasts while the core keeps the logout pending), and when the chat is done the logout takes
     * effect and ends the desktop's session, saying who.
     */
    @Test
    void shouldEndTheDesktopsSessionWhenASupervisorsLogoutTookEffectAfterTheLastChat() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("chat-desk-001");
             WsClient lead = new WsClient(t.ws() + "/ws/wallboard")) {
            AcceptedChat chat = chatAcceptedBy(t, desk);
            String contact = chat.contact();
            lead.send("{\"type\":\"subscribe\",\"supervisor\":\"chat-lead\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            lead.await("signed-in");
            lead.send("{\"type\":\"agent-state\",\"agent\":\"chat-desk-001\",\"state\":\"logged-out\"}");
            desk.await("state", f -> f.path("logoutPending").asBoolean(), 10_000);
            desk.send("{\"type\":\"message\",\"contact\":\"" + contact + "\",\"text\":\"one moment\"}");
            assertThat(chat.citizen().await("message").path("text").asText()).as("the desktop works on").isEqualTo("one moment");
            desk.send("{\"type\":\"end\",\"contact\":\"" + contact + "\"}");
            desk.await("ended");
            desk.send("{\"type\":\"wrap-up\",\"contact\":\"" + contact + "\",\"code\":\"resolved\"}");
            desk.await("closed");
            JsonNode ended = desk.await("error", f -> f.path("code").asText().equals("session-ended"), 10_000);
            assertThat(ended.path("message").asText()).isEqualTo("Supervisor chat-lead logged you out; log in again to work.");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().agentState(t.agentId("chat-desk-001"))).isEqualTo(AgentState.LOGGED_OUT);
            assertThat(t.audit(4)).contains("desktop,chat-desk-001,session-ended,,logged out by supervisor chat-lead");
        }
    }

    @Test
    void shouldTransferToANamedAgentWithTheNote() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient first = t.login("chat-desk-001")) {
            AcceptedChat chat = chatAcceptedBy(t, first);
            WsClient citizen = chat.citizen();
            String contact = chat.contact();
            WsClient longestIdle = t.login("tax-desk-001"); // qualifies for digid-chat too, and waits longer
            WsClient named = t.login("chat-desk-002");
            first.send("{\"type\":\"transfer\",\"contact\":\"" + contact + "\",\"queue\":\"digid-chat\",\"agent\":\"nobody\"}");
            assertThat(first.await("error").path("message").asText()).contains("no agent 'nobody'");
            first.send("{\"type\":\"transfer\",\"contact\":\"" + contact
                    + "\",\"queue\":\"digid-chat\",\"agent\":\"chat-desk-002\",\"note\":\"knows the letter story\"}");
            first.await("transferred");
            JsonNode offer = named.await("offer");
            assertThat(offer.path("contact").asText()).isEqualTo(contact);
            assertThat(offer.path("notes").get(0).asText()).isEqualTo("chat-desk-001 → digid-chat (chat-desk-002): knows the letter story");
            assertThat(longestIdle.frames.stream().noneMatch(f -> f.path("type").asText().equals("offer"))).isTrue();
            citizen.await("transferring");
            citizen.close();
            longestIdle.close();
            named.close();
        }
    }

    /**
     * A warm transfer: the first agent stays in the chat (reads the citizen, writes to them) while the
     * chat waits for a colleague, and is offered nothing new meanwhile, not even this chat although
     * they serve its queue and have room; the colleague's acceptance releases them.
     */
    @Test
    void shouldKeepTheFirstAgentWithTheCitizenThroughAWarmTransferUntilAColleagueAccepts() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient first = t.login("chat-desk-001")) {
            AcceptedChat chat = chatAcceptedBy(t, first);
            WsClient citizen = chat.citizen();
            String contact = chat.contact();
            first.send("{\"type\":\"transfer\",\"contact\":\"" + contact
                    + "\",\"queue\":\"digid-chat\",\"warm\":true,\"note\":\"asks about the app letter\"}");
            assertThat(first.await("transferred").path("warm").asBoolean()).isTrue();
            assertThat(citizen.await("transferring").path("warm").asBoolean()).isTrue();
            t.engine.awaitQuiet(5_000);
            long id = Long.parseLong(contact);
            int firstAgent = t.agentId("chat-desk-001");
            assertThat(t.engine.core().contactHolder(id)).isEqualTo(firstAgent);
            assertThat(t.engine.core().contactState(id)).as("waiting, not offered back to its first agent (room for three chats)")
                    .isEqualTo(ContactState.WAITING);
            assertThat(t.engine.core().agentState(firstAgent)).isEqualTo(AgentState.BUSY);

            citizen.send("{\"type\":\"message\",\"text\":\"are you still there?\"}");
            assertThat(first.await("message").path("text").asText()).isEqualTo("are you still there?");
            first.send("{\"type\":\"message\",\"contact\":\"" + contact + "\",\"text\":\"yes, a colleague is coming\"}");
            assertThat(citizen.await("message", f -> f.path("from").asText().equals("agent"), 10_000).path("text").asText())
                    .isEqualTo("yes, a colleague is coming");
            first.send("{\"type\":\"end\",\"contact\":\"" + contact + "\"}");
            assertThat(first.await("error").path("code").asText()).as("the colleague ends it, not the first agent").isEqualTo("not-connected");

            WsClient second = t.login("chat-desk-002");
            JsonNode offer = second.await("offer");
            assertThat(offer.path("contact").asText()).isEqualTo(contact);
            assertThat(offer.path("notes").get(0).asText()).isEqualTo("chat-desk-001 → digid-chat: asks about the app letter");
            assertThat(first.frames.stream().noneMatch(f -> f.path("type").asText().equals("released"))).as("an offer is no hand-over yet").isTrue();
            citizen.forget("agent-joined");
            second.send("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}");
            assertThat(first.await("released").path("reason").asText()).isEqualTo("accepted");
            citizen.await("agent-joined");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().contactHolder(id)).isEqualTo(-1);
            assertThat(t.engine.core().agentState(firstAgent)).isEqualTo(AgentState.READY);
            citizen.send("{\"type\":\"message\",\"text\":\"hello\"}");
            assertThat(second.await("message").path("text").asText()).isEqualTo("hello");
            citizen.close();
            second.close();
        }
    }

    /**
     * The first agent of a warm transfer may leave: the citizen keeps their place and is told; only
     * that agent may. A call is transferred warm and left from the desktop the same way (the
     * telephony adapter keeps the caller on the line with the agent meanwhile).
     */
    @Test
    void shouldLetTheFirstAgentLeaveAWarmTransferOfAChatOrACall() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient first = t.login("chat-desk-001"); WsClient generalist = t.login("generalist-001")) {
            String call = callAnsweredByTheGeneralist(t, generalist, 7_400_001L);
            generalist.send("{\"type\":\"transfer\",\"contact\":\"" + call + "\",\"queue\":\"login-voice\",\"warm\":true}");
            assertThat(generalist.await("transferred").path("warm").asBoolean()).isTrue();
            t.engine.awaitQuiet(5_000);
            int generalistId = t.agentId("generalist-001");
            assertThat(t.engine.core().contactHolder(7_400_001L)).as("stays on the line").isEqualTo(generalistId);
            generalist.send("{\"type\":\"leave\",\"contact\":\"" + call + "\"}");
            assertThat(generalist.await("released").path("reason").asText()).isEqualTo("left");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().contactHolder(7_400_001L)).isEqualTo(-1);

            AcceptedChat chat = chatAcceptedBy(t, first);
            WsClient citizen = chat.citizen();
            String contact = chat.contact();
            first.send("{\"type\":\"leave\",\"contact\":\"" + contact + "\"}");
            assertThat(first.await("error").path("code").asText()).isEqualTo("not-staying");
            first.send("{\"type\":\"transfer\",\"contact\":\"" + contact + "\",\"queue\":\"digid-chat\",\"warm\":true}");
            first.await("transferred");
            first.send("{\"type\":\"leave\",\"contact\":\"" + contact + "\"}");
            assertThat(first.await("released").path("reason").asText()).isEqualTo("left");
            citizen.await("agent-left");
            t.engine.awaitQuiet(5_000);
            long id = Long.parseLong(contact);
            assertThat(t.engine.core().contactHolder(id)).isEqualTo(-1);
            assertThat(t.engine.core().contactState(id)).as("chat-desk-001 is free again and serves digid-chat: offered anew")
                    .isEqualTo(ContactState.OFFERED);
            citizen.close();
        }
    }

    /**
     * An introduction is a warm transfer of a call or a chat in which the first agent stays after a
     * colleague took it: the core keeps the agent and the desktops hear it is one. In a chat the three
     * write together: the citizen's lines reach both agents, each agent's reach the citizen and the
     * other agent; the first agent hears who joined, and when they leave the citizen is told the
     * colleague helps them on.
     */
    @Test
    void shouldIntroduceACallOrAChatToAColleagueWhoTalksWithBoth() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient first = t.login("chat-desk-001"); WsClient generalist = t.login("generalist-001")) {
            String call = callAnsweredByTheGeneralist(t, generalist, 7_400_002L);
            generalist.send("{\"type\":\"transfer\",\"contact\":\"" + call + "\",\"queue\":\"login-voice\",\"introduce\":true}");
            JsonNode transferred = generalist.await("transferred");
            assertThat(transferred.path("warm").asBoolean()).isTrue();
            assertThat(transferred.path("introduce").asBoolean()).isTrue();
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().contactHolder(7_400_002L)).isEqualTo(t.agentId("generalist-001"));

            AcceptedChat chat = chatAcceptedBy(t, first);
            WsClient citizen = chat.citizen();
            String contact = chat.contact();
            first.send("{\"type\":\"transfer\",\"contact\":\"" + contact + "\",\"queue\":\"digid-chat\",\"introduce\":true}");
            assertThat(first.await("transferred").path("introduce").asBoolean()).isTrue();
            try (WsClient second = t.login("chat-desk-002")) {
                assertThat(second.await("offer").path("introduce").asBoolean()).isTrue();
                second.send("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}");
                assertThat(first.await("joined").path("agent").asText()).isEqualTo("chat-desk-002");
                assertThat(second.await("conversation").path("introducedBy").asText()).isEqualTo("chat-desk-001");
                long id = Long.parseLong(contact);
                t.engine.awaitQuiet(5_000);
                assertThat(t.engine.core().contactHolder(id)).as("the first agent stays").isEqualTo(t.agentId("chat-desk-001"));

                citizen.send("{\"type\":\"message\",\"text\":\"hello both\"}");
                assertThat(first.await("message").path("text").asText()).isEqualTo("hello both");
                assertThat(second.await("message").path("text").asText()).isEqualTo("hello both");
                first.send("{\"type\":\"message\",\"contact\":\"" + contact + "\",\"text\":\"this is my colleague\"}");
                assertThat(citizen.await("message", f -> f.path("from").asText().equals("agent"), 10_000).path("text").asText())
                        .isEqualTo("this is my colleague");
                assertThat(second.await("message").path("text").asText()).as("the colleague reads along")
                        .isEqualTo("chat-desk-001: this is my colleague");
                second.send("{\"type\":\"message\",\"contact\":\"" + contact + "\",\"text\":\"I will help you\"}");
                assertThat(citizen.await("message", f -> f.path("text").asText().equals("I will help you"), 10_000).path("from").asText())
                        .isEqualTo("agent");
                assertThat(first.await("message").path("text").asText()).isEqualTo("chat-desk-002: I will help you");

                first.send("{\"type\":\"leave\",\"contact\":\"" + contact + "\"}");
                assertThat(first.await("released").path("reason").asText()).isEqualTo("introduced");
                assertThat(citizen.await("agent-left").path("introduced").asBoolean()).isTrue();
                JsonNode alone = second.await("conversation");
                assertThat(alone.has("introducedBy")).as("the chat is the colleague's alone").isFalse();
                List<String> agentLines = new ArrayList<>();
                alone.path("transcript").forEach(l -> {
                    if (l.path("from").asText().equals("agent")) {
                        agentLines.add(l.path("agent").asText() + ": " + l.path("text").asText());
                    }
                });
                assertThat(agentLines).as("the transcript says which agent wrote what")
                        .endsWith("chat-desk-001: this is my colleague", "chat-desk-002: I will help you");
                t.engine.awaitQuiet(5_000);
                assertThat(t.engine.core().contactHolder(id)).isEqualTo(-1);
                assertThat(t.engine.core().contactAgent(id)).isEqualTo(t.agentId("chat-desk-002"));
                citizen.close();
            }
        }
    }

    /**
     * The agent who took an introduction may leave it first (or hang up): the call is back with the
     * agent who introduced it, whose card becomes a plain conversation again (they may transfer it or
     * it ends with them); the one who left is released at once. Only those two may leave. The call is
     * back in application-voice, as if the introduction had not been made: the card says so, and when
     * the first agent passes it on, the wallboard counts that transfer out of application-voice too.
     */
    @Test
    void shouldHandAnIntroducedCallBackToItsIntroducerWhenTheColleagueLeaves() throws Exception {
        Path twoGeneralists = TestEngine.testConfigWith("{name: generalist, count: 1,", "{name: generalist, count: 2,");
        try (TestEngine t = new TestEngine(twoGeneralists, Map.of("chat.agent-secret.generalist-002", TestEngine.SECRET));
             WsClient first = t.login("generalist-001")) {
            String call = callAnsweredByTheGeneralist(t, first, 7_400_003L);
            WsClient next = t.login("generalist-002");
            first.send("{\"type\":\"transfer\",\"contact\":\"" + call + "\",\"queue\":\"login-voice\",\"introduce\":true}");
            first.await("transferred");
            assertThat(next.await("offer").path("introduce").asBoolean()).isTrue();
            int firstId = t.agentId("generalist-001");
            int nextId = t.agentId("generalist-002");
            t.phone(CommandType.OFFER_ACCEPTED, 7_400_003L, nextId, -1, -1);
            assertThat(next.await("conversation").path("introducedBy").asText()).isEqualTo("generalist-001");
            try (WsClient other = t.login("chat-desk-001")) {
                other.send("{\"type\":\"leave\",\"contact\":\"" + call + "\"}");
                assertThat(other.await("error").path("code").asText()).as("not on this call").isEqualTo("not-yours");
            }

            first.forget("conversation");
            next.send("{\"type\":\"leave\",\"contact\":\"" + call + "\"}");
            assertThat(next.await("released").path("reason").asText()).isEqualTo("returned");
            JsonNode back = first.await("conversation");
            assertThat(back.path("returnedBy").asText()).isEqualTo("generalist-002");
            assertThat(back.has("introducedBy")).isFalse();
            assertThat(back.path("queue").asText()).as("back in the queue it came from").isEqualTo("application-voice");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().contactAgent(7_400_003L)).isEqualTo(firstId);
            assertThat(t.engine.core().contactHolder(7_400_003L)).isEqualTo(-1);
            assertThat(t.engine.core().contactQueue(7_400_003L)).isEqualTo(t.config.routing().queues().stream()
                    .map(q -> q.name()).toList().indexOf("application-voice"));
            assertThat(t.engine.core().agentState(nextId)).isEqualTo(AgentState.READY);
            first.send("{\"type\":\"leave\",\"contact\":\"" + call + "\"}");
            assertThat(first.await("error").path("code").asText()).as("nobody stays now: the call is simply theirs").isEqualTo("not-staying");

            try (WsClient board = t.wallboard()) {
                first.send("{\"type\":\"transfer\",\"contact\":\"" + call + "\",\"queue\":\"tax-handover-voice\"}");
                assertThat(first.await("transferred").path("queue").asText()).isEqualTo("tax-handover-voice");
                assertThat(next.await("offer").path("contact").asText()).isEqualTo(call);
                t.phone(CommandType.OFFER_ACCEPTED, 7_400_003L, nextId, -1, -1);
                next.await("conversation");
                t.phone(CommandType.CONTACT_ENDED, 7_400_003L, -1, -1, -1);
                assertThat(next.await("ended").path("contact").asText()).isEqualTo(call);
                next.send("{\"type\":\"wrap-up\",\"contact\":\"" + call + "\",\"code\":\"resolved\"}");
                JsonNode w = board.await("wallboard", f -> TestEngine.queueFigure(f, "tax-handover-voice", "transferredIn") == 1, 10_000);
                assertThat(TestEngine.queueFigure(w, "application-voice", "transferredOut")).as("the introduction and the transfer after it")
                        .isEqualTo(2);
                assertThat(TestEngine.queueFigure(w, "login-voice", "transferredOut")).as("the call was no longer there").isZero();
                assertThat(TestEngine.queueFigure(w, "login-voice", "transferredIn")).isEqualTo(1);
            }
        }
    }

    @Test
    void shouldGiveAnAgentSeveralChatsUpToItsChatCapacity() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("chat-desk-001")) { // chat capacity 3
            WsClient[] citizens = new WsClient[4];
            for (int i = 0; i < citizens.length; i++) {
                citizens[i] = askForAnAgent(t);
                if (i < 3) {
                    String contact = desk.await("offer").path("contact").asText();
                    desk.send("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}");
                    citizens[i].await("agent-joined");
                }
            }
            assertThat(citizens[3].await("queued").path("position").asInt()).isEqualTo(1);
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().agentLoad(0 + t.config.routing().agents().indexOf(t.config.routing().agents().stream()
                    .filter(a -> a.name().equals("chat-desk-001")).findFirst().orElseThrow()), org.loket.core.Channel.CHAT)).isEqualTo(3);
            for (WsClient c : citizens) {
                c.close();
            }
        }
    }

    /**
     * Real-time adherence on a Monday at 10:05 (the schedule's clock; states change in real time), on
     * {@link TestEngine#scheduleConfig}: chat-desk-001 works through its planned break, chat-desk-002 takes it, tax-desk-001 is on shift
     * and not logged in, generalist-001 works before its shift (not scored), backoffice-001 has no
     * shift. At 10:15 the break ends: a push without any command shows the new picture.
     */
    @Test
    void shouldShowEachAgentsScheduleAndWhetherItKeepsToIt() throws Exception {
        Path config = TestEngine.scheduleConfig();
        java.time.ZoneId zone = java.time.ZoneId.of("Europe/Amsterdam");
        long mondayMs = java.time.LocalDate.of(2027, 3, 1).atStartOfDay(zone).toInstant().toEpochMilli();
        try (TestEngine t = new TestEngine(config, Map.of("chat.wallboard-update-ms", "50", "chat.adherence-grace-seconds", "60"));
             WsClient working = t.login("chat-desk-001"); WsClient resting = t.login("chat-desk-002"); WsClient early = t.login("generalist-001");
             WsClient board = new WsClient(t.ws() + "/ws/wallboard")) {
            t.gateway.hub().ask(h -> h.wallboard().scheduleClockMs = () -> mondayMs + (10 * 60 + 5) * 60_000L).get(5, TimeUnit.SECONDS);
            resting.send("{\"type\":\"pause\",\"reason\":\"break\"}");
            resting.await("state", f -> f.path("state").asText().equals("paused"), 10_000);
            board.send("{\"type\":\"subscribe\",\"token\":\"" + TestEngine.SUPERVISOR_TOKEN + "\"}");
            JsonNode w = board.await("wallboard", f -> f.path("agents").size() == 4 && f.toString().contains("\"paused\""), 10_000);

            JsonNode desk1 = agentRow(w, "chat-desk-001");
            assertThat(desk1.path("state").asText()).isEqualTo("ready");
            List<String> roster = org.loket.config.ConfigLoader.load(config).routing().agents().stream().map(a -> a.name()).toList();
            assertThat(desk1.path("number").asInt()).as("the agent number a supervisor's phone dials: its place in the roster")
                    .isEqualTo(roster.indexOf("chat-desk-001") + 1).isPositive();
            assertThat(agentRow(w, "tax-desk-001").path("number").asInt()).isEqualTo(roster.indexOf("tax-desk-001") + 1);
            assertThat(desk1.path("shift").asText()).isEqualTo("08:00-17:00");
            assertThat(desk1.path("planned").asText()).isEqualTo("break");
            assertThat(desk1.path("plannedUntil").asText()).isEqualTo("10:15");
            assertThat(desk1.path("adheres").asBoolean(true)).as("ready through a planned break").isFalse();
            assertThat(desk1.path("outSinceMs").asLong()).as("since the break began").isEqualTo(mondayMs + 10 * 60 * 60_000L);
            JsonNode desk2 = agentRow(w, "chat-desk-002");
            assertThat(desk2.path("adheres").asBoolean(false)).as("paused on the planned break").isTrue();
            JsonNode tax = agentRow(w, "tax-desk-001");
            assertThat(tax.path("state").asText()).as("listed though logged out: the schedule expects it").isEqualTo("logged_out");
            assertThat(tax.path("planned").asText()).isEqualTo("work");
            assertThat(tax.path("plannedUntil").asText()).isEqualTo("12:00");
            assertThat(tax.path("outSinceMs").asLong()).isEqualTo(mondayMs + 8 * 60 * 60_000L);
            JsonNode generalist = agentRow(w, "generalist-001");
            assertThat(generalist.path("planned").asText()).isEqualTo("off");
            assertThat(generalist.path("adheres").isNull()).as("working off shift is not scored").isTrue();
            assertThat(agentRow(w, "backoffice-001")).as("no shift, not logged in: not on the board").isNull();
            assertThat(w.path("schedule").path("onShift").asInt()).isEqualTo(3);
            assertThat(w.path("schedule").path("onBreak").asInt()).isEqualTo(2);
            assertThat(w.path("schedule").path("outOfAdherence").asInt()).isEqualTo(2);
            assertThat(w.path("schedule").path("graceSeconds").asInt()).isEqualTo(60);
            assertThat(w.path("agentTotals").path("ready").asInt()).as("logged-out agents are not on the floor").isEqualTo(2);

            // 10:15: the break is over. No command: the new minute alone brings a push.
            board.forget("wallboard");
            t.gateway.hub().ask(h -> h.wallboard().scheduleClockMs = () -> mondayMs + (10 * 60 + 15) * 60_000L).get(5, TimeUnit.SECONDS);
            JsonNode after = board.await("wallboard", f -> "work".equals(agentRow(f, "chat-desk-001").path("planned").asText()), 10_000);
            assertThat(agentRow(after, "chat-desk-001").path("adheres").asBoolean(false)).isTrue();
            assertThat(agentRow(after, "chat-desk-002").path("adheres").asBoolean(true)).as("still paused after the break").isFalse();
            assertThat(agentRow(after, "chat-desk-002").path("outSinceMs").asLong()).isEqualTo(mondayMs + (10 * 60 + 15) * 60_000L);
        }
    }

    /** The wallboard's row of {@code agent}, or null. */
    private static JsonNode agentRow(JsonNode wallboard, String agent) {
        for (JsonNode a : wallboard.path("agents")) {
            if (a.path("name").asText().equals(agent)) {
                return a;
            }
        }
        return null;
    }

    /**
     * The core's presences read before a desk's own command reached the core (the gateway's resync
     * after start, racing a desk that logs in at once) must not undo that command on the wallboard:
     * the hub applied it when it published it, and the mirror skips it when it comes back. Both run
     * in one hub task here, so the command is surely in flight when the older read arrives.
     */
    @Test
    void shouldNotLetPresencesReadBeforeADesksOwnCommandUndoIt() throws Exception {
        try (TestEngine t = new TestEngine(Map.of())) {
            HubRestart.CoreView before = t.engine.query(HubRestart.CoreView::of).get(5, TimeUnit.SECONDS);
            JsonNode login = JSON.readTree("{\"type\":\"login\",\"agent\":\"chat-desk-001\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            JsonNode raced = t.gateway.hub().ask(h -> {
                h.onFrame(new Peer(new io.netty.channel.embedded.EmbeddedChannel(), Peer.Kind.AGENT, 20), login);
                h.resync(before); // read while nobody was logged in
                return h.wallboard().frame();
            }).get(5, TimeUnit.SECONDS);
            assertThat(agentRow(raced, "chat-desk-001")).as("the desk's login stands").isNotNull();
            assertThat(agentRow(raced, "chat-desk-001").path("state").asText()).isEqualTo("ready");
            t.engine.awaitQuiet(5_000);
            JsonNode settled = t.gateway.hub().ask(h -> h.wallboard().frame()).get(5, TimeUnit.SECONDS);
            assertThat(agentRow(settled, "chat-desk-001").path("state").asText()).as("after the login came back").isEqualTo("ready");
        }
    }

    /**
     * A desk's own change of state that the core refuses is undone: the agent's phone logged it out
     * (another gateway's command, not back at the hub yet) just before the desk asked for a break.
     * The desktop showed the break at once; then the agent logged out, as the core has it, and so
     * does the wallboard. That logout was not the desk's, so it ends the desktop's session
     * (AgentSessionTest): the refusal that follows is no longer that page's.
     */
    @Test
    void shouldUndoADesksOwnChangeOfStateThatTheCoreRefused() throws Exception {
        try (TestEngine t = new TestEngine(Map.of())) {
            int agent = t.agentId("chat-desk-001");
            io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel();
            Peer peer = new Peer(channel, Peer.Kind.AGENT, 20);
            JsonNode login = JSON.readTree("{\"type\":\"login\",\"agent\":\"chat-desk-001\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            JsonNode pause = JSON.readTree("{\"type\":\"pause\",\"reason\":\"break\"}");
            t.gateway.hub().ask(h -> {
                h.onFrame(peer, login);
                return null;
            }).get(5, TimeUnit.SECONDS);
            t.engine.awaitQuiet(5_000);
            t.sentTo(channel);
            t.gateway.hub().ask(h -> {
                t.phone(CommandType.AGENT_STATE_CHANGED, -1, agent, AgentState.LOGGED_OUT.code(), -1);
                try {
                    t.engine.awaitQuiet(5_000); // in the core; the hub hears of it after this task
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                h.onFrame(peer, pause);
                return null;
            }).get(10, TimeUnit.SECONDS);
            t.engine.awaitQuiet(5_000);
            List<JsonNode> frames = t.sentTo(channel);
            assertThat(frames).extracting(f -> f.path("type").asText() + " " + f.path("state").asText() + f.path("code").asText())
                    .as("the break at once, then the core's presence, and the session is over").containsExactly(
                            "state paused", "state logged_out", "error session-ended");
            assertThat(t.engine.query(core -> core.agentPresence(agent)).get()).isEqualTo(AgentState.LOGGED_OUT);
            JsonNode board = t.gateway.hub().ask(h -> h.wallboard().frame()).get(5, TimeUnit.SECONDS);
            assertThat(agentRow(board, "chat-desk-001")).as("off the wallboard's floor too (it lists who is logged in)").isNull();
        }
    }

    /**
     * The citizen hears that an agent joined only once the core took the accept: the agent clicked
     * Accept just after the offer had timed out in the core (the hub had not heard of it yet), so
     * the core refused the accept and nobody joined; the line the agent typed at once is not sent.
     */
    @Test
    void shouldNotTellTheCitizenAnAgentJoinedWhenTheCoreRefusedTheAccept() throws Exception {
        Path config = TestEngine.testConfigWith("skill: digid-login,       priorityAgingSeconds: 120, offerTimeoutSeconds: 30",
                "skill: digid-login,       priorityAgingSeconds: 120, offerTimeoutSeconds: 1");
        try (TestEngine t = new TestEngine(config, Map.of()); WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel();
            Peer desk = deskOn(t, channel, "chat-desk-001");
            TestEngine.askForTheApplicationDesk(citizen);
            String contact = awaitSent(t, channel, "offer").path("contact").asText();
            t.gateway.hub().ask(h -> {
                try {
                    Thread.sleep(1_500); // the offer times out in the core (its ticks go on); the hub hears of it after this task
                    t.engine.awaitQuiet(5_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                h.onFrame(desk, TestEngine.frame("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}"));
                h.onFrame(desk, TestEngine.frame("{\"type\":\"message\",\"contact\":\"" + contact + "\",\"text\":\"Good morning!\"}"));
                return null;
            }).get(10, TimeUnit.SECONDS);
            t.engine.awaitQuiet(5_000);
            assertThat(awaitSent(t, channel, "refused").path("command").asText()).isEqualTo("offer_accepted");
            assertThat(citizen.sentSoFar()).extracting(f -> f.path("type").asText()).doesNotContain("agent-joined", "message");
            assertThat(t.gateway.hub().ask(h -> h.describe(Long.parseLong(contact))).get(5, TimeUnit.SECONDS))
                    .extractingByKey("transcript").asString().doesNotContain("agent joined", "Good morning!");
        }
    }

    /** An agent's first line, typed before the core's answer to Accept came back, reaches the citizen after "agent joined". */
    @Test
    void shouldSendTheAgentsFirstLinesAfterTheCitizenHeardTheAgentJoined() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel();
            Peer desk = deskOn(t, channel, "chat-desk-001");
            TestEngine.askForTheApplicationDesk(citizen);
            String contact = awaitSent(t, channel, "offer").path("contact").asText();
            t.gateway.hub().ask(h -> {
                h.onFrame(desk, TestEngine.frame("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}"));
                h.onFrame(desk, TestEngine.frame("{\"type\":\"message\",\"contact\":\"" + contact + "\",\"text\":\"Good morning!\"}"));
                return null;
            }).get(5, TimeUnit.SECONDS);
            citizen.await("agent-joined");
            citizen.seen.clear(); // what came before
            JsonNode next = citizen.next();
            assertThat(next.path("type").asText()).as("right after").isEqualTo("message");
            assertThat(next.path("text").asText()).isEqualTo("Good morning!");
        }
    }

    /** A desk logged in on an embedded channel, so a test can act on the hub's thread between the core's decisions. */
    private static Peer deskOn(TestEngine t, io.netty.channel.embedded.EmbeddedChannel channel, String agent) throws Exception {
        Peer peer = new Peer(channel, Peer.Kind.AGENT, 20);
        JsonNode login = TestEngine.frame("{\"type\":\"login\",\"agent\":\"" + agent + "\",\"secret\":\"" + TestEngine.SECRET + "\"}");
        t.gateway.hub().ask(h -> {
            h.onFrame(peer, login);
            return null;
        }).get(5, TimeUnit.SECONDS);
        t.engine.awaitQuiet(5_000);
        return peer;
    }

    /** The first frame of {@code type} the hub sent to an embedded channel's peer, looking again for 10 s. */
    private static JsonNode awaitSent(TestEngine t, io.netty.channel.embedded.EmbeddedChannel channel, String type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<JsonNode> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (JsonNode f : t.sentTo(channel)) {
                if (f.path("type").asText().equals(type)) {
                    return f;
                }
                seen.add(f);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + type + "' frame within 10 s; seen " + seen);
    }

    /**
     * A declined offer leaves the desktop on the hub's answer ({@code retracted}), not on the click;
     * an action the hub refuses names its contact, so the desktop shows why on that contact's card.
     */
    @Test
    void shouldAnswerADeclineAndNameTheContactOfARefusedAction() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = t.login("chat-desk-001");
             WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            TestEngine.askForTheApplicationDesk(citizen);
            String contact = desk.await("offer").path("contact").asText();
            desk.send("{\"type\":\"decline\",\"contact\":\"" + contact + "\"}");
            assertThat(desk.await("retracted").path("contact").asText()).isEqualTo(contact);
            desk.send("{\"type\":\"end\",\"contact\":\"" + contact + "\"}"); // not connected, offered again or not
            JsonNode refused = desk.await("error");
            assertThat(refused.path("code").asText()).isIn("not-yours", "not-connected");
            assertThat(refused.path("contact").asText()).isEqualTo(contact);
        }
    }

    /** The frames the hub sent to an embedded channel's peer since the last look. */
    @Test
    void shouldPushAgentsPauseWithItsReasonToTheWallboard() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "100")); WsClient desk = t.login("chat-desk-001");
             WsClient board = t.wallboard()) {
            board.await("wallboard", f -> f.path("agents").toString().contains("\"state\":\"ready\""), 10_000);
            desk.send("{\"type\":\"pause\",\"reason\":\"training\"}");
            JsonNode state = desk.await("state", f -> f.path("state").asText().equals("paused"), 10_000);
            assertThat(state.path("reason").asText()).isEqualTo("training");
            JsonNode w = board.await("wallboard", f -> f.path("agents").toString().contains("paused"), 10_000);
            JsonNode agent = w.path("agents").get(0);
            assertThat(agent.path("name").asText()).isEqualTo("chat-desk-001");
            assertThat(agent.path("reason").asText()).isEqualTo("training");
            JsonNode chat = null;
            for (JsonNode q : w.path("queues")) {
                if (q.path("name").asText().equals("digid-chat")) {
                    chat = q;
                }
            }
            assertThat(chat.path("agents").path("paused").asInt()).isEqualTo(1);
            assertThat(chat.path("agents").path("ready").asInt()).isZero();
            assertThat(w.path("agentTotals").path("paused").asInt()).as("the floor: " + w.path("agentTotals")).isEqualTo(1);
            assertThat(w.path("pausedByReason").path("training").asInt()).isEqualTo(1);
            desk.send("{\"type\":\"pause\",\"reason\":\"not-a-reason\"}");
            assertThat(desk.await("error").path("code").asText()).isEqualTo("malformed");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().agentPauseReason(0)).isEqualTo(org.loket.core.PauseReason.FIRST_OPERATOR_CODE + 1);
        }
    }

    /**
     * An answered contact counts in today's figures when its wrap-up is done, and the agent's
     * {@code WRAP_UP_DONE} makes no decision of its own: the wallboard must still be pushed after it.
     * The command is handed to the gateway as egress would, once the pushes have settled, so a
     * wallboard that only moved on decisions would wait for the next change, however long.
     */
    @Test
    void shouldPushTodaysFiguresAfterACommandThatMakesNoDecision() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.wallboard-update-ms", "50")); WsClient desk = t.login("chat-desk-001");
             WsClient board = t.wallboard()) {
            WsClient citizen = new WsClient(t.ws() + "/ws/citizen");
            TestEngine.askForTheApplicationDesk(citizen);
            String contact = desk.await("offer").path("contact").asText();
            desk.send("{\"type\":\"accept\",\"contact\":\"" + contact + "\"}");
            citizen.await("agent-joined");
            desk.send("{\"type\":\"end\",\"contact\":\"" + contact + "\"}");
            desk.await("ended");
            t.engine.awaitQuiet(5_000);
            Thread.sleep(500); // ten push periods: the hub has shown everything so far
            assertThat(t.gateway.hub().ask(h -> digidChat(h.wallboard().frame(), "answered")).get(5, TimeUnit.SECONDS))
                    .as("not counted before the wrap-up is done").isZero();

            org.loket.core.command.Command done = new org.loket.core.command.Command();
            done.type = org.loket.core.command.CommandType.WRAP_UP_DONE;
            done.contactId = Long.parseLong(contact);
            done.agentId = agentId(t, "chat-desk-001");
            done.timestampNs = t.engine.nowNs();
            done.sequence = t.engine.egressedSequence() + 1;
            t.gateway.onCommand(done, new org.loket.core.decision.Decision[0], 0);

            JsonNode w = board.await("wallboard", f -> digidChat(f, "answered") == 1, 5_000);
            assertThat(digidChat(w, "answeredWithinTarget")).isEqualTo(1);
            citizen.close();
        }
    }

    private static long digidChat(JsonNode wallboard, String field) {
        return TestEngine.queueFigure(wallboard, "digid-chat", field);
    }

    private static int agentId(TestEngine t, String name) {
        var agents = t.config.routing().agents();
        for (int a = 0; a < agents.size(); a++) {
            if (agents.get(a).name().equals(name)) {
                return a;
            }
        }
        throw new AssertionError("no agent " + name);
    }

    @Test
    void shouldShowPositionAndEstimatedWaitWhileNoAgentIsFree() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.position-update-ms", "100"))) {
            WsClient[] citizens = new WsClient[3];
            for (int i = 0; i < citizens.length; i++) {
                citizens[i] = askForAnAgent(t);
                JsonNode queued = citizens[i].await("queued");
                assertThat(queued.path("queue").asText()).isEqualTo("digid-chat");
                assertThat(queued.path("position").asInt()).isEqualTo(i + 1);
                assertThat(queued.path("estimatedWaitSeconds").asLong()).isPositive();
                assertThat(queued.path("estimatedWaitMinutes").asLong()).as("what the page shows")
                        .isEqualTo(Citizens.minutes(queued.path("estimatedWaitSeconds").asLong()));
                assertThat(List.of(29L, 30L, 89L, 90L)).as("to the nearest minute; 0 reads 'less than a minute'")
                        .extracting(Citizens::minutes).containsExactly(0L, 1L, 1L, 2L);
            }
            citizens[0].send("{\"type\":\"leave\"}");
            assertThat(citizens[1].await("queued", f -> f.path("position").asInt() == 1, 10_000)).isNotNull();
            assertThat(citizens[2].await("queued", f -> f.path("position").asInt() == 2, 10_000)).isNotNull();
            for (WsClient c : citizens) {
                c.close();
            }
        }
    }

    @Test
    void shouldRouteEmailWorkItemsAndSendRepliesAndOutcomesToTheWebhook() throws Exception {
        LinkedBlockingQueue<JsonNode> hooks = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> authorizations = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            try (InputStream in = exchange.getRequestBody()) {
                hooks.add(JSON.readTree(in));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        try (TestEngine t = new TestEngine(Map.of("chat.webhook-url", hook, "chat.webhook-token", "outbound-token"));
             WsClient desk = t.login("backoffice-001")) {
            HttpClient http = HttpClient.newHttpClient();
            String item = "{\"channel\":\"email\",\"externalId\":\"mail-42\",\"from\":\"citizen@example.org\","
                    + "\"subject\":\"Activation code\",\"body\":\"My code expired.\"}";
            assertThat(post(http, t, item, null).statusCode()).isEqualTo(401);
            assertThat(post(http, t, item, "wrong").statusCode()).isEqualTo(401);
            assertThat(post(http, t, "{not json", TestEngine.WORK_ITEM_TOKEN).statusCode()).isEqualTo(400);
            HttpResponse<String> bad = post(http, t, "{\"channel\":\"fax\",\"externalId\":\"x\",\"body\":\"b\"}", TestEngine.WORK_ITEM_TOKEN);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("channel must be 'email' or 'social'");
            HttpResponse<String> accepted = post(http, t, item, TestEngine.WORK_ITEM_TOKEN);
            assertThat(accepted.statusCode()).isEqualTo(202);
            String id = JSON.readTree(accepted.body()).path("workItem").asText();

            JsonNode offer = desk.await("offer");
            assertThat(offer.path("contact").asText()).isEqualTo(id);
            assertThat(offer.path("channel").asText()).isEqualTo("email");
            assertThat(offer.path("subject").asText()).isEqualTo("Activation code");
            desk.send("{\"type\":\"accept\",\"contact\":\"" + id + "\"}");
            desk.await("conversation");
            desk.send("{\"type\":\"message\",\"contact\":\"" + id + "\",\"text\":\"Please apply again.\"}");
            JsonNode reply = hooks.poll(10, TimeUnit.SECONDS);
            assertThat(reply).isNotNull();
            assertThat(reply.path("type").asText()).isEqualTo("reply");
            assertThat(reply.path("externalId").asText()).isEqualTo("mail-42");
            assertThat(reply.path("text").asText()).isEqualTo("Please apply again.");
            assertThat(authorizations.poll()).isEqualTo("Bearer outbound-token");
            desk.send("{\"type\":\"end\",\"contact\":\"" + id + "\"}");
            JsonNode outcome = hooks.poll(10, TimeUnit.SECONDS);
            assertThat(outcome.path("type").asText()).isEqualTo("outcome");
            assertThat(outcome.path("outcome").asText()).isEqualTo("ANSWERED");
            desk.await("ended");
            desk.send("{\"type\":\"wrap-up\",\"contact\":\"" + id + "\",\"code\":\"resolved\"}");
            JsonNode wrapUp = hooks.poll(10, TimeUnit.SECONDS);
            assertThat(wrapUp.path("type").asText()).isEqualTo("wrap-up");
            assertThat(wrapUp.path("code").asText()).isEqualTo("resolved");
            assertThat(java.util.List.of(reply, outcome, wrapUp)).extracting(h -> h.path("messageId").asText())
                    .as("an id per message, for the gateway to drop a duplicate").doesNotHaveDuplicates().doesNotContain("");
            assertThat(t.gateway.counters().authFailures.sum()).isEqualTo(2);
            assertThat(t.gateway.counters().badRequests.sum()).isEqualTo(2);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void shouldJournalAWorkItemsSenderAsAPseudonymThatLinksTheirItemsAndNeverTheAddress() throws Exception {
        try (TestEngine t = new TestEngine(Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            for (String from : new String[] {"citizen@example.org", "A. Citizen <Citizen@Example.org>", "other@example.org"}) {
                String item = "{\"channel\":\"email\",\"externalId\":\"m-" + from.length() + "\",\"from\":\"" + from
                        + "\",\"subject\":\"s\",\"body\":\"b\"}";
                assertThat(post(http, t, item, TestEngine.WORK_ITEM_TOKEN).statusCode()).isEqualTo(202);
            }
            java.util.List<Long> senders = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (senders.size() < 3 && System.nanoTime() < deadline) {
                senders.clear();
                try (var reader = t.journal.commandReader()) {
                    org.loket.core.command.Command c = new org.loket.core.command.Command();
                    while (reader.next(c)) {
                        if (c.type == org.loket.core.command.CommandType.CONTACT_ARRIVED) {
                            senders.add(c.citizenPseudonym);
                        }
                    }
                }
                Thread.sleep(50);
            }
            assertThat(senders).hasSize(3).doesNotContain(org.loket.core.command.Command.UNKNOWN_CITIZEN);
            assertThat(senders.get(1)).as("the same address, however written").isEqualTo(senders.get(0));
            assertThat(senders.get(2)).isNotEqualTo(senders.get(0));
            try (var files = Files.walk(t.journal.folder())) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .as(file.toString()).doesNotContainIgnoringCase("example.org");
                }
            }
        }
    }

    /**
     * digid-email's threshold is two working days: the wallboard says so and gives the instant the
     * oldest waiting e-mail passes it by the working clock (past a weekend, not 48 hours after it came).
     */
    @Test
    void shouldTellTheWallboardWhenTheOldestEmailPassesItsTargetOfWorkingDays() throws Exception {
        try (TestEngine t = new TestEngine(Map.of())) {
            HttpResponse<String> mail = post(HttpClient.newHttpClient(), t, "{\"channel\":\"email\",\"externalId\":\"wd-1\","
                    + "\"from\":\"someone@example.org\",\"subject\":\"Hi\",\"body\":\"Nobody reads this yet.\"}", TestEngine.WORK_ITEM_TOKEN);
            assertThat(mail.statusCode()).isEqualTo(202);
            t.engine.awaitQuiet(5_000);
            JsonNode row = null;
            for (JsonNode q : t.gateway.hub().ask(h -> h.wallboard().frame()).get(5, TimeUnit.SECONDS).path("queues")) {
                if (q.path("name").asText().equals("digid-email")) {
                    row = q;
                }
            }
            assertThat(row).isNotNull();
            assertThat(row.path("waiting").asInt()).isEqualTo(1);
            assertThat(row.path("targetWorkingDays").asInt()).isEqualTo(2);
            long joinedMs = row.path("oldestJoinedMs").asLong();
            long dueMs = row.path("oldestDueMs").asLong();
            var working = new org.loket.host.kpi.WorkingClock(t.config.routing().workingDays());
            assertThat(working.workingMs(joinedMs, dueMs)).isEqualTo(2 * 86_400_000L);
            assertThat(dueMs - joinedMs).as("at least 48 hours; more across a weekend").isGreaterThanOrEqualTo(2 * 86_400_000L);
        }
    }

    /**
     * Transcripts hold citizens' names, addresses and words: the wall display's shared token does not
     * read them; a supervisor of the configuration does, with its own name and secret (HTTP Basic),
     * through the sign-in's lockout, and every read is in the operators' audit (a supervisor's refusals
     * too), never a text.
     */
    @Test
    void shouldLetOnlyASupervisorReadATranscriptWithItsOwnSecretAndAuditEveryRead() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.lockout-failures", "2", "chat.lockout-minutes", "1"))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> posted = post(http, t, "{\"channel\":\"email\",\"externalId\":\"mail-7\",\"from\":\"jan@example.org\","
                    + "\"subject\":\"Code\",\"body\":\"My code expired.\"}", TestEngine.WORK_ITEM_TOKEN);
            String mail = JSON.readTree(posted.body()).path("workItem").asText();
            t.gateway.transcripts().awaitWritten(5_000);
            String path = "/api/v1/transcripts/" + mail;
            String lead = TestEngine.basic("floor-lead", TestEngine.SECRET);

            assertThat(t.get(http, "/api/v1/stats", "Bearer " + TestEngine.SUPERVISOR_TOKEN).statusCode()).as("counters: yes").isEqualTo(200);
            HttpResponse<String> wall = t.get(http, path, "Bearer " + TestEngine.SUPERVISOR_TOKEN);
            assertThat(wall.statusCode()).as("transcripts: no").isEqualTo(401);
            assertThat(wall.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Loket transcripts\", charset=\"UTF-8\"");
            assertThat(wall.body()).doesNotContain("My code expired").doesNotContain("jan@example.org");
            assertThat(t.get(http, path, TestEngine.basic("chat-desk-001", TestEngine.SECRET)).statusCode()).as("an agent is no supervisor")
                    .isEqualTo(401);
            HttpResponse<String> read = t.get(http, path, lead);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(read.body()).path("from").asText()).isEqualTo("jan@example.org");

            for (int attempt = 0; attempt < 2; attempt++) {
                assertThat(t.get(http, path, TestEngine.basic("floor-lead", "guess")).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> locked = t.get(http, path, lead);
            assertThat(locked.statusCode()).as("the right secret, but locked from here").isEqualTo(429);
            assertThat(locked.headers().firstValue("Retry-After")).hasValue("60");
            assertThat(t.get(TestEngine.elsewhere(), path, lead).statusCode()).as("the supervisor at its own desk").isEqualTo(200);

            List<String> audit = t.audit(5);
            String line = "chat-api,floor-lead,transcript-read," + mail + ",";
            assertThat(audit).containsExactly(line + "read", line + "refused: wrong secret from 127.0.0.1",
                    "chat-api,floor-lead,locked-out,,2 wrong secrets in 1 minutes from 127.0.0.1", line + "refused: wrong secret from 127.0.0.1",
                    line + "read");
            assertThat(String.join("\n", audit)).doesNotContain("My code expired").doesNotContain("jan@example.org")
                    .doesNotContain(TestEngine.SECRET);
            ChatCounters counters = t.gateway.counters();
            assertThat(counters.authFailures.sum()).isEqualTo(5);
            assertThat(counters.authLocked.sum()).isEqualTo(1);
        }
    }

    /**
     * Guessing the shared tokens: the third wrong one closes the connection (it was 2,700 guesses a
     * second on one keep-alive connection), and {@code chat.lockout-failures} from an address lock
     * that address out of that token: refused unchecked (429), the right token too, while other
     * addresses and the other token go on.
     */
    @Test
    void shouldCloseAConnectionAfterThreeWrongTokensAndLockTheAddressOutOfThatToken() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.lockout-failures", "4", "chat.lockout-minutes", "1"))) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", t.gateway.address().getPort())) {
                socket.setSoTimeout(10_000);
                InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
                for (int attempt = 1; attempt <= 3; attempt++) {
                    socket.getOutputStream().write(("GET /api/v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer guessed-token-"
                            + attempt + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    Map<String, String> head = responseHead(in);
                    assertThat(head.get("")).isEqualTo("HTTP/1.1 401 Unauthorized");
                    assertThat(head.get("connection")).isEqualTo(attempt < 3 ? "keep-alive" : "close");
                }
                assertThat(in.read()).as("closed after the third").isEqualTo(-1);
            }
            HttpClient http = HttpClient.newHttpClient();
            assertThat(t.get(http, "/api/v1/stats", "Bearer guessed-token-4").statusCode()).isEqualTo(401);
            HttpResponse<String> locked = t.get(http, "/api/v1/stats", "Bearer " + TestEngine.SUPERVISOR_TOKEN);
            assertThat(locked.statusCode()).as("the right token, but locked from here").isEqualTo(429);
            assertThat(locked.headers().firstValue("Retry-After")).hasValue("60");
            assertThat(t.get(TestEngine.elsewhere(), "/api/v1/stats", "Bearer " + TestEngine.SUPERVISOR_TOKEN).statusCode()).isEqualTo(200);
            assertThat(post(http, t, "{not json", TestEngine.WORK_ITEM_TOKEN).statusCode()).as("the work-item token: past its check")
                    .isEqualTo(400);
            ChatCounters counters = t.gateway.counters();
            assertThat(counters.authFailures.sum()).isEqualTo(5);
            assertThat(counters.authClosed.sum()).isEqualTo(1);
            assertThat(counters.authLockouts.sum()).isEqualTo(1);
            assertThat(counters.authLocked.sum()).isEqualTo(1);
        }
    }

    /** An HTTP response's status line (under "") and headers (names in lower case), its body skipped. */
    private static Map<String, String> responseHead(InputStream in) throws java.io.IOException {
        Map<String, String> head = new java.util.HashMap<>();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String text = line.toString().strip();
                line.setLength(0);
                if (text.isEmpty()) {
                    break;
                }
                int colon = text.indexOf(':');
                if (head.isEmpty()) {
                    head.put("", text);
                } else {
                    head.put(text.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), text.substring(colon + 1).strip());
                }
            } else {
                line.append((char) c);
            }
        }
        in.readNBytes(Integer.parseInt(head.getOrDefault("content-length", "0")));
        return head;
    }

    private static HttpResponse<String> post(HttpClient http, TestEngine t, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.http() + "/api/v1/work-items"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRejectAndCountBadFramesWithoutStoppingTheServer() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.max-frame-bytes", "1024", "chat.messages-per-second", "5",
                "chat.burst-messages", "10"))) {
            ChatCounters counters = t.gateway.counters();
            WsClient c = new WsClient(t.ws() + "/ws/citizen");
            c.send("{not json");
            assertThat(c.await("error").path("code").asText()).isEqualTo("malformed");
            c.send("[1,2]");
            c.await("error");
            c.send("{\"type\":\"no-such-type\"}");
            c.await("error");
            c.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
            c.await("error");
            c.send("{\"type\":\"ping\"}");
            c.await("pong");
            assertThat(counters.malformedFrames.sum()).isEqualTo(4);

            WsClient flood = new WsClient(t.ws() + "/ws/citizen");
            for (int i = 0; i < 40; i++) {
                flood.send("{\"type\":\"ping\"}");
            }
            flood.await("error", f -> f.path("code").asText().equals("rate-limited"), 10_000);
            long until = System.currentTimeMillis() + 10_000;
            while (counters.rateLimited.sum() < 20 && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            // 40 frames at once against a burst of 10 and 5 a second: about 30 refused, never all
            assertThat(counters.rateLimited.sum()).isBetween(20L, 30L);

            WsClient big = new WsClient(t.ws() + "/ws/citizen");
            big.send("{\"type\":\"message\",\"text\":\"" + "x".repeat(2_000) + "\"}");
            long deadline = System.currentTimeMillis() + 10_000;
            while (big.closeStatus < 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(big.closeStatus).isEqualTo(1009);
            // The close frame may reach the client before the server's event loop counts it.
            while (counters.oversizedFrames.sum() < 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertThat(counters.oversizedFrames.sum()).isEqualTo(1);

            WsClient agent = new WsClient(t.ws() + "/ws/agent");
            agent.send("{\"type\":\"ready\"}");
            assertThat(agent.await("error").path("code").asText()).isEqualTo("unauthenticated");
            agent.send("{\"type\":\"login\",\"agent\":\"chat-desk-001\",\"secret\":\"wrong\"}");
            assertThat(agent.await("error").path("code").asText()).isEqualTo("login-refused");
            WsClient board = new WsClient(t.ws() + "/ws/wallboard");
            board.send("{\"type\":\"subscribe\",\"token\":\"wrong\"}");
            assertThat(board.await("error").path("code").asText()).isEqualTo("unauthorised");
            assertThat(counters.authFailures.sum()).isEqualTo(3);

            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(t.http() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).isEqualTo("ok");
            c.send("{\"type\":\"ping\"}");
            c.await("pong");
            HttpResponse<String> stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(t.http() + "/api/v1/stats"))
                    .header("Authorization", "Bearer " + TestEngine.SUPERVISOR_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(stats.body()).path("malformedFrames").asLong()).isEqualTo(4);
            // The same counts in the engine's metrics, which the admin API serves to Prometheus.
            var scraped = new java.io.ByteArrayOutputStream();
            io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(scraped, t.engine.metrics().scrape(),
                    io.prometheus.metrics.config.EscapingScheme.DEFAULT);
            assertThat(scraped.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("loket_chat_malformed_frames_total 4.0",
                    "loket_chat_oversized_frames_total 1.0", "loket_chat_auth_failures_total 3.0");
        }
    }

    /**
     * A page of another site may not open the chat's WebSockets from a browser (the desktop's, the
     * wallboard's): its Origin must be the server's own or one of {@code chat.allowed-origins}. A
     * client that sends none is no browser and is let in.
     */
    @Test
    void shouldRefuseAWebSocketAskedForByAPageOfAnotherSite() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.allowed-origins", "https://Chat.Example.nl, http://192.0.2.10:8080"))) {
            HttpClient http = HttpClient.newHttpClient();
            String own = "http://127.0.0.1:" + t.gateway.address().getPort();
            for (String origin : new String[] {own, "https://chat.example.nl:443", "http://192.0.2.10:8080"}) {
                try (WsClient page = new WsClient(http, t.ws() + "/ws/agent", Map.of("Origin", origin))) {
                    page.send("{\"type\":\"ping\"}");
                    page.await("pong");
                }
            }
            for (String origin : new String[] {"https://evil.example", "http://chat.example.nl", "http://192.0.2.10", "null",
                    own.replace("http:", "https:")}) {
                assertThatThrownBy(() -> new WsClient(http, t.ws() + "/ws/wallboard", Map.of("Origin", origin))).as(origin)
                        .cause().isInstanceOfSatisfying(java.net.http.WebSocketHandshakeException.class,
                                e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
            }
            assertThat(t.gateway.counters().originRefused.sum()).isEqualTo(5);
        }
        assertThatThrownBy(() -> ChatSettings.from(Map.of("chat.port", "0", "chat.allowed-origins", "https://chat.example.nl/chat")))
                .hasMessage("chat.allowed-origins: 'https://chat.example.nl/chat' is not an origin (scheme://host[:port], no path: "
                        + "e.g. https://chat.example.nl)");
    }

    @Test
    void shouldCloseIdleConnections() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.idle-timeout-seconds", "1"))) {
            WsClient c = new WsClient(t.ws() + "/ws/citizen");
            long deadline = System.currentTimeMillis() + 10_000;
            while (c.closeStatus < 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(c.closeStatus).isEqualTo(1001);
            assertThat(t.gateway.counters().idleClosed.sum()).isEqualTo(1);
        }
    }

    @Test
    void shouldServeTlsWithASelfSignedCertificate() throws Exception {
        Path store = org.loket.host.security.SelfSigned.keyStore(Path.of("target", "tls-test.p12"), "changeit-test");
        try (TestEngine t = new TestEngine(Map.of("chat.tls.keystore", store.toString(), "chat.tls.keystore-password", "changeit-test"))) {
            SSLContext context = org.loket.host.security.SelfSigned.trusting(store, "changeit-test");
            HttpClient https = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
            int port = t.gateway.address().getPort();
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).isEqualTo("ok");
            try (WsClient c = new WsClient(https, "wss://127.0.0.1:" + port + "/ws/citizen")) {
                c.send("{\"type\":\"start\",\"language\":\"nl\"}");
                assertThat(c.await("bot").path("node").asText()).isEqualTo("welcome");
            }
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString())).as("an untrusted certificate is refused by a default client")
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void shouldNeverPrintSecretsInItsSettings() {
        ChatSettings s = ChatSettings.from(Map.of("chat.port", "0", "chat.supervisor-token", "sup-ABC-0123456789",
                "chat.work-item-token", "work-DEF-0123456789", "chat.agent-secret.a", "agent-GHI", "chat.webhook-token", "hook-JKL",
                "chat.tls.keystore-password", "store-MNO"));
        assertThat(s.toString()).doesNotContain("sup-ABC", "work-DEF", "agent-GHI", "hook-JKL", "store-MNO");
    }

    /** The shared tokens are as long as the admin API's: a short one is refused at start, naming the setting (never the value). */
    @Test
    void shouldRefuseASharedTokenShorterThanSixteenCharacters() {
        for (String key : new String[] {"chat.supervisor-token", "chat.work-item-token"}) {
            assertThatThrownBy(() -> ChatSettings.from(Map.of("chat.port", "0", key, "s3cret-fifteen!")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(key + " must be at least 16 characters (it has 15;")
                    .hasMessageNotContaining("s3cret");
            assertThat(ChatSettings.from(Map.of("chat.port", "0", key, "s3cret-sixteen!!")).toString()).doesNotContain("s3cret");
        }
    }

    /** {@code loket run} refuses a key no provider declares: every key the chat settings read must be declared. */
    @Test
    void shouldDeclareEverySettingItReads() {
        var read = new org.loket.host.gateway.ReadKeys(Map.of("chat.port", "0"));
        ChatGatewayProvider provider = new ChatGatewayProvider();
        assertThat(provider.create(read)).as("created, not started: nothing bound").isNotNull();
        assertThat(read.asked()).hasSizeGreaterThan(20);
        assertThat(provider.settingKeys()).containsAll(read.asked());
    }

    @Test
    void shouldShowTheHoursMessageAndEndAChatWhoseQueueIsClosedByItsHours() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient citizen = new WsClient(t.ws() + "/ws/citizen")) {
            int closed = t.config.routing().prompts().indexOf("closed-hours");
            // What the host's hours schedule publishes when the queues close for the evening.
            t.engine.tryPublish((command, unused) -> {
                command.type = org.loket.core.command.CommandType.QUEUE_HOURS_SET;
                command.queueId = -1;
                command.input = closed;
            }, null);
            citizen.send("{\"type\":\"start\",\"language\":\"en\"}");
            citizen.await("session");
            citizen.await("bot");
            citizen.send("{\"type\":\"choose\",\"input\":2}");
            citizen.await("bot");
            citizen.send("{\"type\":\"choose\",\"input\":3}");
            citizen.await("bot");
            citizen.send("{\"type\":\"choose\",\"input\":2}");
            JsonNode message = citizen.await("bot", f -> f.path("final").asBoolean(), 10_000);
            assertThat(message.path("text").asText()).isEqualTo("You are contacting us outside our opening hours.");
            assertThat(citizen.await("ended").path("outcome").asText()).isEqualTo("OUTSIDE_HOURS");
            t.engine.awaitQuiet(5_000);
            assertThat(t.engine.core().ended(Outcome.OUTSIDE_HOURS)).isEqualTo(1);
        }
    }
}
