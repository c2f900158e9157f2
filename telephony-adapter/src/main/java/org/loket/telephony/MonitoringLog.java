package org.loket.telephony;

import java.nio.file.Path;
import org.loket.host.audit.CsvRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of supervisors listening in on agents' calls: one CSV line per attempt and per end
 * ({@code time,supervisor,agent,mode,event,reason,seconds}; event {@code started}, {@code ended} or
 * {@code refused}), appended to an owner-only file and flushed at once, so a monitoring that
 * started is on disk even if the process dies during it. Who heard which agent's conversation is
 * what a privacy officer asks for; the citizen is not named (the journal's contact has no link to
 * it). Every line also goes to the process log. Written by {@link CsvRecord}, as the operators'
 * audit is, a file per month kept as long as the audit.
 */
final class MonitoringLog {
    private static final Logger LOG = LoggerFactory.getLogger(MonitoringLog.class);
    static final String HEADER = "time,supervisor,agent,mode,event,reason,seconds";

    private final CsvRecord record;

    /**
     * @param file          where to append, or null for the process log only
     * @param retentionDays days a month's file is kept after the month ended ({@link CsvRecord}); 0 keeps every month
     */
    MonitoringLog(Path file, int retentionDays) {
        this.record = new CsvRecord(file, HEADER, LOG, "monitoring", retentionDays, java.time.Clock.systemUTC());
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

    private void write(String supervisor, String agent, String mode, String event, String reason, String seconds) {
        record.append(CsvRecord.field(supervisor), CsvRecord.field(agent), mode, event, reason, seconds);
    }
}
