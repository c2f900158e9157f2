package org.loket.host.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loket.config.LoadedConfig;
import java.util.concurrent.Callable;
import org.loket.host.kpi.HtmlReport;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.kpi.KpiCollector;
import org.loket.host.kpi.KpiReport;
import org.loket.host.kpi.TodayKpis;
import org.loket.host.trace.Adherence;
import org.loket.host.trace.TraceExtractor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loket report}. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "KPIs of any journal, live or simulated, per queue, channel and 15-minute interval.")
final class ReportCommand implements Callable<Integer> {
    /** The text lists at most this many agents, those under this adherence (--json has every agent). */
    private static final int ADHERENCE_ROWS = 20;
    private static final double ADHERENCE_SHOWN_BELOW = 0.9;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--journal", required = true, description = "journal folder")
    Path journal;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--report", description = "write a self-contained HTML report with charts")
    Path report;

    @Option(names = "--day", description = "only this local day (YYYY-MM-DD, in --zone), read from the snapshot written "
            + "before it began: a day of a long journal without reading the rest")
    LocalDate day;

    @Option(names = "--zone", defaultValue = "Europe/Amsterdam", description = "local time of the intervals; default ${DEFAULT-VALUE}")
    ZoneId zone;

    @Mixin
    SlTargetOption slTarget;

    @Option(names = "--agents", description = "also a table per agent: offers taken, contacts finished and their AHT, transfers, declines, "
            + "offers rung out, time logged in, occupancy, pauses by reason "
            + "(--json always has them)")
    boolean agents;

    @Option(names = "--adherence", description = "also schedule adherence per agent: the day's logins and pauses against the "
            + "shifts and planned breaks of --config (with --day: that day; else the journal's first)")
    boolean adherence;

    @Option(names = "--config", description = "with --adherence: the plan (default: the embedded default's roster)")
    Path config;

    @Override
    public Integer call() throws IOException {
        if (config != null && !adherence) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--config is the plan for --adherence: give both");
        }
        KpiReport kpis;
        try {
            kpis = day == null ? JournalKpis.read(journal, zone, KpiCollector.DEFAULT_SHORT_ABANDON_MS)
                    : TodayKpis.ofDay(journal, zone, KpiCollector.DEFAULT_SHORT_ABANDON_MS, day);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (IllegalStateException e) { // a trimmed journal without its snapshot
            spec.commandLine().getErr().println("loket report: " + e.getMessage());
            return 1;
        }
        if (kpis == null) {
            spec.commandLine().getErr().printf("loket report: the journal %s holds nothing on %s (%s)%n", journal, day, zone);
            return 1;
        }
        if (report != null) {
            HtmlReport.write(report, "Journal " + journal, List.of(new HtmlReport.Run(journal.toString(), kpis)), slTarget.serviceLevelTarget);
        }
        var out = spec.commandLine().getOut();
        Adherence.Result scored = null;
        if (adherence) {
            LoadedConfig plan = ConfigOption.load(config, spec);
            scored = Adherence.of(TraceExtractor.extract(journal, zone, day), plan);
        }
        if (json) {
            if (scored == null) {
                out.println(Json.write(kpis));
            } else {
                Map<String, Object> both = new LinkedHashMap<>();
                both.put("kpis", kpis);
                both.put("adherence", scored);
                out.println(Json.write(both));
            }
        } else {
            KpiText.print(out, kpis);
            if (agents) {
                KpiText.agents(out, kpis);
            }
            if (scored != null) {
                printAdherence(out, scored);
            }
            if (report != null) {
                out.printf("report: %s%n", report);
            }
        }
        out.flush();
        return 0;
    }

    /** The day's adherence and the agents furthest from their plan. */
    private static void printAdherence(java.io.PrintWriter out, Adherence.Result scored) {
        out.printf(Locale.ROOT, "schedule adherence: %.1f%% of %,d scheduled agents' time spent as planned%s%n", scored.adherence() * 100,
                scored.agents().size(), scored.unplanned().isEmpty() ? ""
                        : "; " + scored.unplanned().size() + " agents without a shift in the plan not scored");
        List<Adherence.Agent> shown = scored.agents().stream().filter(a -> a.adherence() < ADHERENCE_SHOWN_BELOW).limit(ADHERENCE_ROWS).toList();
        if (shown.isEmpty()) {
            return;
        }
        out.printf("%-24s %-12s %10s %10s %9s %8s %8s%n", "agent", "shift", "scheduled", "as planned", "adherence", "late", "early");
        for (Adherence.Agent a : shown) {
            out.printf(Locale.ROOT, "%-24s %-12s %8d m %8d m %8.1f%% %6d m %6d m%n", a.agent(), a.shift(), a.scheduledMin(), a.adheringMin(),
                    a.adherence() * 100, a.lateStartMin(), a.earlyEndMin());
        }
        long under = scored.agents().stream().filter(a -> a.adherence() < ADHERENCE_SHOWN_BELOW).count();
        if (under > shown.size()) {
            out.printf("... %d more under %.0f%% (--json lists every agent)%n", under - shown.size(), ADHERENCE_SHOWN_BELOW * 100);
        }
    }

}
