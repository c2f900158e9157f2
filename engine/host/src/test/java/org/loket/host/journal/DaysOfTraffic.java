package org.loket.host.journal;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.loket.core.command.Command;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.core.routing.RoutingCore;
import org.loket.core.state.ByteArrayState;
import org.loket.host.bench.BenchWorkload;
import org.loket.host.bench.CommandTape;
import org.loket.host.snapshot.SnapshotStore;

/**
 * Test aid: a journal of several UTC days of benchmark traffic (Chronicle day files written through
 * a set clock, 08:00 each day, one command per record), as an engine journals it: dense sequences,
 * each command's decisions as a group, optionally a snapshot at the end of a day.
 *
 * @param core      the core that applied the whole journal, for comparison
 * @param lastOfDay per day, the sequence of its last command
 */
record DaysOfTraffic(RoutingCore core, List<Long> lastOfDay) {
    /**
     * @param snapshotAfter whether a snapshot follows day n (1-based)
     */
    static DaysOfTraffic write(Path folder, RoutingConfig config, LocalDate firstDay, int days, int commandsPerDay,
                               IntPredicate snapshotAfter) {
        CommandTape tape = BenchWorkload.record(config, days * commandsPerDay, 7);
        SetTimeProvider time = new SetTimeProvider();
        SnapshotStore snapshots = new SnapshotStore(folder.resolve("snapshots"));
        List<Decision> group = new ArrayList<>();
        RoutingCore core = new RoutingCore(d -> group.add(new Decision().copyFrom(d)));
        List<Long> lastOfDay = new ArrayList<>();
        Command command = new Command();
        try (Journal journal = Journal.open(folder, time);
             Journal.CommandWriter commands = journal.commandWriter();
             Journal.DecisionWriter decisions = journal.decisionWriter()) {
            for (int day = 1; day <= days; day++) {
                time.currentTimeMillis(firstDay.plusDays(day - 1).atTime(8, 0).toInstant(ZoneOffset.UTC).toEpochMilli());
                for (int i = 0; i < commandsPerDay; i++) {
                    tape.read((day - 1) * commandsPerDay + i, command);
                    command.sequence = (long) (day - 1) * commandsPerDay + i + 1;
                    group.clear();
                    core.apply(command);
                    commands.append(command);
                    if (!group.isEmpty()) {
                        decisions.append(command.sequence, group.toArray(Decision[]::new), group.size());
                    }
                }
                lastOfDay.add(core.lastSequence());
                if (snapshotAfter.test(day)) {
                    ByteArrayState state = new ByteArrayState();
                    core.writeState(state);
                    snapshots.write(core.lastSequence(), state.toByteArray());
                }
            }
        }
        return new DaysOfTraffic(core, lastOfDay);
    }
}
