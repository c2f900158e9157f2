package org.loket.chat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Instant;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What the session tests ({@link SupervisorSessionTest}, {@link AgentSessionTest}) write into a
 * {@link SessionFile} by hand, and the errors its loading logs.
 */
final class SavedSessions {
    private static final long MINUTE_MS = 60_000;

    private SavedSessions() {
    }

    /**
     * One session's line as the file keeps it, with the default hour of idleness and 12 hours at most.
     *
     * @param ownerField {@code supervisor} or {@code agent}
     */
    static String line(String ownerField, String token, String owner, long signedInMs, long lastUsedMs) {
        return "{\"tokenHash\":\"" + Citizens.tokenHash(token) + "\",\"" + ownerField + "\":\"" + owner + "\",\"signedIn\":\""
                + Instant.ofEpochMilli(signedInMs) + "\",\"lastUsed\":\"" + Instant.ofEpochMilli(lastUsedMs) + "\",\"expires\":\""
                + Instant.ofEpochMilli(Math.min(lastUsedMs + 60 * MINUTE_MS, signedInMs + 12 * 60 * MINUTE_MS)) + "\"}";
    }

    /** The errors {@link SessionFile} logs while this is open. */
    static final class Errors implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger(SessionFile.class);
        private final ListAppender<ILoggingEvent> log = new ListAppender<>();

        Errors() {
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
