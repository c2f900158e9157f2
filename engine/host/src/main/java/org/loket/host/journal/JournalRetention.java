package org.loket.host.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.loket.host.snapshot.SnapshotStore;

/**
 * A journal's retention: its records (pseudonymised contact ids, what agents did) are personal data,
 * kept a set number of days after the day they were recorded and then deleted, whole UTC days from
 * the journal's start. The rules:
 * <ul>
 *   <li>A command day file goes when its day ended more than {@code days} days ago and an intact
 *       snapshot at or after its last command exists, so that recovery and every reader can start
 *       after it ({@link JournalStart}). Days go oldest first; the first that must stay stops the
 *       rest. Today's file (the newest) always stays.</li>
 *   <li>A decision day file goes with the command day files of its day and the days before: it holds
 *       the decisions of their commands only, since a decision is journaled after its command (both
 *       queues roll by the same clock).</li>
 *   <li>Snapshots older than the journal's new origin go too: they describe deleted days.</li>
 * </ul>
 * Where a day ends is read from the first command of the next day file that holds one; a day file
 * whose first record is damaged ({@link Journal.DayFile#damage}) holds the days before it back
 * (a changed sequence there would have a day go that no snapshot covers), and says why.
 * The engine takes a snapshot at the start of every day, so a day can normally go as soon as its
 * time is up.
 */
public final class JournalRetention {
    private JournalRetention() {
    }

    /**
     * @param commandDaysDeleted  the UTC days whose command files were deleted
     * @param decisionDaysDeleted decision day files deleted
     * @param snapshotsDeleted    snapshots deleted
     * @param heldBack            why a day past its time stays, or null
     */
    public record Result(List<LocalDate> commandDaysDeleted, int decisionDaysDeleted, int snapshotsDeleted, String heldBack) {
    }

    /**
     * Deletes what the retention allows. Call it on one thread at a time, and not while a reader of
     * another journal instance reads the days it may delete.
     *
     * @param days  days a day file is kept after its day ended (at least 1)
     * @param today the current UTC day
     */
    public static Result apply(Journal journal, int days, LocalDate today) {
        if (days < 1) {
            throw new IllegalArgumentException("journal retention " + days + " days must be at least 1");
        }
        SnapshotStore snapshots = new SnapshotStore(journal.snapshotFolder());
        long covered = snapshots.latestAtOrBefore(Long.MAX_VALUE).map(SnapshotStore.Snapshot::sequence).orElse(-1L);
        List<Journal.DayFile> commandDays = journal.commandDays();
        List<LocalDate> deletedDays = new ArrayList<>();
        String heldBack = null;
        long lastDeleted = -1;
        for (int i = 0; i < commandDays.size() - 1; i++) {
            Journal.DayFile day = commandDays.get(i);
            if (!due(day.day(), days, today)) {
                break;
            }
            Journal.DayFile next = firstAfter(commandDays, i);
            if (next == null) {
                heldBack = day.day() + " stays: no later day file holds a command yet";
                break;
            }
            if (next.damage() != null) {
                heldBack = day.day() + " stays: where its last command is cannot be known, since the next day file's first"
                        + " record is damaged: " + next.damage();
                break;
            }
            long last = next.firstSequence() - 1;
            if (last > covered) {
                heldBack = day.day() + " stays: no snapshot at or after its last command (" + last + ") yet";
                break;
            }
            delete(day);
            lastDeleted = last;
            deletedDays.add(day.day());
        }
        int decisionDaysDeleted = 0;
        if (!deletedDays.isEmpty()) {
            LocalDate lastDeletedDay = deletedDays.getLast();
            List<Journal.DayFile> decisionDays = journal.decisionDays();
            for (int i = 0; i < decisionDays.size() - 1 && !decisionDays.get(i).day().isAfter(lastDeletedDay); i++) {
                delete(decisionDays.get(i));
                decisionDaysDeleted++;
            }
        }
        int snapshotsDeleted = 0;
        if (lastDeleted >= 0) {
            journal.forgetDeletedDays();
            Optional<SnapshotStore.Snapshot> origin = snapshots.oldestAtOrAfter(lastDeleted);
            if (origin.isPresent()) {
                snapshotsDeleted = snapshots.deleteBefore(origin.get().sequence());
            }
        }
        return new Result(deletedDays, decisionDaysDeleted, snapshotsDeleted, heldBack);
    }

    /** Whether a day ended more than {@code days} days before {@code today} began. */
    private static boolean due(LocalDate day, int days, LocalDate today) {
        return !day.plusDays(days + 1L).isAfter(today);
    }

    /**
     * The first day file after the {@code i}-th that holds a command, or whose first record is
     * damaged (its first sequence is not known); null when there is none.
     */
    private static Journal.DayFile firstAfter(List<Journal.DayFile> days, int i) {
        for (int j = i + 1; j < days.size(); j++) {
            if (days.get(j).firstSequence() >= 0 || days.get(j).damage() != null) {
                return days.get(j);
            }
        }
        return null;
    }

    private static void delete(Journal.DayFile day) {
        try {
            Files.deleteIfExists(day.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the journal day file " + day.file(), e);
        }
    }
}
