package org.loket.host.replay;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionSink;
import org.loket.core.decision.DecisionType;
import org.loket.core.routing.RoutingCore;
import org.loket.host.journal.Journal;
import org.loket.host.journal.JournalDamageException;
import org.loket.host.journal.JournalStart;
import org.loket.host.kpi.JournalKpis;

/**
 * Feeds a journal's commands to a fresh core through the same decode path as live traffic, with
 * no ring and no adapters, and compares the decisions with the recorded ones by a running hash.
 * With a configuration override every recorded {@code CONFIG_APPLIED} carries the given
 * configuration instead: a what-if, whose decisions are expected to differ.
 * <p>A journal whose oldest days its retention deleted is replayed from its origin snapshot
 * ({@link JournalStart}): the core starts from that state, and the decisions compared are those
 * of the commands after it. A what-if then applies the override at the origin as a live reload
 * (refused, and reported, when contacts in flight have no place in it).
 * <p>A journal that cannot be read to its end is refused ({@link JournalDamageException}): a damaged
 * record or a truncated day file, commands missing between others, decisions of commands the command
 * journal lacks. Replaying up to the damage would give a result that looks like a verdict.
 */
public final class Replayer {
    private Replayer() {
    }

    /** Receives each decision the fresh core makes, in order (reports, KPIs); may be a no-op. */
    public interface Listener extends DecisionSink {
        /** Called before each command is applied. */
        default void onCommand(Command command) {
        }
    }

    /**
     * @param configOverride encoded configuration to use instead of the recorded ones, or null
     * @param overrideName   shown in the report
     */
    public static ReplayReport replay(Path folder, byte[] configOverride, String overrideName, Pace pace, Listener listener) {
        try (Journal journal = Journal.openExisting(folder)) {
            Hashing hashing = new Hashing(listener);
            JournalStart start = JournalStart.of(journal);
            RoutingCore core = start.core(hashing);
            long origin = start.afterSequence();
            Histogram serviceNs = new Histogram(60_000_000_000L, 3);
            Command command = new Command();
            if (configOverride != null && origin > 0) {
                String refused = core.reloadBlocker(RoutingConfigCodec.decode(configOverride));
                if (refused != null) {
                    throw new IllegalStateException(folder + " starts at a snapshot (its older days were deleted), and "
                            + overrideName + " cannot take over what is in flight there: " + refused);
                }
                command.type = CommandType.CONFIG_APPLIED;
                command.sequence = origin;
                command.timestampNs = core.nowNs();
                command.payload = configOverride;
                core.apply(command);
            }
            long commands = 0;
            long lastCommand;
            long firstRecordedNs = Long.MIN_VALUE;
            long startNanoTime = System.nanoTime();
            try (Journal.CommandReader reader = journal.commandReader()) {
                while (reader.next(command)) {
                    if (command.sequence <= origin) {
                        continue;
                    }
                    if (configOverride != null && command.type == CommandType.CONFIG_APPLIED) {
                        command.payload = configOverride;
                    }
                    if (!pace.unpaced()) {
                        if (firstRecordedNs == Long.MIN_VALUE) {
                            firstRecordedNs = command.timestampNs;
                        }
                        long dueNanoTime = startNanoTime + (long) ((command.timestampNs - firstRecordedNs) / pace.speedFactor());
                        for (long wait = dueNanoTime - System.nanoTime(); wait > 0; wait = dueNanoTime - System.nanoTime()) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    if (listener != null) {
                        listener.onCommand(command);
                    }
                    long t0 = System.nanoTime();
                    core.apply(command);
                    serviceNs.recordValue(System.nanoTime() - t0);
                    commands++;
                }
                lastCommand = reader.lastSequence();
            }
            long elapsedNs = Math.max(1, System.nanoTime() - startNanoTime);

            long recordedHash = 0;
            long recordedDecisions = 0;
            long recordedRefused = 0;
            try (Journal.DecisionReader reader = journal.decisionReader()) {
                while (reader.next()) {
                    if (reader.cause() <= origin) {
                        continue;
                    }
                    if (reader.cause() > lastCommand) {
                        throw new JournalDamageException(folder + "/decisions: " + JournalKpis.beyondCommands(reader.cause(), lastCommand)
                                .getMessage() + " (or an engine is writing it: replay a stopped engine's journal, or a copy)");
                    }
                    boolean refused = false;
                    for (int i = 0; i < reader.count(); i++) {
                        Decision decision = reader.decision(i);
                        recordedHash = decision.hashInto(recordedHash);
                        refused |= decision.type == DecisionType.REJECT_COMMAND;
                    }
                    recordedRefused += refused ? 1 : 0;
                    recordedDecisions += reader.count();
                }
            }
            Boolean identical = configOverride != null ? null
                    : recordedHash == hashing.hash && recordedDecisions == hashing.count;
            return new ReplayReport(folder.toString(), overrideName, commands, hashing.count, hex(hashing.hash),
                    recordedDecisions, hex(recordedHash), hashing.refused, recordedRefused, identical, commands * 1_000_000_000L / elapsedNs,
                    elapsedNs / 1_000_000, hex(core.stateHash()), latency(serviceNs));
        }
    }

    static ReplayReport.Latency latency(Histogram ns) {
        return new ReplayReport.Latency(ns.getValueAtPercentile(50) / 1000.0, ns.getValueAtPercentile(90) / 1000.0,
                ns.getValueAtPercentile(99) / 1000.0, ns.getValueAtPercentile(99.9) / 1000.0, ns.getMaxValue() / 1000.0);
    }

    static String hex(long value) {
        return String.format("%016x", value);
    }

    private static final class Hashing implements DecisionSink {
        private final Listener listener;
        long hash;
        long count;
        /** Commands refused, and the last one (a command's decisions come together). */
        long refused;
        private long lastRefusedSequence = -1;

        Hashing(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void onDecision(Decision decision) {
            hash = decision.hashInto(hash);
            count++;
            if (decision.type == DecisionType.REJECT_COMMAND && decision.causeSequence != lastRefusedSequence) {
                refused++;
                lastRefusedSequence = decision.causeSequence;
            }
            if (listener != null) {
                listener.onDecision(decision);
            }
        }
    }
}
