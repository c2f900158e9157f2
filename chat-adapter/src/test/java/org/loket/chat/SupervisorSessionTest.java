package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.loket.chat.SessionPage.MINUTE_MS;
import static org.loket.chat.SessionPage.QUICK;
import static org.loket.chat.SessionPage.WALLBOARD;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * A supervisor's wallboard session: ends an hour after its last use (pings and the page's own
 * reconnects are not use) and 12 hours after the sign-in however used; survives a restart of
 * Loket through an owner-only file that holds no token; a malformed or too open file is reported
 * and restores nothing, and Loket starts all the same. Real engine and gateway ({@link TestEngine});
 * the sessions' clock is set ({@code Supervisors.clockMs}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SupervisorSessionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The audit's lines without their time: via,actor,action,target,detail. */
    private static List<String> audit(Path data) throws Exception {
        return Files.readAllLines(TestEngine.files(data).resolve("audit.csv")).stream().skip(1).map(line -> line.substring(line.indexOf(',') + 1)).toList();
    }

    private static List<JsonNode> sessionLines(Path data) throws Exception {
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(WALLBOARD.file(data))) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines.get(0).toString()).isEqualTo("{\"loket\":\"supervisor-sessions\",\"format\":1}");
        return lines.subList(1, lines.size());
    }

    @Test
    void shouldEndASessionAnHourAfterItsLastUseAndNotCountPingsOrThePagesOwnReconnectsAsUse() throws Exception {
        try (TestEngine t = new TestEngine(QUICK); WsClient lead = WALLBOARD.open(t)) {
            long signedInMs = System.currentTimeMillis();
            AtomicLong now = WALLBOARD.clock(t, signedInMs);
            String token = WALLBOARD.signIn(lead, "floor-lead");

            now.set(signedInMs + 50 * MINUTE_MS);
            lead.send("{\"type\":\"announce\",\"prompt\":\"info-activation-letter\"}"); // use: the hour counts from here
            lead.await("wallboard", f -> !f.path("announcement").isNull(), 10_000);
            now.set(signedInMs + 59 * MINUTE_MS);
            lead.send("{\"type\":\"ping\"}");
            lead.await("pong");
            now.set(signedInMs + 61 * MINUTE_MS);
            assertThat(WALLBOARD.resume(t, token, true)).as("used 11 minutes ago").isEqualTo("floor-lead");
            now.set(signedInMs + 105 * MINUTE_MS);
            assertThat(WALLBOARD.resume(t, token, true)).as("a reconnect 55 minutes after the last use: still on").isEqualTo("floor-lead");
            lead.send("{\"type\":\"ping\"}");
            lead.await("pong");

            now.set(signedInMs + 110 * MINUTE_MS + 1_000); // an hour after the announcement: the pings and the reconnects did not count
            JsonNode ended = lead.await("error", f -> f.path("code").asText().equals("session-ended"), 10_000);
            assertThat(ended.path("message").asText()).isEqualTo("Signed out after 60 minutes without an action; sign in again.");
            lead.send("{\"type\":\"announce\",\"prompt\":null}");
            assertThat(lead.await("error").path("code").asText()).as("the open page acts no more").isEqualTo("forbidden");
            assertThat(WALLBOARD.resume(t, token, false)).as("nor does a reload").isNull();
            assertThat(audit(t.dataFolder)).containsExactly("wallboard,floor-lead,signed-in,,",
                    "wallboard,floor-lead,announcement-set,info-activation-letter,", "wallboard,floor-lead,session-ended,,idle 60 min");
            WALLBOARD.awaitWritten(t);
            assertThat(sessionLines(t.dataFolder)).as("ended: gone from the file").isEmpty();
        }
    }

    @Test
    void shouldCountAPageLoadAsUseAndWriteLastUseAtMostOnceAMinute() throws Exception {
        try (TestEngine t = new TestEngine(QUICK); WsClient lead = WALLBOARD.open(t)) {
            long signedInMs = System.currentTimeMillis();
            AtomicLong now = WALLBOARD.clock(t, signedInMs);
            String token = WALLBOARD.signIn(lead, "floor-lead");
            WALLBOARD.awaitWritten(t);
            assertThat(sessionLines(t.dataFolder)).singleElement().satisfies(s -> {
                assertThat(s.path("tokenHash").asText()).isEqualTo(Citizens.tokenHash(token));
                assertThat(s.path("supervisor").asText()).isEqualTo("floor-lead");
                assertThat(s.path("signedIn").asText()).isEqualTo(Instant.ofEpochMilli(signedInMs).toString());
                assertThat(s.path("lastUsed").asText()).isEqualTo(Instant.ofEpochMilli(signedInMs).toString());
                assertThat(s.path("expires").asText()).isEqualTo(Instant.ofEpochMilli(signedInMs + 60 * MINUTE_MS).toString());
            });

            now.set(signedInMs + 50 * MINUTE_MS);
            assertThat(WALLBOARD.resume(t, token, false)).as("a reload: use").isEqualTo("floor-lead");
            Thread.sleep(500); // sweeps write the last use: the file was written 50 minutes ago
            WALLBOARD.awaitWritten(t);
            assertThat(sessionLines(t.dataFolder).get(0).path("lastUsed").asText())
                    .isEqualTo(Instant.ofEpochMilli(signedInMs + 50 * MINUTE_MS).toString());
            now.set(signedInMs + 50 * MINUTE_MS + 10_000);
            assertThat(WALLBOARD.resume(t, token, false)).isEqualTo("floor-lead");
            Thread.sleep(500); // sweeps do not write it: the file was written 10 s ago
            WALLBOARD.awaitWritten(t);
            assertThat(sessionLines(t.dataFolder).get(0).path("lastUsed").asText())
                    .isEqualTo(Instant.ofEpochMilli(signedInMs + 50 * MINUTE_MS).toString());
            now.set(signedInMs + 51 * MINUTE_MS);
            Thread.sleep(500);
            WALLBOARD.awaitWritten(t);
            assertThat(sessionLines(t.dataFolder).get(0).path("lastUsed").asText()).as("a minute after the last write")
                    .isEqualTo(Instant.ofEpochMilli(signedInMs + 50 * MINUTE_MS + 10_000).toString());

            now.set(signedInMs + 110 * MINUTE_MS);
            assertThat(WALLBOARD.resume(t, token, true)).as("an hour after the reload, less 10 s").isEqualTo("floor-lead");
            now.set(signedInMs + 110 * MINUTE_MS + 10_000);
            lead.await("error", f -> f.path("code").asText().equals("session-ended"), 10_000);
        }
    }

    @Test
    void shouldEndASessionTwelveHoursAfterTheSignInHoweverMuchItIsUsed() throws Exception {
        try (TestEngine t = new TestEngine(Map.of("chat.position-update-ms", "100", "chat.burst-messages", "100")); WsClient lead = WALLBOARD.open(t)) {
            long signedInMs = System.currentTimeMillis();
            AtomicLong now = WALLBOARD.clock(t, signedInMs);
            String token = WALLBOARD.signIn(lead, "floor-lead");
            for (long minute = 50; minute < 12 * 60; minute += 50) {
                now.set(signedInMs + minute * MINUTE_MS);
                lead.send("{\"type\":\"announce\",\"prompt\":" + (minute % 100 == 0 ? "null" : "\"info-activation-letter\"") + "}");
                lead.send("{\"type\":\"ping\"}");
                lead.await("pong"); // the hub took the announcement before the clock moves on
            }
            now.set(signedInMs + 12 * 60 * MINUTE_MS - 1_000);
            assertThat(WALLBOARD.resume(t, token, false)).as("a second short of 12 hours").isEqualTo("floor-lead");
            now.set(signedInMs + 12 * 60 * MINUTE_MS);
            JsonNode ended = lead.await("error", f -> f.path("code").asText().equals("session-ended"), 10_000);
            assertThat(ended.path("message").asText()).isEqualTo("Signed out 12 hours after signing in; sign in again.");
            assertThat(WALLBOARD.resume(t, token, false)).isNull();
            assertThat(audit(t.dataFolder)).last().isEqualTo("wallboard,floor-lead,session-ended,,12 h after the sign-in");
        }
    }

    /**
     * A restart of Loket (engine, journal and gateway stopped and started again on the same
     * folder) keeps the sessions in use; one that went idle while Loket was stopped ends at the
     * start. The file is the owner's alone and holds hashes, never tokens.
     */
    @Test
    void shouldKeepASupervisorSignedInAcrossARestart() throws Exception {
        Path data;
        String floorLead;
        String chatLead;
        long startMs = System.currentTimeMillis();
        try (TestEngine t = new TestEngine(QUICK); WsClient lead = WALLBOARD.open(t);
             WsClient other = WALLBOARD.open(t)) {
            data = t.dataFolder;
            AtomicLong now = WALLBOARD.clock(t, startMs - 70 * MINUTE_MS);
            floorLead = WALLBOARD.signIn(lead, "floor-lead");
            chatLead = WALLBOARD.signIn(other, "chat-lead");
            now.set(startMs - 15 * MINUTE_MS);
            lead.send("{\"type\":\"announce\",\"prompt\":\"info-activation-letter\"}"); // floor-lead's last use; chat-lead's is its sign-in
            lead.await("wallboard", f -> !f.path("announcement").isNull(), 10_000);
        } // a clean stop: the file has the last state
        Path file = WALLBOARD.file(data);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains(Citizens.tokenHash(floorLead), Citizens.tokenHash(chatLead))
                .doesNotContain(floorLead).doesNotContain(chatLead).doesNotContain(TestEngine.SECRET);
        try (var files = Files.list(TestEngine.files(data))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left").noneMatch(f -> f.endsWith(".part"));
        }

        try (TestEngine t = new TestEngine(data, "/chat-test-config", QUICK); WsClient lead = WALLBOARD.open(t)) {
            lead.send("{\"type\":\"subscribe\",\"session\":\"" + floorLead + "\",\"reconnect\":true}");
            assertThat(lead.await("signed-in").path("supervisor").asText()).as("no new sign-in after the restart").isEqualTo("floor-lead");
            lead.send("{\"type\":\"announce\",\"prompt\":null}");
            lead.await("wallboard", f -> f.path("announcement").isNull(), 10_000);
            assertThat(WALLBOARD.resume(t, chatLead, false)).as("idle for 70 minutes: ended while Loket was stopped").isNull();
            assertThat(audit(data)).containsSubsequence("wallboard,chat-lead,session-ended,,idle 60 min (while Loket was stopped)",
                    "wallboard,floor-lead,announcement-cleared,,");
            lead.send("{\"type\":\"sign-out\"}");
            lead.await("signed-out");
        }
        try (TestEngine t = new TestEngine(data, "/chat-test-config", QUICK)) {
            assertThat(WALLBOARD.resume(t, floorLead, false)).as("signed out before the restart").isNull();
            assertThat(sessionLines(data)).isEmpty();
        }
    }

    /** A file that does not parse is reported with its line and set aside; Loket starts, and sign-ins work and are kept anew. */
    @Test
    void shouldReportAMalformedFileAndStartWithoutItsSessions() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "data-");
        String token = "a-session-token-of-a-supervisor";
        long nowMs = System.currentTimeMillis();
        String malformed = "{\"loket\":\"supervisor-sessions\",\"format\":1}\n"
                + WALLBOARD.savedLine(token, "floor-lead", nowMs - MINUTE_MS, nowMs - MINUTE_MS) + "\n"
                + "{\"tokenHash\":\"" + Citizens.tokenHash("another") + "\",\"supervisor\":\"chat-lead\",\"signedIn\":\"yesterday\"}\n";
        Files.createDirectories(TestEngine.files(data)); // as loket run makes it
        Files.writeString(WALLBOARD.file(data), malformed);
        Files.setPosixFilePermissions(WALLBOARD.file(data), PosixFilePermissions.fromString("rw-------"));
        try (SessionPage.FileErrors errors = new SessionPage.FileErrors(); TestEngine t = new TestEngine(data, "/chat-test-config", QUICK);
             WsClient lead = WALLBOARD.open(t)) {
            assertThat(errors.messages()).singleElement().asString()
                    .contains(WALLBOARD.file(data).toAbsolutePath() + ":3: 'signedIn' 'yesterday' is not a UTC time")
                    .contains("set aside as " + WALLBOARD.file(data).toAbsolutePath() + ".malformed");
            assertThat(Files.readString(TestEngine.files(data).resolve(ChatSettings.SESSION_FILE + ".malformed"))).isEqualTo(malformed);
            assertThat(WALLBOARD.resume(t, token, false)).as("the file's sessions are not restored").isNull();
            try (WsClient wall = t.wallboard()) {
                wall.await("wallboard");
            }
            String issued = WALLBOARD.signIn(lead, "floor-lead");
            WALLBOARD.awaitWritten(t);
            assertThat(sessionLines(data)).singleElement().satisfies(s -> assertThat(s.path("tokenHash").asText())
                    .isEqualTo(Citizens.tokenHash(issued)));
        }
    }

    /**
     * A file others may write restores nothing (a line added there would be a sign-in); once it is
     * the owner's alone, its sessions come back, and those that ended meanwhile are dropped.
     */
    @Test
    void shouldRestoreSessionsOnlyFromAFileOfItsOwnerAloneAndDropThoseThatEnded() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "data-");
        long nowMs = System.currentTimeMillis();
        Files.createDirectories(TestEngine.files(data)); // as loket run makes it
        Files.writeString(WALLBOARD.file(data), "{\"loket\":\"supervisor-sessions\",\"format\":1}\n"
                + WALLBOARD.savedLine("kept", "floor-lead", nowMs - 2 * 60 * MINUTE_MS, nowMs - 30 * MINUTE_MS) + "\n"
                + WALLBOARD.savedLine("idle", "chat-lead", nowMs - 3 * 60 * MINUTE_MS, nowMs - 61 * MINUTE_MS) + "\n"
                + WALLBOARD.savedLine("old", "chat-lead", nowMs - 12 * 60 * MINUTE_MS - 1_000, nowMs - MINUTE_MS) + "\n"
                + WALLBOARD.savedLine("removed", "no-longer-a-supervisor", nowMs - MINUTE_MS, nowMs - MINUTE_MS) + "\n");
        Files.setPosixFilePermissions(WALLBOARD.file(data), PosixFilePermissions.fromString("rw-rw----"));
        try (TestEngine t = new TestEngine(data, "/chat-test-config", QUICK)) {
            assertThat(WALLBOARD.resume(t, "kept", false)).as("group-writable: not restored").isNull();
        }
        Files.setPosixFilePermissions(WALLBOARD.file(data), PosixFilePermissions.fromString("rw-------"));
        try (TestEngine t = new TestEngine(data, "/chat-test-config", QUICK)) {
            assertThat(WALLBOARD.resume(t, "kept", false)).isEqualTo("floor-lead");
            assertThat(WALLBOARD.resume(t, "idle", false)).isNull();
            assertThat(WALLBOARD.resume(t, "old", false)).isNull();
            assertThat(WALLBOARD.resume(t, "removed", false)).isNull();
            assertThat(audit(data)).containsExactly("wallboard,chat-lead,session-ended,,idle 60 min (while Loket was stopped)",
                    "wallboard,chat-lead,session-ended,,12 h after the sign-in (while Loket was stopped)",
                    "wallboard,no-longer-a-supervisor,session-ended,,no longer a supervisor (while Loket was stopped)");
            WALLBOARD.awaitWritten(t);
            assertThat(sessionLines(data)).extracting(s -> s.path("tokenHash").asText()).containsExactly(Citizens.tokenHash("kept"));
        }
    }
}
