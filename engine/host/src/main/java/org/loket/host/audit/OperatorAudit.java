package org.loket.host.audit;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who changed what through an operator interface: one CSV line per action
 * ({@code time,via,actor,action,target,detail}), owner-only, synced line by line ({@link CsvRecord}).
 * {@code via} is the interface ({@code admin-api}, {@code wallboard}, {@code desktop}, {@code config-watch});
 * {@code actor} who used it: a supervisor's name on the wallboard, an operator's name or
 * {@code admin-token} for the admin API (one shared token names no person: the line says so rather
 * than guess), {@code unknown} for a folder the file watch applied. The journal has what the core
 * did; this file has who asked for it. A privacy officer or an incident review reads it.
 */
public final class OperatorAudit {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorAudit.class);
    public static final String HEADER = "time,via,actor,action,target,detail";
    /** The file's name in the journal's folder of files ({@link org.loket.host.journal.JournalFiles}). */
    public static final String FILE_NAME = "audit.csv";
    /** The audit's files there, this month's and the months' set aside ({@link CsvRecord}). */
    public static final java.util.List<String> FILES = java.util.List.of(FILE_NAME, "audit-*.csv");
    /**
     * The gateways' setting ({@code loket run} sets it from {@code --audit-retention-days}) that records
     * of the same kind kept by a gateway follow: the phone's monitoring log.
     */
    public static final String RETENTION_DAYS_SETTING = "loket.auditRetentionDays";

    private final CsvRecord record;

    /** @param file where to append (kept for ever), or null for the process log only */
    public OperatorAudit(Path file) {
        this(file, 0);
    }

    /**
     * @param file          where to append, or null for the process log only
     * @param retentionDays days a month's file is kept after its month ended ({@link CsvRecord}); 0 keeps every month
     */
    public OperatorAudit(Path file, int retentionDays) {
        this.record = new CsvRecord(file, HEADER, LOG, "audit", retentionDays, java.time.Clock.systemUTC());
    }

    /** The audit of a journal ({@value #FILE_NAME} in its folder of files, {@code var/journal.files/} for {@code var/journal}), as {@code loket run} keeps it. */
    public static OperatorAudit besideJournal(Path journalFolder, int retentionDays) {
        return new OperatorAudit(journalFolder == null ? null : org.loket.host.journal.JournalFiles.of(journalFolder, FILE_NAME),
                retentionDays);
    }

    /**
     * @param via    the interface: {@code admin-api}, {@code wallboard}, {@code desktop}, {@code config-watch}
     * @param actor  who: a supervisor's or operator's name, {@code admin-token}, {@code unknown}
     * @param action what, e.g. {@code announcement-set}, {@code agent-state}, {@code locked-out}
     * @param target what it acted on (a prompt, an agent, a queue, a folder), or empty
     * @param detail more (a state and reason, an outcome), or empty
     */
    public void record(String via, String actor, String action, String target, String detail) {
        record.append(CsvRecord.field(via), CsvRecord.field(actor), CsvRecord.field(action), CsvRecord.field(target),
                CsvRecord.field(detail));
    }

    /** The file appended to, or null. */
    public Path file() {
        return record.file();
    }
}
