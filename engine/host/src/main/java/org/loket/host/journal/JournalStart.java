package org.loket.host.journal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.loket.core.command.Command;
import org.loket.core.decision.DecisionSink;
import org.loket.core.routing.RoutingCore;
import org.loket.core.state.ByteArrayState;
import org.loket.host.snapshot.SnapshotStore;

/**
 * Where a reader of a journal starts. A journal that holds its first command starts with a fresh
 * core. One whose oldest days its retention deleted ({@link JournalRetention}) starts at its
 * <em>origin</em>: the oldest snapshot at or after the command before its first; the reader
 * restores the core from it and skips the commands (and decision groups) up to its sequence.
 *
 * @param snapshot the origin, or null when the journal starts at its first command
 */
public record JournalStart(SnapshotStore.Snapshot snapshot) {
    /**
     * @throws IllegalStateException when the journal's oldest days were deleted and no snapshot is
     *                               left to start from (then no reader can rebuild its state)
     */
    public static JournalStart of(Journal journal) {
        long first = firstCommand(journal);
        if (first <= 1) {
            return new JournalStart(null);
        }
        long before = first - 1;
        Optional<SnapshotStore.Snapshot> origin = new SnapshotStore(journal.snapshotFolder()).oldestAtOrAfter(before);
        return new JournalStart(origin.orElseThrow(() -> new IllegalStateException(journal.folder() + " starts at command "
                + first + " (its older days were deleted) and holds no intact snapshot at or after command " + before
                + " to start from")));
    }

    /**
     * Where a reader that needs only what happened from {@code time} on starts: the newest snapshot
     * written before it (the configuration in force and the state then), or the journal's own start
     * when no snapshot after that start was written before {@code time}. A wallboard's "today" reads
     * one day instead of the whole retention this way.
     */
    public static JournalStart before(Journal journal, Instant time) {
        JournalStart origin = of(journal);
        Optional<SnapshotStore.Snapshot> newest = new SnapshotStore(journal.snapshotFolder()).newestWrittenBefore(time);
        return newest.isPresent() && newest.get().sequence() > origin.afterSequence() ? new JournalStart(newest.get()) : origin;
    }

    private static long firstCommand(Journal journal) {
        try (Journal.CommandReader reader = journal.commandReader()) {
            Command command = new Command();
            return reader.next(command) ? command.sequence : 1;
        }
    }

    /** Commands up to this sequence are in the origin; a reader skips them (0 without an origin). */
    public long afterSequence() {
        return snapshot == null ? 0 : snapshot.sequence();
    }

    /**
     * The first UTC day whose file can hold commands (and decisions) journaled after a core whose
     * clock reads {@code coreNowNs}: its day, from an hour earlier in case the journal's clock (the
     * system's) is a little behind the engine's.
     */
    public static LocalDate firstDayAfter(long coreNowNs) {
        return LocalDate.ofInstant(Instant.ofEpochSecond(0, coreNowNs).minusSeconds(3_600), ZoneOffset.UTC);
    }

    /** The core the reader starts with: fresh, or restored from the origin. */
    public RoutingCore core(DecisionSink sink) {
        return snapshot == null ? new RoutingCore(sink) : RoutingCore.readState(new ByteArrayState(snapshot.state()), sink);
    }
}
