package org.loket.host.pipeline;

/**
 * Process settings of the pipeline, read once at start.
 *
 * @param ringSize              slots in the ring (a power of two)
 * @param waitStrategy          see {@link WaitStrategies}
 * @param snapshotEveryCommands take a snapshot after this many commands; 0 = never
 * @param measureServiceTime    record the core's service time per command (two clock reads per command)
 * @param measureLatency        record publish-to-egress latency per command
 * @param journalDecisions      journal decisions as well as commands (needed by replay's identity check)
 * @param pretouchJournal       touch journal pages ahead of the writers on a background thread
 * @param safetyParkMs          longest park of the core and IO threads between wake-ups: only a safety
 *                              net (publishers wake the core thread or stand in for it, the core wakes
 *                              the IO thread or stands in for it), and each expiry on a quiet engine
 *                              costs a wake-up
 * @param journalRetentionDays  days a journal day is kept after it ended, with the snapshots that
 *                              describe it ({@link org.loket.host.journal.JournalRetention}); 0 keeps
 *                              every day
 * @param auditRetentionDays    days a month of the operators' audit ({@code audit.csv}) is kept after
 *                              the month ended ({@link org.loket.host.audit.CsvRecord}); 0 keeps every month
 * @param hashDecisions         keep a running hash over the decisions that pass egress
 *                              ({@link Engine#decisionHash()}, for tests that compare an engine with a
 *                              reference); off by default: replay hashes the decision journal itself
 * @param maxJournalAheadMs     how far the journal's last command may be later than the host's clock
 *                              at start ({@link Engine#start} refuses beyond it with a
 *                              {@link JournalAheadException}; within it the engine's clock starts from
 *                              the journal's time, see {@link EpochClock}); {@code Long.MAX_VALUE}: any
 */
public record EngineSettings(int ringSize, String waitStrategy, long snapshotEveryCommands, boolean measureServiceTime,
                             boolean measureLatency, boolean journalDecisions, boolean pretouchJournal,
                             long safetyParkMs, int journalRetentionDays, int auditRetentionDays, boolean hashDecisions,
                             long maxJournalAheadMs) {
    /** See {@code safetyParkMs}. */
    public static final long DEFAULT_SAFETY_PARK_MS = 1_000;

    /**
     * What {@code loket run} allows for {@code maxJournalAheadMs} unless told otherwise: more than any
     * NTP correction or clock drift between two processes, and less than a shift of the business
     * hours anyone would accept without deciding it (the engine's clock then runs that far ahead of
     * the host's). A journal a day or months ahead is another folder than meant (a simulated day's).
     */
    public static final long JOURNAL_AHEAD_LIMIT_MS = 3_600_000;

    /** Defaults of tests and tools; any journal may be ahead ({@code loket run} sets {@link #JOURNAL_AHEAD_LIMIT_MS}). */
    public static EngineSettings defaults() {
        return new EngineSettings(1 << 16, "yielding", 1_000_000, false, false, true, true, DEFAULT_SAFETY_PARK_MS, 0, 0, false,
                Long.MAX_VALUE);
    }

    public EngineSettings withMaxJournalAheadMs(long ms) {
        return new EngineSettings(ringSize, waitStrategy, snapshotEveryCommands, measureServiceTime, measureLatency,
                journalDecisions, pretouchJournal, safetyParkMs, journalRetentionDays, auditRetentionDays, hashDecisions, ms);
    }

    public EngineSettings withSafetyParkMs(long parkMs) {
        return new EngineSettings(ringSize, waitStrategy, snapshotEveryCommands, measureServiceTime, measureLatency,
                journalDecisions, pretouchJournal, parkMs, journalRetentionDays, auditRetentionDays, hashDecisions, maxJournalAheadMs);
    }

    public EngineSettings withPretouch(boolean pretouch) {
        return new EngineSettings(ringSize, waitStrategy, snapshotEveryCommands, measureServiceTime, measureLatency,
                journalDecisions, pretouch, safetyParkMs, journalRetentionDays, auditRetentionDays, hashDecisions, maxJournalAheadMs);
    }

    public EngineSettings withWaitStrategy(String name) {
        return new EngineSettings(ringSize, name, snapshotEveryCommands, measureServiceTime, measureLatency, journalDecisions,
                pretouchJournal, safetyParkMs, journalRetentionDays, auditRetentionDays, hashDecisions, maxJournalAheadMs);
    }

    public EngineSettings withJournalRetentionDays(int days) {
        return new EngineSettings(ringSize, waitStrategy, snapshotEveryCommands, measureServiceTime, measureLatency,
                journalDecisions, pretouchJournal, safetyParkMs, days, auditRetentionDays, hashDecisions, maxJournalAheadMs);
    }

    public EngineSettings withAuditRetentionDays(int days) {
        return new EngineSettings(ringSize, waitStrategy, snapshotEveryCommands, measureServiceTime, measureLatency,
                journalDecisions, pretouchJournal, safetyParkMs, journalRetentionDays, days, hashDecisions, maxJournalAheadMs);
    }

    public EngineSettings withSnapshotEvery(long commands) {
        return new EngineSettings(ringSize, waitStrategy, commands, measureServiceTime, measureLatency, journalDecisions,
                pretouchJournal, safetyParkMs, journalRetentionDays, auditRetentionDays, hashDecisions, maxJournalAheadMs);
    }

    public EngineSettings withDecisionHash(boolean hash) {
        return new EngineSettings(ringSize, waitStrategy, snapshotEveryCommands, measureServiceTime, measureLatency,
                journalDecisions, pretouchJournal, safetyParkMs, journalRetentionDays, auditRetentionDays, hash, maxJournalAheadMs);
    }
}
