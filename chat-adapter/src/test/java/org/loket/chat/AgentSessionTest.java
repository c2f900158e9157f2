package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.loket.chat.SessionPage.DESKTOP;
import static org.loket.chat.SessionPage.MINUTE_MS;
import static org.loket.chat.SessionPage.QUICK;
import static org.loket.chat.SessionPage.WALLBOARD;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loket.config.ConfigLoader;
import org.loket.core.AgentState;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;

/**
 * An agent's desktop session: the login with the secret gives a token the page logs in with again
 * (a reload, a lost connection) instead of the secret; the session ends at the agent's own logout,
 * when someone else logs the agent out (a supervisor, the phone: the token then never logs it in
 * again), an hour after its last use (pings and the page's own reconnects are not use; being ready
 * at an open desktop is), 12 hours after the login, at a login elsewhere and when the agent leaves
 * the configuration, and none of the ends but logouts changes the agent's routing state. Sessions
 * survive a restart through an owner-only file that holds no token. Real engine and gateway
 * ({@link TestEngine}); the sessions' clock is set ({@code AgentSessions.clockMs}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentSessionTest {
    /**
     * The audit's desktop lines ({@link TestEngine#audit}) once there are {@code lines} of them (the
     * wallboard's are written at once, the desktop's off the hub thread); fails after 10 s.
     */
    private static List<String> desktopAudit(TestEngine t, int lines) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> desktop = t.audit(1).stream().filter(line -> line.startsWith("desktop,")).toList();
            if (desktop.size() >= lines) {
                return desktop;
            }
            assertThat(System.nanoTime()).as("%d desktop lines in the audit within 10 s: %s", lines, desktop).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** A sweep of the agents' sessions now, on the hub thread, as the hub's timer runs them: ends and work counted as use. */
    private static void sweep(TestEngine t) throws Exception {
        t.gateway.hub().ask(h -> {
            h.agentSessions().sessions().sweep();
            return null;
        }).get(5, TimeUnit.SECONDS);
    }

    /** Moves the clock on to {@code untilMs} in steps of 50 minutes, sweeping after each: as time passes with sweeps every second. */
    private static void passTime(TestEngine t, AtomicLong now, long untilMs) throws Exception {
        while (now.get() < untilMs) {
            now.set(Math.min(untilMs, now.get() + 50 * MINUTE_MS));
            sweep(t);
        }
    }

    private static AgentState coreState(TestEngine t, String agent) throws Exception {
        t.engine.awaitQuiet(5_000);
        int id = t.agentId(agent);
        return t.engine.query(core -> core.agentState(id)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldLogAnAgentInAgainWithItsSessionAndNeverWithAWrongOne() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = DESKTOP.open(t)) {
            desk.send("{\"type\":\"login\",\"agent\":\"chat-desk-001\",\"secret\":\"" + TestEngine.SECRET + "\"}");
            JsonNode issued = desk.await("agent-session");
            String token = issued.path("token").asText();
            assertThat(token).hasSizeGreaterThanOrEqualTo(24).isNotEqualTo(TestEngine.SECRET);
            assertThat(issued.path("idleSeconds").asLong()).as("chat.agent-idle-minutes").isEqualTo(3600);
            assertThat(issued.path("maxSeconds").asLong()).as("chat.agent-session-hours").isEqualTo(12 * 3600);
            desk.await("welcome");
            desk.close();

            assertThat(DESKTOP.resume(t, token, false)).as("a reload: no secret").isEqualTo("chat-desk-001");
            assertThat(DESKTOP.resume(t, token, true)).as("a lost connection").isEqualTo("chat-desk-001");
            assertThat(DESKTOP.resume(t, token + "x", false)).as("a wrong token").isNull();
            assertThat(DESKTOP.resume(t, Citizens.tokenHash(token), false)).as("the hash the hub keeps is no token").isNull();
            try (WsClient page = DESKTOP.open(t)) {
                page.send("{\"type\":\"login\",\"session\":\"wrong\"}");
                assertThat(page.await("error").path("message").asText()).isEqualTo("Your sign-in has ended; log in again.");
                page.send("{\"type\":\"ready\"}");
                assertThat(page.await("error").path("code").asText()).isEqualTo("unauthenticated");
            }
            assertThat(t.audit(1)).containsExactly("desktop,chat-desk-001,signed-in,,");
        }
    }

    /**
     * A logout ends the session, whoever asked for it. A supervisor logs the agent out on the
     * wallboard: every session of the agent ends, the open page is told who did it, and neither that
     * page nor a reload or reconnect with the token logs the agent in again; the secret does. The
     * agent's own logout is a sign-out (with a chat held, once it is done: ChatGatewayTest), and a
     * supervisor's logout just after it ends nothing more.
     */
    @Test
    void shouldEndTheSessionAtALogoutWhoeverAskedForIt() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = DESKTOP.open(t);
             WsClient lead = WALLBOARD.open(t)) {
            String token = DESKTOP.signIn(desk, "chat-desk-001");
            WALLBOARD.signIn(lead, "chat-lead");
            lead.send("{\"type\":\"agent-state\",\"agent\":\"chat-desk-001\",\"state\":\"logged-out\"}");
            JsonNode ended = desk.await("error", f -> f.path("code").asText().equals("session-ended"), 10_000);
            assertThat(ended.path("message").asText()).isEqualTo("Supervisor chat-lead logged you out; log in again to work.");
            desk.send("{\"type\":\"ready\"}");
            assertThat(desk.await("error").path("code").asText()).as("the open page acts no more").isEqualTo("unauthenticated");
            assertThat(DESKTOP.refusedReconnect(t, token)).as("a reconnect hears why").isEqualTo("Supervisor chat-lead logged you out; log in again to work.");
            assertThat(DESKTOP.resume(t, token, false)).as("a reload").isNull();
            assertThat(coreState(t, "chat-desk-001")).as("not logged in again").isEqualTo(AgentState.LOGGED_OUT);
            assertThat(desktopAudit(t, 2)).containsExactly("desktop,chat-desk-001,signed-in,,",
                    "desktop,chat-desk-001,session-ended,,logged out by supervisor chat-lead");

            try (WsClient again = DESKTOP.open(t)) {
                String second = DESKTOP.signIn(again, "chat-desk-001");
                again.send("{\"type\":\"logout\"}");
                again.await("state", f -> f.path("state").asText().equals("logged_out"), 10_000);
                again.await("signed-out");
                again.send("{\"type\":\"ready\"}");
                assertThat(again.await("error").path("code").asText()).as("the page acts no more").isEqualTo("unauthenticated");
                lead.send("{\"type\":\"agent-state\",\"agent\":\"chat-desk-001\",\"state\":\"logged-out\"}");
                assertThat(DESKTOP.resume(t, second, false)).as("signed out").isNull();
            }
            assertThat(coreState(t, "chat-desk-001")).isEqualTo(AgentState.LOGGED_OUT);
            assertThat(desktopAudit(t, 4)).containsExactly("desktop,chat-desk-001,signed-in,,",
                    "desktop,chat-desk-001,session-ended,,logged out by supervisor chat-lead", "desktop,chat-desk-001,signed-in,,",
                    "desktop,chat-desk-001,signed-out,,");
        }
    }

    /**
     * The agent's phone logs it out while its desktop's connection is down: the session ends all
     * the same, and the page's reconnect is refused, saying why, instead of logging the agent in.
     */
    @Test
    void shouldEndTheSessionOfAnAgentItsPhoneLoggedOutWhileItsDesktopWasAway() throws Exception {
        try (TestEngine t = new TestEngine(Map.of())) {
            String token = DESKTOP.signInAndClose(t, "chat-desk-001"); // the connection dropped
            t.phone(CommandType.AGENT_STATE_CHANGED, -1, t.agentId("chat-desk-001"), AgentState.LOGGED_OUT.code(), -1);
            assertThat(desktopAudit(t, 2)).containsExactly("desktop,chat-desk-001,signed-in,,",
                    "desktop,chat-desk-001,session-ended,,logged out elsewhere");
            assertThat(DESKTOP.refusedReconnect(t, token))
                    .isEqualTo("You were logged out elsewhere (by your phone, a supervisor or the admin API); log in again to work.");
            assertThat(coreState(t, "chat-desk-001")).as("not logged in again by the reconnect").isEqualTo(AgentState.LOGGED_OUT);
        }
    }

    /**
     * A reconnect in flight as a supervisor logs the agent out: the hub takes the supervisor's
     * logout and then the page's login with the token (one task, so in that order). The login is
     * refused: it does not log the agent in again behind the supervisor's back.
     */
    @Test
    void shouldRefuseAReconnectTheHubTakesJustAfterASupervisorsLogout() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient lead = WALLBOARD.open(t)) {
            String token = DESKTOP.signInAndClose(t, "chat-desk-001"); // the connection dropped
            String leadSession = WALLBOARD.signIn(lead, "chat-lead");
            io.netty.channel.embedded.EmbeddedChannel pageChannel = new io.netty.channel.embedded.EmbeddedChannel();
            Peer leadPage = new Peer(new io.netty.channel.embedded.EmbeddedChannel(), Peer.Kind.WALLBOARD, 20);
            Peer page = new Peer(pageChannel, Peer.Kind.AGENT, 20);
            t.gateway.hub().ask(h -> {
                h.onFrame(leadPage, TestEngine.frame("{\"type\":\"subscribe\",\"session\":\"" + leadSession + "\"}"));
                h.onFrame(leadPage, TestEngine.frame("{\"type\":\"agent-state\",\"agent\":\"chat-desk-001\",\"state\":\"logged-out\"}"));
                h.onFrame(page, TestEngine.frame("{\"type\":\"login\",\"session\":\"" + token + "\",\"reconnect\":true}"));
                return null;
            }).get(5, TimeUnit.SECONDS);
            assertThat(t.sentTo(pageChannel)).extracting(f -> f.path("type").asText() + " " + f.path("code").asText())
                    .containsExactly("error session-ended");
            assertThat(coreState(t, "chat-desk-001")).isEqualTo(AgentState.LOGGED_OUT);
        }
    }

    /**
     * A reconnect the hub takes while the phone's logout is journaled but not back at the hub yet:
     * it is let in (the hub still has the agent ready), and ended with the others when the logout
     * comes back; it logged nobody in.
     */
    @Test
    void shouldEndAReconnectTheHubTookJustBeforeThePhonesLogoutCameBack() throws Exception {
        try (TestEngine t = new TestEngine(Map.of())) {
            String token = DESKTOP.signInAndClose(t, "chat-desk-001"); // the connection dropped
            io.netty.channel.embedded.EmbeddedChannel pageChannel = new io.netty.channel.embedded.EmbeddedChannel();
            Peer page = new Peer(pageChannel, Peer.Kind.AGENT, 20);
            t.gateway.hub().ask(h -> {
                t.phone(CommandType.AGENT_STATE_CHANGED, -1, t.agentId("chat-desk-001"), AgentState.LOGGED_OUT.code(), -1);
                try {
                    t.engine.awaitQuiet(5_000); // in the core; the hub hears of it after this task
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                h.onFrame(page, TestEngine.frame("{\"type\":\"login\",\"session\":\"" + token + "\",\"reconnect\":true}"));
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertThat(desktopAudit(t, 2)).last().isEqualTo("desktop,chat-desk-001,session-ended,,logged out elsewhere");
            assertThat(t.sentTo(pageChannel)).extracting(f -> f.path("type").asText() + " " + f.path("state").asText() + f.path("code").asText())
                    .containsSubsequence("welcome ", "state logged_out", "error session-ended");
            assertThat(coreState(t, "chat-desk-001")).isEqualTo(AgentState.LOGGED_OUT);
            assertThat(DESKTOP.resume(t, token, true)).isNull();
        }
    }

    /**
     * The agent's softphone loses the network during a break: the telephony adapter switches the
     * agent's voice off ({@link Command#PHONE_UNREACHABLE}) and logs nobody out. The desktop keeps its
     * session and the break and says why no calls come, also after the page's own reconnect; when
     * the phone answers again, voice is on and the agent is still on its break.
     */
    @Test
    void shouldKeepTheAgentsStateAndSessionWhileItsPhoneDoesNotAnswer() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient desk = DESKTOP.open(t)) {
            String token = DESKTOP.signIn(desk, "chat-desk-001");
            int agent = t.agentId("chat-desk-001");
            desk.await("state", f -> f.path("state").asText().equals("ready"), 10_000);
            desk.send("{\"type\":\"pause\",\"reason\":\"break\"}");
            desk.await("state", f -> f.path("state").asText().equals("paused"), 10_000);
            t.voice(agent, false);
            JsonNode off = desk.await("state", f -> f.path("voiceOff").asBoolean(), 10_000);
            assertThat(off.path("state").asText() + " " + off.path("reason").asText()).as("the page is told why, nothing else changes")
                    .isEqualTo("paused break");
            desk.close(); // the same blip drops the desktop's connection

            try (WsClient again = DESKTOP.open(t)) {
                again.send("{\"type\":\"login\",\"session\":\"" + token + "\",\"reconnect\":true}");
                again.await("welcome");
                assertThat(again.await("state").path("voiceOff").asBoolean()).as("still told why").isTrue();
                t.voice(agent, true); // the phone is back
                JsonNode back = again.await("state", f -> !f.path("voiceOff").asBoolean(), 10_000);
                assertThat(back.path("state").asText()).as("still on its break").isEqualTo("paused");
            }
            assertThat(coreState(t, "chat-desk-001")).isEqualTo(AgentState.PAUSED);
            assertThat(DESKTOP.resume(t, token, false)).as("the session lasts").isEqualTo("chat-desk-001");
            assertThat(desktopAudit(t, 1)).containsExactly("desktop,chat-desk-001,signed-in,,");
        }
    }

    /**
     * Logouts from elsewhere end the desktop's sessions: a phone that unregisters (reason 0, as the
     * telephony adapter sends for {@code Removed}), the admin API (no reason) and a supervisor, each
     * on a fresh sign-in.
     */
    @Test
    void shouldEndTheSessionsAtALogoutFromElsewhere() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient lead = WALLBOARD.open(t)) {
            int agent = t.agentId("chat-desk-001");
            WALLBOARD.signIn(lead, "chat-lead");
            for (String by : List.of("unregistered phone", "admin API", "supervisor")) {
                try (WsClient desk = DESKTOP.open(t)) {
                    String token = DESKTOP.signIn(desk, "chat-desk-001");
                    desk.await("state", f -> f.path("state").asText().equals("ready"), 10_000);
                    switch (by) {
                        case "unregistered phone" -> t.phone(CommandType.AGENT_STATE_CHANGED, -1, agent, AgentState.LOGGED_OUT.code(), 0);
                        case "admin API" -> t.phone(CommandType.AGENT_STATE_CHANGED, -1, agent, AgentState.LOGGED_OUT.code(), -1);
                        default -> lead.send("{\"type\":\"agent-state\",\"agent\":\"chat-desk-001\",\"state\":\"logged-out\"}");
                    }
                    desk.await("error", f -> f.path("code").asText().equals("session-ended"), 10_000);
                    assertThat(DESKTOP.resume(t, token, true)).as(by).isNull();
                }
            }
            assertThat(desktopAudit(t, 6)).filteredOn(line -> line.contains("session-ended")).hasSize(3);
        }
    }

    /**
     * Idle: an hour without the agent's doing while paused ends the session; a page's pings and
     * its own reconnects are not use, being ready at the open desktop is. The end leaves the agent
     * as the core has it.
     */
    @Test
    void shouldEndAPausedAgentsSessionAnHourAfterItsLastUseButNotAReadyAgentsAtItsDesktop() throws Exception {
        try (TestEngine t = new TestEngine(QUICK); WsClient desk = DESKTOP.open(t)) {
            long loginMs = System.currentTimeMillis();
            AtomicLong now = DESKTOP.clock(t, loginMs);
            String token = DESKTOP.signIn(desk, "chat-desk-001");
            passTime(t, now, loginMs + 3 * 60 * MINUTE_MS); // ready at the desktop is work, so use
            desk.send("{\"type\":\"pause\",\"reason\":\"break\"}"); // use: the hour counts from here
            desk.await("state", f -> f.path("state").asText().equals("paused"), 10_000);
            assertThat(desk.seen).extracting(f -> f.path("type").asText()).as("three hours ready: on").doesNotContain("error");
            now.set(loginMs + 3 * 60 * MINUTE_MS + 59 * MINUTE_MS);
            sweep(t);
            desk.send("{\"type\":\"ping\"}");
            desk.await("pong");
            assertThat(DESKTOP.resume(t, token, true)).as("a reconnect 59 minutes after the pause: still on").isEqualTo("chat-desk-001");

            try (WsClient again = DESKTOP.open(t)) {
                again.send("{\"type\":\"login\",\"session\":\"" + token + "\",\"reconnect\":true}");
                again.await("welcome");
                now.set(loginMs + 4 * 60 * MINUTE_MS + 1_000); // an hour after the pause: the ping and the reconnects did not count
                sweep(t);
                JsonNode ended = again.await("error", f -> f.path("code").asText().equals("session-ended"), 10_000);
                assertThat(ended.path("message").asText()).isEqualTo("Signed out after 60 minutes without an action; sign in again.");
                again.send("{\"type\":\"ready\"}");
                assertThat(again.await("error").path("code").asText()).as("the open page acts no more").isEqualTo("unauthenticated");
            }
            assertThat(DESKTOP.resume(t, token, false)).as("nor does a reload").isNull();
            assertThat(coreState(t, "chat-desk-001")).as("the agent as it was").isEqualTo(AgentState.PAUSED);
            assertThat(t.audit(2)).containsExactly("desktop,chat-desk-001,signed-in,,", "desktop,chat-desk-001,session-ended,,idle 60 min");
            DESKTOP.awaitWritten(t);
            assertThat(Files.readAllLines(DESKTOP.file(t.dataFolder))).as("ended: gone from the file")
                    .containsExactly("{\"loket\":\"agent-sessions\",\"format\":1}");
        }
    }

    /** A ready agent whose desktop is closed is not at work there: its idle time runs. */
    @Test
    void shouldLetTheIdleTimeRunOnceTheDesktopIsClosed() throws Exception {
        try (TestEngine t = new TestEngine(QUICK)) {
            long loginMs = System.currentTimeMillis();
            AtomicLong now = DESKTOP.clock(t, loginMs);
            String token = DESKTOP.signInAndClose(t, "chat-desk-001");
            Thread.sleep(300); // the hub heard of the close
            now.set(loginMs + 61 * MINUTE_MS);
            sweep(t);
            assertThat(DESKTOP.resume(t, token, false)).isNull();
            assertThat(coreState(t, "chat-desk-001")).as("ready as it was, as when a desktop closes").isEqualTo(AgentState.READY);
        }
    }

    @Test
    void shouldEndASessionTwelveHoursAfterTheLoginHoweverMuchItIsUsed() throws Exception {
        try (TestEngine t = new TestEngine(QUICK); WsClient desk = DESKTOP.open(t)) {
            long loginMs = System.currentTimeMillis();
            AtomicLong now = DESKTOP.clock(t, loginMs);
            String token = DESKTOP.signIn(desk, "chat-desk-001");
            passTime(t, now, loginMs + 12 * 60 * MINUTE_MS - 1_000); // ready all the while: in use
            desk.send("{\"type\":\"pause\",\"reason\":\"break\"}");
            desk.await("state", f -> f.path("state").asText().equals("paused"), 10_000);
            desk.forget("state"); // the login's, read past: the next "ready" is the answer to this one
            desk.send("{\"type\":\"ready\"}");
            desk.await("state", f -> f.path("state").asText().equals("ready"), 10_000);
            assertThat(desk.seen).extracting(f -> f.path("type").asText()).as("a second short of 12 hours").doesNotContain("error");
            now.set(loginMs + 12 * 60 * MINUTE_MS);
            sweep(t);
            JsonNode ended = desk.await("error", f -> f.path("code").asText().equals("session-ended"), 10_000);
            assertThat(ended.path("message").asText()).isEqualTo("Signed out 12 hours after signing in; sign in again.");
            assertThat(DESKTOP.resume(t, token, false)).isNull();
            assertThat(coreState(t, "chat-desk-001")).as("still ready: nobody asked otherwise").isEqualTo(AgentState.READY);
            assertThat(t.audit(2)).last().isEqualTo("desktop,chat-desk-001,session-ended,,12 h after the sign-in");
        }
    }

    /** A login with the secret elsewhere ends the agent's session on the first desktop: that tab cannot take the desk back. */
    @Test
    void shouldEndTheOtherSessionsOfAnAgentWhoLogsInAgainWithTheSecret() throws Exception {
        try (TestEngine t = new TestEngine(Map.of()); WsClient first = DESKTOP.open(t);
             WsClient second = new WsClient(TestEngine.elsewhere(), t.ws() + "/ws/agent")) {
            String left = DESKTOP.signIn(first, "chat-desk-001");
            String kept = DESKTOP.signIn(second, "chat-desk-001");
            assertThat(first.await("error").path("message").asText()).isEqualTo("You logged in elsewhere; log in again to work here.");
            assertThat(DESKTOP.resume(t, left, false)).isNull();
            assertThat(t.audit(3)).containsExactly("desktop,chat-desk-001,signed-in,,", "desktop,chat-desk-001,signed-in,,",
                    "desktop,chat-desk-001,session-ended,,logged in again");
            assertThat(DESKTOP.resume(t, kept, true)).isEqualTo("chat-desk-001");
        }
    }

    /**
     * An agent leaves the configuration: the core takes the reload only once the agent is logged
     * out, and that logout (here its phone's) ended its session already; the reload ends nothing
     * more. (A session of an agent removed while Loket was stopped ends at the start:
     * {@link #shouldRestoreSessionsOnlyFromAFileOfItsOwnerAloneAndDropThoseThatEnded}.)
     */
    @Test
    void shouldEndTheSessionOfAnAgentRemovedFromTheConfigurationOnce() throws Exception {
        try (TestEngine t = new TestEngine(QUICK); WsClient desk = DESKTOP.open(t)) {
            String token = DESKTOP.signIn(desk, "chat-desk-002");
            t.phone(CommandType.AGENT_STATE_CHANGED, -1, t.agentId("chat-desk-002"), AgentState.LOGGED_OUT.code(), -1);
            assertThat(desk.await("error").path("code").asText()).isEqualTo("session-ended");
            String yaml = Files.readString(Path.of(AgentSessionTest.class.getResource("/chat-test-config/routing.yaml").toURI()));
            Path folder = Files.createTempDirectory(Path.of("target"), "config-");
            Files.writeString(folder.resolve("routing.yaml"), yaml.replace("version: 1", "version: 2")
                    .replace("{name: chat-desk,  count: 2,", "{name: chat-desk,  count: 1,"));
            assertThat(t.engine.publishConfig(ConfigLoader.load(folder))).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (t.gateway.hub().ask(h -> h.agentSessions().known("chat-desk-002")).get(5, TimeUnit.SECONDS)) {
                assertThat(System.nanoTime()).as("the reload reached the hub").isLessThan(deadline);
                Thread.sleep(20);
            }
            sweep(t);
            assertThat(DESKTOP.resume(t, token, false)).isNull();
            assertThat(desk.sentSoFar()).extracting(f -> f.path("code").asText()).as("the page left at the logout").doesNotContain("removed");
            assertThat(desktopAudit(t, 2)).containsExactly("desktop,chat-desk-002,signed-in,,",
                    "desktop,chat-desk-002,session-ended,,logged out elsewhere");
        }
    }

    /**
     * A restart of Loket keeps the sessions in use; one that went idle while Loket was stopped ends
     * at the start. The file is the owner's alone and holds hashes, never tokens.
     */
    @Test
    void shouldKeepAnAgentLoggedInAcrossARestart() throws Exception {
        Path data;
        String busy;
        String idle;
        long startMs = System.currentTimeMillis();
        try (TestEngine t = new TestEngine(QUICK); WsClient one = DESKTOP.open(t);
             WsClient two = DESKTOP.open(t)) {
            data = t.dataFolder;
            AtomicLong now = DESKTOP.clock(t, startMs - 70 * MINUTE_MS);
            busy = DESKTOP.signIn(one, "chat-desk-001");
            idle = DESKTOP.signIn(two, "chat-desk-002");
            two.send("{\"type\":\"pause\",\"reason\":\"break\"}"); // paused: not at work, its last use is this
            two.await("state", f -> f.path("state").asText().equals("paused"), 10_000);
            one.send("{\"type\":\"pause\",\"reason\":\"break\"}");
            one.await("state", f -> f.path("state").asText().equals("paused"), 10_000);
            now.set(startMs - 15 * MINUTE_MS);
            one.forget("state"); // the login's, read past: the next "ready" is the answer to this one
            one.send("{\"type\":\"ready\"}"); // chat-desk-001's last use
            one.await("state", f -> f.path("state").asText().equals("ready"), 10_000);
        } // a clean stop: the file has the last state
        Path file = DESKTOP.file(data);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).startsWith("{\"loket\":\"agent-sessions\",\"format\":1}\n")
                .contains(Citizens.tokenHash(busy), Citizens.tokenHash(idle), "\"agent\":\"chat-desk-001\"")
                .doesNotContain(busy).doesNotContain(idle).doesNotContain(TestEngine.SECRET);

        try (TestEngine t = new TestEngine(data, "/chat-test-config", QUICK); WsClient desk = DESKTOP.open(t)) {
            desk.send("{\"type\":\"login\",\"session\":\"" + busy + "\",\"reconnect\":true}");
            assertThat(desk.await("welcome").path("agent").asText()).as("no new login after the restart").isEqualTo("chat-desk-001");
            assertThat(desk.seen).extracting(f -> f.path("type").asText()).doesNotContain("agent-session");
            assertThat(DESKTOP.resume(t, idle, false)).as("idle for 70 minutes: ended while Loket was stopped").isNull();
            assertThat(t.audit(3)).contains("desktop,chat-desk-002,session-ended,,idle 60 min (while Loket was stopped)");
            desk.send("{\"type\":\"logout\"}");
            desk.await("signed-out");
        }
        try (TestEngine t = new TestEngine(data, "/chat-test-config", QUICK)) {
            assertThat(DESKTOP.resume(t, busy, false)).as("signed out before the restart").isNull();
            assertThat(Files.readAllLines(file)).containsExactly("{\"loket\":\"agent-sessions\",\"format\":1}");
        }
    }

    /** A file that does not parse is reported with its line and set aside; Loket starts, and logins work and are kept anew. */
    @Test
    void shouldReportAMalformedFileAndStartWithoutItsSessions() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "data-");
        long nowMs = System.currentTimeMillis();
        String malformed = "{\"loket\":\"agent-sessions\",\"format\":1}\n"
                + DESKTOP.savedLine("a-session-token-of-an-agent", "chat-desk-001", nowMs - MINUTE_MS, nowMs - MINUTE_MS) + "\n"
                + "{\"tokenHash\":\"" + Citizens.tokenHash("another") + "\",\"signedIn\":\"" + Instant.ofEpochMilli(nowMs) + "\"}\n";
        Files.createDirectories(TestEngine.files(data)); // as loket run makes it
        Files.writeString(DESKTOP.file(data), malformed);
        Files.setPosixFilePermissions(DESKTOP.file(data), PosixFilePermissions.fromString("rw-------"));
        try (SessionPage.FileErrors errors = new SessionPage.FileErrors(); TestEngine t = new TestEngine(data, "/chat-test-config", QUICK); WsClient desk = DESKTOP.open(t)) {
            assertThat(errors.messages()).singleElement().asString().startsWith("chat: agents' sessions not restored: " + DESKTOP.file(data).toAbsolutePath() + ":3: 'agent' is missing")
                    .contains("set aside as " + DESKTOP.file(data).toAbsolutePath() + ".malformed").endsWith("agents sign in again");
            assertThat(Files.readString(TestEngine.files(data).resolve(ChatSettings.AGENT_SESSION_FILE + ".malformed"))).isEqualTo(malformed);
            assertThat(DESKTOP.resume(t, "a-session-token-of-an-agent", false)).as("the file's sessions are not restored").isNull();
            String issued = DESKTOP.signIn(desk, "chat-desk-001");
            DESKTOP.awaitWritten(t);
            assertThat(Files.readString(DESKTOP.file(data))).contains(Citizens.tokenHash(issued));
        }
    }

    /**
     * A file its group may read restores nothing (a file others may write could hold a line added
     * there: a login); once it is the owner's alone, its sessions come back, those that ended
     * meanwhile dropped, and so are those of agents the core has logged out (a logout the file
     * had not taken yet when Loket stopped).
     */
    @Test
    void shouldRestoreSessionsOnlyFromAFileOfItsOwnerAloneAndDropThoseThatEnded() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "data-");
        try (TestEngine t = new TestEngine(data, "/chat-test-config", QUICK)) {
            t.phone(CommandType.AGENT_LOGGED_IN, -1, t.agentId("chat-desk-001"), -1, -1); // logged in, in the journal
            t.engine.awaitQuiet(5_000);
        }
        long nowMs = System.currentTimeMillis();
        Files.writeString(DESKTOP.file(data), "{\"loket\":\"agent-sessions\",\"format\":1}\n"
                + DESKTOP.savedLine("kept", "chat-desk-001", nowMs - 2 * 60 * MINUTE_MS, nowMs - 30 * MINUTE_MS) + "\n"
                + DESKTOP.savedLine("old", "chat-desk-002", nowMs - 12 * 60 * MINUTE_MS - 1_000, nowMs - MINUTE_MS) + "\n"
                + DESKTOP.savedLine("out", "chat-desk-002", nowMs - 60 * MINUTE_MS, nowMs - MINUTE_MS) + "\n"
                + DESKTOP.savedLine("removed", "no-longer-an-agent", nowMs - MINUTE_MS, nowMs - MINUTE_MS) + "\n");
        Files.setPosixFilePermissions(DESKTOP.file(data), PosixFilePermissions.fromString("rw-r-----"));
        try (TestEngine t = new TestEngine(data, "/chat-test-config", QUICK)) {
            assertThat(DESKTOP.resume(t, "kept", false)).as("group-readable: not restored").isNull();
        }
        Files.setPosixFilePermissions(DESKTOP.file(data), PosixFilePermissions.fromString("rw-------"));
        try (TestEngine t = new TestEngine(data, "/chat-test-config", QUICK)) {
            assertThat(DESKTOP.resume(t, "kept", false)).isEqualTo("chat-desk-001");
            assertThat(DESKTOP.resume(t, "old", false)).isNull();
            assertThat(DESKTOP.resume(t, "removed", false)).isNull();
            assertThat(DESKTOP.refusedReconnect(t, "out")).as("logged out in the core: not logged in again")
                    .isEqualTo("You are logged out; log in again to work.");
            assertThat(coreState(t, "chat-desk-002")).isEqualTo(AgentState.LOGGED_OUT);
            assertThat(t.audit(3)).containsExactly("desktop,chat-desk-002,session-ended,,12 h after the sign-in (while Loket was stopped)",
                    "desktop,no-longer-an-agent,session-ended,,no longer an agent (while Loket was stopped)",
                    "desktop,chat-desk-002,session-ended,,logged out (found at the start)");
        }
    }
}
