package org.loket.telephony;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of supervisors listening in on agents' calls: one CSV line per attempt and per end
 * ({@code time,supervisor,agent,mode,event,reason,seconds}; event {@code started}, {@code ended} or
 * {@code refused}), appended to an owner-only file and flushed at once, so a monitoring that
 * started is on disk even if the process dies during it. Who heard which agent's conversation is
 * what a privacy officer asks for; the citizen is not named (the journal's contact has no link to
 * it). Every line also goes to the process log.
 */
final class MonitoringLog {
    private static final Logger LOG = LoggerFactory.getLogger(MonitoringLog.class);
    static final String HEADER = "time,supervisor,agent,mode,event,reason,seconds";

    /** Null: the process log only. */
    private final Path file;

    MonitoringLog(Path file) {
        this.file = file;
    }

    void started(String supervisor, String agent, String mode) {
        write(supervisor, agent, mode, "started", "", "");
    }

    void ended(String supervisor, String agent, String mode, long durationMs) {
        write(supervisor, agent, mode, "ended", "", String.format(java.util.Locale.ROOT, "%.1f", durationMs / 1000.0));
    }

    /** @param reason {@code not-a-supervisor}, {@code no-such-agent}, {@code not-allowed}, {@code not-on-a-call} */
    void refused(String supervisor, String agent, String mode, String reason) {
        write(supervisor, agent, mode, "refused", reason, "");
    }

    private synchronized void write(String supervisor, String agent, String mode, String event, String reason, String seconds) {
        String line = String.join(",", Instant.now().toString(), field(supervisor), field(agent), mode, event, reason, seconds);
        LOG.info("monitoring: {}", line);
        if (file == null) {
            return;
        }
        try {
            boolean created = !Files.exists(file);
            if (created) {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                Files.createFile(file);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: left as created
                }
            }
            Files.writeString(file, (created ? HEADER + "\n" : "") + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            LOG.error("monitoring: cannot write {} ({}); the line above is the only record", file, e.toString());
        }
    }

    /** A name as a CSV field: endpoint names and digits need no quoting; a comma, quote or line break becomes '_'. */
    private static String field(String text) {
        return text == null ? "" : text.replaceAll("[,\r\n\"]", "_");
    }
}
