package org.loket.host.pipeline;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.core.routing.RoutingCore;
import org.loket.host.journal.Journal;
import org.loket.host.journal.JournalDamageException;
import org.loket.host.journal.JournalStart;
import org.loket.host.snapshot.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the core from the newest usable snapshot plus the journal's tail (refused when the
 * journal's retention deleted commands the snapshot does not cover). Decisions the crashed
 * process never journaled (their commands were durable, the decisions not yet) are journaled now,
 * so the decision journal again covers every command.
 * <p>Refused, before anything is deleted or journaled, when the journal cannot be read to its end
 * (a damaged record, a truncated day file, commands missing between others) or when its decision
 * journal holds decisions of commands beyond its last command: then commands that were durable are
 * lost, and going on would reuse their sequence numbers. A snapshot that fails its check is
 * skipped with a warning naming the file and why, and left in place.
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {
    }

    /**
     * @param core             the recovered core
     * @param nextSequence     the sequence the next published command gets
     * @param fromSnapshot     sequence of the snapshot used, or -1
     * @param commandsReplayed journal commands applied on top of the snapshot
     */
    public record Result(RoutingCore core, long nextSequence, long fromSnapshot, long commandsReplayed) {
    }

    static Result recover(Journal journal, SwitchableSink sink) {
        // Newest snapshot first, reading the journal from its day on: a restart reads about the
        // time since that snapshot, not every day the journal's retention keeps.
        for (Path file : new SnapshotStore(journal.snapshotFolder()).files()) {
            // Left in place: it is evidence, fails its check again at every start (so the warning
            // repeats until someone looks), and pruning deletes it as newer snapshots are written.
            Optional<SnapshotStore.Snapshot> snapshot = SnapshotStore.readOrWarn(file, LOG, "recovering from an older one");
            if (snapshot.isEmpty()) {
                continue;
            }
            long from = snapshot.get().sequence();
            RoutingCore core = new JournalStart(snapshot.get()).core(sink);
            LocalDate day = JournalStart.firstDayAfter(core.nowNs());
            Scan scan = Scan.of(journal, day);
            if (scan.firstCommand > from + 1) {
                scan = Scan.of(journal, null); // the day files read do not reach back to the snapshot
            }
            if (scan.lastCommand < from) {
                // Ahead of the journal (the core runs beside the journal writer, and a crash lost the
                // commands it includes, before any of their decisions left: Scan refuses otherwise):
                // an older one. Deleted, since the next commands reuse those sequences and it would
                // later look usable.
                LOG.warn("snapshot {} is ahead of the journal (last command {}): deleted, recovering from an older one",
                        file, scan.lastCommand);
                deleteQuietly(file);
                continue;
            }
            if (scan.firstCommand > from + 1) {
                throw new org.loket.host.journal.JournalDamageException(journal.folder() + " starts at command " + scan.firstCommand
                        + " (its older days were deleted) but the newest usable snapshot ends at command " + from
                        + ": the state cannot be rebuilt; restore the snapshots folder");
            }
            return replayTail(journal, core, from, from, scan, sink);
        }
        Scan scan = Scan.of(journal, null);
        if (scan.firstCommand > 1) {
            // The journal's retention deleted its oldest days: only a snapshot after them rebuilds the state.
            throw new org.loket.host.journal.JournalDamageException(journal.folder() + " starts at command " + scan.firstCommand
                    + " (its older days were deleted) but no intact snapshot is left: the state cannot be rebuilt;"
                    + " restore the snapshots folder");
        }
        return replayTail(journal, new RoutingCore(sink), 0, -1, scan, sink);
    }

    private static void deleteQuietly(Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }

    /** What recovery refuses with, so that it deletes no snapshot and reuses no sequence number. */
    private static JournalDamageException refused(Journal journal, String problem) {
        return refused(journal, problem, null);
    }

    /** @param damaged the journal folder when the problem is a damaged record ({@link JournalDamageException#journal}) */
    private static JournalDamageException refused(Journal journal, String problem, Path damaged) {
        // A damaged record's way back (loket journal repair, or a backup) is appended by the command line.
        String wayBack = damaged != null ? "; loket replay and loket report refuse it too"
                : ". Restore the journal's day files from a backup, or keep this folder as it is for investigation and start"
                        + " with another --journal folder (the state then starts empty); loket replay and loket report say the same of it";
        return new JournalDamageException(damaged, "journal " + journal.folder() + " cannot be recovered: " + problem
                + ". Loket did not start: no snapshot was deleted and nothing was journaled" + wayBack);
    }

    private static String commandDayFiles(Journal journal) {
        return journal.commandDays().stream().map(d -> d.file().getFileName().toString())
                .collect(java.util.stream.Collectors.joining(", ", "command day files: ", ""));
    }

    /**
     * The journal's first and last command and last decision group, read from a day on (null: from its start).
     *
     * @throws JournalDamageException when the journal cannot be read to its end, or holds decisions
     *                                of commands beyond its last: commands were lost, not just the ring's tail
     */
    private record Scan(LocalDate day, long firstCommand, long lastCommand, long lastDecisionCause) {
        static Scan of(Journal journal, LocalDate day) {
            Scan scan;
            try {
                scan = read(journal, day);
            } catch (JournalDamageException e) {
                throw refused(journal, e.getMessage(), e.journal());
            }
            if (scan.lastDecisionCause > scan.lastCommand) {
                // Egress journals a command's decisions only after the command: a decision beyond the
                // last command proves the commands up to it were durable once, and are lost or damaged.
                long lastCommand = day == null ? scan.lastCommand : read(journal, null).lastCommand;
                throw refused(journal, "its decision journal holds decisions of command " + scan.lastDecisionCause
                        + ", but its command journal ends at command " + lastCommand + " (" + commandDayFiles(journal)
                        + "): commands " + (lastCommand + 1) + "-" + scan.lastDecisionCause + " were lost or damaged");
            }
            return scan;
        }

        private static Scan read(Journal journal, LocalDate day) {
            long first = 0;
            long last = 0;
            try (Journal.CommandReader reader = day == null ? journal.commandReader() : journal.commandReader(day)) {
                Command scan = new Command();
                while (reader.next(scan)) {
                    if (first == 0) {
                        first = scan.sequence;
                    }
                    last = scan.sequence;
                }
            }
            long lastCause = 0;
            try (Journal.DecisionReader reader = day == null ? journal.decisionReader() : journal.decisionReader(day)) {
                while (reader.next()) {
                    lastCause = reader.cause();
                }
            }
            return new Scan(day, first, last, lastCause);
        }
    }

    /** Applies the commands after {@code from} (in the scan's days) to the core and journals decisions the crash lost. */
    private static Result replayTail(Journal journal, RoutingCore core, long from, long fromSnapshot, Scan scan,
                                     SwitchableSink sink) {
        long lastCommand = scan.lastCommand;
        long lastDecisionCause = scan.lastDecisionCause;
        long replayed = 0;
        try (Journal.CommandReader reader = scan.day == null ? journal.commandReader() : journal.commandReader(scan.day);
             Journal.DecisionWriter decisions = journal.decisionWriter()) {
            MissingDecisions missing = new MissingDecisions(lastDecisionCause);
            sink.target(missing);
            Command command = new Command();
            while (reader.next(command)) {
                if (command.sequence <= from) {
                    continue;
                }
                missing.count = 0;
                core.apply(command);
                replayed++;
                if (missing.count > 0) {
                    decisions.append(command.sequence, missing.group, missing.count);
                }
            }
        } finally {
            sink.target(d -> { });
        }
        return new Result(core, lastCommand + 1, fromSnapshot, replayed);
    }

    /** Collects the decisions of commands after the last journaled decision group. */
    private static final class MissingDecisions implements org.loket.core.decision.DecisionSink {
        private final long lastJournaledCause;
        Decision[] group = new Decision[0];
        int count;

        MissingDecisions(long lastJournaledCause) {
            this.lastJournaledCause = lastJournaledCause;
        }

        @Override
        public void onDecision(Decision decision) {
            if (decision.causeSequence <= lastJournaledCause) {
                return;
            }
            if (count == group.length) {
                Decision[] bigger = new Decision[Math.max(8, group.length * 2)];
                System.arraycopy(group, 0, bigger, 0, group.length);
                for (int i = group.length; i < bigger.length; i++) {
                    bigger[i] = new Decision();
                }
                group = bigger;
            }
            group[count++].copyFrom(decision);
        }
    }
}
