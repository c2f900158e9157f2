package org.loket.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.loket.config.LoadedConfig;
import org.loket.host.sim.DaySimulator;
import org.loket.host.sim.RosterSearch;
import org.loket.host.trace.TraceContact;
import org.loket.host.trace.TraceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loket staff}. */
@Command(name = "staff", mixinStandardHelpOptions = true,
        description = {"Agents a trace's day needs on top of the roster, found by simulation: add one like the busiest agent "
                + "working when the worst interval falls short of its target, simulate again, until every interval meets it.",
                "Greedy: a roster that is enough, not the cheapest. Raise the shifts' counts in your configuration by what it lists.",
                "With --trim it then takes agents out, fewest contacts accepted first, as long as no interval falls (further) under "
                        + "its target: lower the shifts' counts by what it lists."})
final class StaffCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DayOptions day;

    @Option(names = "--max-agents", defaultValue = "40", description = "most agents to add; default ${DEFAULT-VALUE}")
    int maxAgents;

    @Option(names = "--trim", description = "then take out agents the day does not need (a simulation per agent tried)")
    boolean trim;

    @Option(names = "--max-removed", defaultValue = "40", description = "with --trim: most agents to take out; default ${DEFAULT-VALUE}")
    int maxRemoved;

    @Option(names = "--min-per-queue", defaultValue = "1", description = "with --trim: agents on seat who qualify for a queue that"
            + " the trim keeps at every minute, where the roster had them (a queue the trace hardly reaches keeps its cover);"
            + " 0 = no floor; default ${DEFAULT-VALUE}")
    int minPerQueue;

    @Option(names = "--max-tried", defaultValue = "60", description = "with --trim: most agents to try; default ${DEFAULT-VALUE}")
    int maxTried;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Mixin
    SimOptions options;

    @Override
    public Integer call() {
        if (maxAgents < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-agents " + maxAgents + ": give 0 or more");
        }
        LoadedConfig loaded = ConfigOption.load(day.config, spec);
        List<TraceContact> rows = SimulateCommand.readTrace(day.trace, spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        java.util.function.Consumer<String> progress = line -> {
            err.println("loket staff: " + line);
            err.flush();
        };
        RosterSearch.Result result;
        try {
            result = RosterSearch.search(loaded, rows, options.settings(), maxAgents, progress);
        } catch (TraceException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "trace does not fit configuration " + loaded.source() + ":\n"
                    + e.getMessage());
        }
        RosterSearch.Trimmed trimmed = null;
        if (trim) {
            try {
                trimmed = RosterSearch.trim(result.roster(), rows, options.settings(),
                        result.added().stream().map(RosterSearch.Added::name).collect(java.util.stream.Collectors.toSet()), minPerQueue,
                        maxRemoved, maxTried, progress);
            } catch (TraceException e) {
                throw new IllegalStateException("the trace fitted the roster a moment ago", e);
            }
        }
        Map<String, Integer> byShift = RosterSearch.byGroupAndShift(result.added());
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("trace", day.trace.toString());
            summary.put("config", loaded.source());
            summary.put("rostered", loaded.routing().agents().size());
            summary.put("added", result.added());
            summary.put("addedByGroupAndShift", byShift);
            summary.put("underTargetBefore", result.before());
            summary.put("underTargetAfter", result.after());
            summary.put("unfixable", result.unfixable());
            if (trimmed != null) {
                summary.put("removed", trimmed.removed());
                summary.put("removedByGroupAndShift", RosterSearch.removedByGroupAndShift(trimmed.removed()));
                summary.put("tried", trimmed.tried());
                summary.put("keptForCover", trimmed.keptForCover());
                summary.put("underTargetAfterTrim", trimmed.after());
            }
            summary.put("serviceLevelAfter", (trimmed != null ? trimmed.result() : result.result()).kpis().totals().serviceLevel());
            out.println(Json.write(summary));
            return 0;
        }
        out.printf("%s on %s: %d agents in the roster; %s%n", day.trace, loaded.source(), loaded.routing().agents().size(),
                result.result().staffing());
        out.printf("under target before (interval channel: level / target): %s%n",
                result.before().isEmpty() ? "none" : String.join("; ", result.before()));
        if (result.added().isEmpty()) {
            out.println("nothing to add");
        } else {
            out.printf("add %d agent%s:%n", result.added().size(), result.added().size() == 1 ? "" : "s");
            byShift.forEach((groupShift, n) -> out.printf("  +%d %s%n", n, groupShift));
        }
        out.printf("under target after: %s%n", result.after().isEmpty() ? "none" : String.join("; ", result.after()));
        if (!result.unfixable().isEmpty()) {
            out.printf("no agent of the roster works then and takes that channel: %s%n", String.join("; ", result.unfixable()));
        }
        if (!result.after().isEmpty() && result.added().size() >= maxAgents) {
            out.printf("stopped at --max-agents %d%n", maxAgents);
        }
        if (trimmed != null) {
            if (trimmed.removed().isEmpty()) {
                out.printf("nothing to take out (%d agents tried)%n", trimmed.tried());
            } else {
                out.printf("take out %d agent%s (%d tried):%n", trimmed.removed().size(), trimmed.removed().size() == 1 ? "" : "s",
                        trimmed.tried());
                RosterSearch.removedByGroupAndShift(trimmed.removed()).forEach((groupShift, n) -> out.printf("  -%d %s%n", n, groupShift));
            }
            if (!trimmed.keptForCover().isEmpty()) {
                List<RosterSearch.Kept> kept = trimmed.keptForCover();
                out.printf("kept %d agent%s a queue needs on seat (--min-per-queue %d): %s%s%n", kept.size(), kept.size() == 1 ? "" : "s",
                        minPerQueue, String.join("; ", kept.stream().limit(8).map(k -> k.name() + " (" + k.where() + ")").toList()),
                        kept.size() > 8 ? "; and " + (kept.size() - 8) + " more" : "");
            }
            out.printf("under target after taking out: %s%n", trimmed.after().isEmpty() ? "none" : String.join("; ", trimmed.after()));
            out.printf("service level of the day: %s%n", percent(trimmed.result().kpis().totals().serviceLevel()));
        }
        return 0;
    }

    private static String percent(Double share) {
        return share == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f %%", 100 * share);
    }
}
