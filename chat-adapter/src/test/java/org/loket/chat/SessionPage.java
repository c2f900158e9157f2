package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * The two pages that sign in by name and secret and come back with a session token, as the session
 * tests ({@link AgentSessionTest}, {@link SupervisorSessionTest}) drive them: the same steps over two
 * APIs, the desktop's {@code login} and the wallboard's {@code subscribe}. Sign in, come back with the
 * token (a page load, or the page's own reconnect), set the sessions' clock, wait for their file, and
 * write the file's lines by hand.
 */
enum SessionPage {
    /** The agent desktop: {@code login} with {@code agent}, answered {@code agent-session} and {@code welcome}. */
    DESKTOP("/ws/agent", "login", "agent", "welcome", ChatSettings.AGENT_SESSION_FILE,
            (hub, clock) -> hub.agentSessions().clockMs = clock, hub -> hub.agentSessions().sessions().file()),
    /** The wallboard: {@code subscribe} with {@code supervisor}, answered {@code supervisor-session} and {@code signed-in}. */
    WALLBOARD("/ws/wallboard", "subscribe", "supervisor", "signed-in", ChatSettings.SESSION_FILE,
            (hub, clock) -> hub.supervisors().clockMs = clock, hub -> hub.supervisors().file());

    static final long MINUTE_MS = 60_000;
    /** Sweeps (and so idle ends) every 100 ms rather than every second. */
    static final Map<String, String> QUICK = Map.of("chat.position-update-ms", "100");

    private final String path;
    private final String signInType;
    /** The field that names the owner: in the sign-in, the welcome, the file's lines. */
    private final String ownerField;
    private final String welcomeType;
    private final String fileName;
    private final BiConsumer<ChatHub, LongSupplier> clockSetter;
    private final Function<ChatHub, SessionFile> file;

    SessionPage(String path, String signInType, String ownerField, String welcomeType, String fileName,
                BiConsumer<ChatHub, LongSupplier> clockSetter, Function<ChatHub, SessionFile> file) {
        this.path = path;
        this.signInType = signInType;
        this.ownerField = ownerField;
        this.welcomeType = welcomeType;
        this.fileName = fileName;
        this.clockSetter = clockSetter;
        this.file = file;
    }

    /** A new page of this kind on {@code t}'s server. */
    WsClient open(TestEngine t) {
        return new WsClient(t.ws() + path);
    }

    /** Signs {@code owner} in on {@code page} with the tests' secret; returns the session token (after the welcome). */
    String signIn(WsClient page, String owner) throws InterruptedException {
        page.send("{\"type\":\"" + signInType + "\",\"" + ownerField + "\":\"" + owner + "\",\"secret\":\"" + TestEngine.SECRET + "\"}");
        String token = page.await(ownerField + "-session").path("token").asText();
        page.await(welcomeType);
        return token;
    }

    /** Signs {@code owner} in on a new page that then closes (a dropped connection, a closed tab); returns the session token. */
    String signInAndClose(TestEngine t, String owner) throws InterruptedException {
        try (WsClient page = open(t)) {
            return signIn(page, owner);
        }
    }

    /**
     * A new page coming back with the session (a page load, or with {@code reconnect} the page's own
     * reconnect), closed again; the owner's name, or null when refused.
     */
    String resume(TestEngine t, String token, boolean reconnect) throws InterruptedException {
        try (WsClient page = open(t)) {
            page.send(comeBack(token, reconnect));
            while (true) {
                JsonNode answer = page.next(); // a logged-out agent's login shows its new state first
                String type = answer.path("type").asText();
                if (type.equals("error")) {
                    assertThat(answer.path("code").asText()).isEqualTo("session-ended");
                    return null;
                }
                if (type.equals(welcomeType)) {
                    return answer.path(ownerField).asText();
                }
                assertThat(type).as("no new session for a session: %s", answer).isNotEqualTo(ownerField + "-session");
            }
        }
    }

    /** The page's own reconnect with the session, which the hub refuses: what the page is told. */
    String refusedReconnect(TestEngine t, String token) throws InterruptedException {
        try (WsClient page = open(t)) {
            page.send(comeBack(token, true));
            JsonNode refused = page.await("error");
            assertThat(refused.path("code").asText()).isEqualTo("session-ended");
            return refused.path("message").asText();
        }
    }

    private String comeBack(String token, boolean reconnect) {
        return "{\"type\":\"" + signInType + "\",\"session\":\"" + token + "\"" + (reconnect ? ",\"reconnect\":true" : "") + "}";
    }

    /** The clock these sessions expire by from now on, set to {@code startMs}. */
    AtomicLong clock(TestEngine t, long startMs) throws Exception {
        AtomicLong now = new AtomicLong(startMs);
        t.gateway.hub().ask(h -> {
            clockSetter.accept(h, now::get);
            return null;
        }).get(5, TimeUnit.SECONDS);
        return now;
    }

    /** The sessions' file of the engine on {@code data} (in its journal's folder of files). */
    Path file(Path data) {
        return TestEngine.files(data).resolve(fileName);
    }

    /** Waits until the sessions' file has what the hub handed it. */
    void awaitWritten(TestEngine t) throws Exception {
        t.gateway.hub().ask(file).get(5, TimeUnit.SECONDS).awaitWritten();
    }

    /** One session's line as the file keeps it, with the default hour of idleness and 12 hours at most. */
    String savedLine(String token, String owner, long signedInMs, long lastUsedMs) {
        return "{\"tokenHash\":\"" + Citizens.tokenHash(token) + "\",\"" + ownerField + "\":\"" + owner + "\",\"signedIn\":\""
                + Instant.ofEpochMilli(signedInMs) + "\",\"lastUsed\":\"" + Instant.ofEpochMilli(lastUsedMs) + "\",\"expires\":\""
                + Instant.ofEpochMilli(Math.min(lastUsedMs + 60 * MINUTE_MS, signedInMs + 12 * 60 * MINUTE_MS)) + "\"}";
    }

    /** The errors {@link SessionFile} logs while this is open. */
    static final class FileErrors implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger(SessionFile.class);
        private final ListAppender<ILoggingEvent> log = new ListAppender<>();

        FileErrors() {
            log.start();
            logger.addAppender(log);
        }

        /** The messages of the errors logged so far. */
        List<String> messages() {
            return log.list.stream().filter(e -> e.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage).toList();
        }

        @Override
        public void close() {
            logger.detachAppender(log);
        }
    }
}
