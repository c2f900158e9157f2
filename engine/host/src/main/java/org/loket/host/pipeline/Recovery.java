package org.loket.host.pipeline;

import java.util.Optional;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.core.routing.RoutingCore;
import org.loket.core.state.ByteArrayState;
import org.loket.host.journal.Journal;
import org.loket.host.snapshot.SnapshotStore;

/**
 * Rebuilds the core from the newest usable snapshot plus the journal's tail (refused when the
 * journal's retention deleted commands the snapshot does not cover). Decisions the crashed
 * process never journaled (their commands were durable, the decisions not yet) are journaled now,
 * so the decision journal again covers every command.
 */
public final class Recovery {
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
        long firstCommand = 0;
        long lastCommand = 0;
        try (Journal.CommandReader reader = journal.commandReader()) {
            Command scan = new Command();
            while (reader.next(scan)) {
                if (firstCommand == 0) {
                    firstCommand = scan.sequence;
                }
                lastCommand = scan.sequence;
            }
        }
        long lastDecisionCause = 0;
        try (Journal.DecisionReader reader = journal.decisionReader()) {
            while (reader.next()) {
                if (reader.count() > 0) {
                    lastDecisionCause = reader.decision(0).causeSequence;
                }
            }
        }
        Optional<SnapshotStore.Snapshot> snapshot = new SnapshotStore(journal.snapshotFolder()).latestAtOrBefore(lastCommand);
        RoutingCore core = snapshot.isPresent()
                ? RoutingCore.readState(new ByteArrayState(snapshot.get().state()), sink)
                : new RoutingCore(sink);
        long from = snapshot.map(SnapshotStore.Snapshot::sequence).orElse(0L);
        if (firstCommand > from + 1) {
            // The journal's retention deleted its oldest days: only a snapshot after them rebuilds the state.
            throw new IllegalStateException(journal.folder() + " starts at command " + firstCommand
                    + " (its older days were deleted) but the newest intact snapshot " + (snapshot.isPresent()
                    ? "ends at command " + from : "is missing") + ": the state cannot be rebuilt; restore the snapshots folder");
        }

        long replayed = 0;
        try (Journal.CommandReader reader = journal.commandReader();
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
        return new Result(core, lastCommand + 1, snapshot.isPresent() ? from : -1, replayed);
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
