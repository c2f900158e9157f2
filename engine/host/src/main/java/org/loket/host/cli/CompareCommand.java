package org.loket.host.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.loket.config.LoadedConfig;
import org.loket.host.kpi.HtmlReport;
import org.loket.host.sim.DaySimulator;
import org.loket.host.trace.TraceContact;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loket compare}: a what-if of two configurations on one trace. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Simulate one trace against two configurations and show the KPIs side by side with the difference.")
final class CompareCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--trace", required = true, description = "trace CSV (docs/trace-format.md)")
    Path trace;

    @Option(names = "--config", required = true, arity = "1", description = "configuration folder; give it twice: A, then B")
    List<Path> configs;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--report", description = "write a self-contained HTML report with both runs in every chart")
    Path report;

    @Mixin
    SimOptions options;

    @Mixin
    WhatIfOptions whatIf;

    @Override
    public Integer call() throws IOException {
        if (configs.size() != 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --config exactly twice (A and B), not " + configs.size());
        }
        List<TraceContact> rows = SimulateCommand.readTrace(trace, spec);
        LoadedConfig a = ConfigOption.load(configs.get(0), spec);
        LoadedConfig b = ConfigOption.load(configs.get(1), spec);
        DaySimulator.Result ra = SimulateCommand.simulate(a, rows, null, false, spec, options, whatIf.staffing);
        DaySimulator.Result rb = SimulateCommand.simulate(b, rows, null, false, spec, options, whatIf.staffing);
        String labelA = "A: " + a.source();
        String labelB = "B: " + b.source();
        if (report != null) {
            HtmlReport.write(report, "What-if: " + trace.getFileName(), List.of(new HtmlReport.Run(labelA, ra.kpis()),
                    new HtmlReport.Run(labelB, rb.kpis())), whatIf.slTarget.serviceLevelTarget);
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> both = new LinkedHashMap<>();
            both.put("a", SimulateCommand.summary(trace, a, null, ra));
            both.put("b", SimulateCommand.summary(trace, b, null, rb));
            out.println(Json.write(both));
        } else {
            out.printf("trace %s: %,d rows; A %,d ms, B %,d ms%n", trace, rows.size(), ra.elapsedMs(), rb.elapsedMs());
            if (options.roster.absenceShare > 0 || whatIf.staffing != null || !ra.staffing().equals(rb.staffing())) {
                out.printf("staffing: A %s; B %s%n", ra.staffing(), rb.staffing());
            }
            KpiText.compare(out, a.source(), ra.kpis(), b.source(), rb.kpis());
            if (report != null) {
                out.printf("report: %s%n", report);
            }
        }
        out.flush();
        return 0;
    }
}
