package org.loket.host.kpi;

import java.nio.file.Path;
import java.time.ZoneId;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.host.journal.Journal;

/** Measures the KPIs of a journal (live or simulated) with {@link KpiCollector}. */
public final class JournalKpis {
    private JournalKpis() {
    }

    /**
     * Reads every command with the decisions recorded for it.
     *
     * @throws IllegalArgumentException when the folder holds no journal
     */
    public static KpiReport read(Path folder, ZoneId zone, long shortAbandonMs) {
        KpiCollector kpis = new KpiCollector(zone, shortAbandonMs);
        Decision[] group = new Decision[16];
        try (Journal journal = Journal.openExisting(folder);
             Journal.CommandReader commands = journal.commandReader();
             Journal.DecisionReader decisions = journal.decisionReader()) {
            Command command = new Command();
            boolean haveGroup = decisions.next();
            while (commands.next(command)) {
                // Skip groups of commands the journal lost (a crash between the two queues).
                while (haveGroup && decisions.decision(0).causeSequence < command.sequence) {
                    haveGroup = decisions.next();
                }
                int count = 0;
                if (haveGroup && decisions.decision(0).causeSequence == command.sequence) {
                    count = decisions.count();
                    if (count > group.length) {
                        group = java.util.Arrays.copyOf(group, Math.max(count, group.length * 2));
                    }
                    for (int i = 0; i < count; i++) {
                        if (group[i] == null) {
                            group[i] = new Decision();
                        }
                        group[i].copyFrom(decisions.decision(i)); // the reader reuses its holders on next()
                    }
                    haveGroup = decisions.next();
                }
                kpis.accept(command, group, count);
            }
        }
        return kpis.report();
    }
}
