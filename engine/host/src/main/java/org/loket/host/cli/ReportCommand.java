package org.loket.host.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import org.loket.host.kpi.HtmlReport;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.kpi.KpiCollector;
import org.loket.host.kpi.KpiReport;
import org.loket.host.kpi.TodayKpis;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loket report}. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "KPIs of any journal, live or simulated, per queue, channel and 15-minute interval.")
final class ReportCommand implements Callable<Integer> {
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

    @Option(names = "--sl-target", converter = ShareConverter.class, description = "draw this one service-level target (0..1) in the HTML report's chart instead of the "
            + "queues' own (serviceLevelPercent, weighted by their contacts per interval)")
    Double serviceLevelTarget;

    @Option(names = "--agents", description = "also a table per agent: offers taken, time logged in, occupancy, pauses by reason "
            + "(--json always has them)")
    boolean agents;

    @Override
    public Integer call() throws IOException {
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
            HtmlReport.write(report, "Journal " + journal, List.of(new HtmlReport.Run(journal.toString(), kpis)), serviceLevelTarget);
        }
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(kpis));
        } else {
            KpiText.print(out, kpis);
            if (agents) {
                KpiText.agents(out, kpis);
            }
            if (report != null) {
                out.printf("report: %s%n", report);
            }
        }
        out.flush();
        return 0;
    }
}
