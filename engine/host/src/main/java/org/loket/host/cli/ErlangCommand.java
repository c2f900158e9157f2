package org.loket.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.loket.config.LoadedConfig;
import org.loket.host.sim.DaySimulator;
import org.loket.host.sim.ErlangStaffing;
import org.loket.host.trace.TraceContact;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loket erlang}. */
@Command(name = "erlang", mixinStandardHelpOptions = true,
        description = {"Voice agents a trace's day needs per 15 minutes by Erlang C, against the roster's agents on seat "
                + "(shifts, planned breaks, --absence).",
                "A first cut: all voice queues pooled, no abandonment or redials; 'loket simulate' gives the honest figure."})
final class ErlangCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DayOptions day;

    @Mixin
    RosterOptions roster;

    @Option(names = "--date", defaultValue = "2027-03-01",
            description = "the day (its weekday and holidays decide the business hours), as simulate --date; default ${DEFAULT-VALUE}")
    java.time.LocalDate date;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        LoadedConfig loaded = ConfigOption.load(day.config, spec);
        List<TraceContact> rows = SimulateCommand.readTrace(day.trace, spec);
        DaySimulator.Settings d = DaySimulator.Settings.defaults();
        DaySimulator.Settings settings = new DaySimulator.Settings(date, d.zone(), d.ringMs(), d.shortAbandonMs(),
                d.callbackAcceptShare(), roster.seed, roster.absenceShare);
        ErlangStaffing.Result result = ErlangStaffing.estimate(loaded, rows, settings);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("trace", day.trace.toString());
            summary.put("config", loaded.source());
            summary.put("voiceAgents", result.voiceAgents());
            summary.put("absent", result.absent());
            summary.put("unresolvedTopics", result.unresolved());
            summary.put("outsideHours", result.outsideHours());
            summary.put("shortIntervals", result.shortIntervals().size());
            summary.put("intervals", result.intervals());
            out.println(Json.write(summary));
            return 0;
        }
        out.printf("Erlang C, voice, %s on %s: %d voice agents rostered, %d absent; all voice queues pooled (a lower bound:"
                + " skills split the pool)%n", day.trace, loaded.source(), result.voiceAgents(), result.absent());
        out.printf("%-6s %8s %6s %7s %7s %7s %7s %8s %9s%n", "start", "offered", "AHT s", "Erlang", "target", "within",
                "needed", "on seat", "SL on seat");
        for (ErlangStaffing.Interval i : result.intervals()) {
            out.printf(Locale.ROOT, "%-6s %,8d %6.0f %7.1f %6.0f%% %6.0fs %7d %8.1f %9s%s%n", i.start(), i.offered(), i.ahtSeconds(),
                    i.erlangs(), i.target() * 100, i.thresholdSeconds(), i.needed(), i.onSeat(),
                    i.serviceLevel() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", i.serviceLevel() * 100),
                    i.isShort() ? "  short " + String.format(Locale.ROOT, "%.1f", i.needed() - i.onSeat()) : "");
        }
        List<ErlangStaffing.Interval> shortOnes = result.shortIntervals();
        out.printf("%d of %d intervals short%s%n", shortOnes.size(), result.intervals().size(),
                shortOnes.isEmpty() ? "" : ": " + String.join(", ", shortOnes.stream().map(ErlangStaffing.Interval::start).toList()));
        if (result.outsideHours() > 0) {
            out.printf("%,d contacts would join outside their queue's business hours on %s: turned away, not counted%n",
                    result.outsideHours(), settings.date());
        }
        if (result.unresolved() > 0) {
            out.printf("%,d contacts' topics are entries with menus: counted with the day's mean target%n", result.unresolved());
        }
        return 0;
    }
}
