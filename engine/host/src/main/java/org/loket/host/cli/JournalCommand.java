package org.loket.host.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.loket.host.journal.JournalDamageException;
import org.loket.host.journal.JournalRepair;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loket journal repair}. */
@Command(name = "journal", mixinStandardHelpOptions = true, description = "Work with a journal folder.",
        subcommands = {JournalCommand.Repair.class})
final class JournalCommand {

    @Command(name = "repair", mixinStandardHelpOptions = true,
            description = "After a power cut: keep the journal up to its first damaged record and set the original aside "
                    + "(DIR.damaged-TIME), so loket run starts again. Refused while an engine runs on it, when nothing is "
                    + "damaged, and (without --drop-after-damage) when the damage is not at the very end.")
    static final class Repair implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--journal", required = true, description = "journal folder")
        Path journal;

        @Option(names = "--drop-after-damage", description = "also when the damage is not at the end of the newest day file: "
                + "drop everything after it (a deliberate choice: say so; the original is kept aside)")
        boolean dropAfterDamage;

        @Override
        public Integer call() {
            JournalRepair.Result result = JournalRepair.repair(journal, dropAfterDamage, Clock.systemDefaultZone());
            JournalRepair.Plan plan = result.plan();
            var out = spec.commandLine().getOut();
            out.printf("repaired %s: %s%n", journal, JournalRepair.firstProblem(plan));
            out.printf("kept: commands up to %d, %s (the last of command %d), %s%n", plan.lastCommandKept(),
                    JournalRepair.count(plan.decisionGroupsKept(), "decision group"), plan.lastDecisionKept(),
                    JournalRepair.count(plan.snapshotsKept().size(), "snapshot"));
            out.printf("dropped: %s%s%n", JournalRepair.dropped(plan), plan.snapshotsDropped().isEmpty() ? ""
                    : ", " + JournalRepair.count(plan.snapshotsDropped().size(), "snapshot") + " after what is kept (not copied)");
            out.printf("the original is kept as %s; loket run --journal %s starts from the repaired one%n", result.aside(), journal);
            String untilRun = JournalRepair.untilNextRun(plan);
            if (untilRun != null) {
                out.println(untilRun);
            }
            out.flush();
            return 0;
        }
    }

    private JournalCommand() {
    }

    /**
     * What to do about a damaged journal record, for the error line: the repair command, with what
     * it would keep; null when the damage is not a record's or the journal cannot be read for it.
     */
    static String repairHint(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JournalDamageException damage && damage.journal() != null) {
                return hint(damage.journal());
            }
        }
        return null;
    }

    private static String hint(Path journal) {
        JournalRepair.Plan plan;
        try {
            plan = JournalRepair.plan(journal);
        } catch (RuntimeException e) {
            return "restore the journal's day files from a backup, or keep this folder for investigation and start with another"
                    + " --journal folder (" + e.getMessage() + ")";
        }
        if (!plan.damaged()) {
            return null;
        }
        if (plan.atEnd()) {
            return "run `loket journal repair --journal " + journal + "` to keep the journal up to command "
                    + plan.lastCommandKept() + " (the original is kept aside)";
        }
        return "the damage is not at the journal's end (not what a power cut leaves): restore it from a backup, or run `loket"
                + " journal repair --journal " + journal + " --drop-after-damage` to keep it up to command " + plan.lastCommandKept()
                + " and drop " + JournalRepair.dropped(plan) + " (the original is kept aside)";
    }
}
