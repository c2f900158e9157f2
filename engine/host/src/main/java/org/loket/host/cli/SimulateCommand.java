package org.loket.host.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.loket.config.LoadedConfig;
import org.loket.host.journal.Journal;
import org.loket.host.kpi.HtmlReport;
import org.loket.host.sim.DaySimulator;
import org.loket.host.trace.TraceContact;
import org.loket.host.trace.TraceCsv;
import org.loket.host.trace.TraceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loket simulate}. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run a trace through the real routing core on a simulated clock and report the day's KPIs.")
final class SimulateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DayOptions day;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--journal", description = "journal the simulated day into this new folder (replayable)")
    Path journal;

    @Option(names = "--report", description = "write a self-contained HTML report with charts")
    Path report;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "show progress on a terminal (default: on when stderr is a terminal)")
    boolean progress;

    @Mixin
    SimOptions options;

    @Mixin
    WhatIfOptions whatIf;

    @Override
    public Integer call() throws IOException {
        LoadedConfig loaded = ConfigOption.load(day.config, spec);
        List<TraceContact> rows = readTrace(day.trace, spec);
        DaySimulator.Result result = simulate(loaded, rows, journal, progress, spec, options, whatIf.staffing);
        if (report != null) {
            HtmlReport.write(report, "Simulated day: " + day.trace.getFileName() + " on " + loaded.source(),
                    List.of(new HtmlReport.Run(loaded.source(), result.kpis())), whatIf.slTarget.serviceLevelTarget);
        }
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(summary(day.trace, loaded, journal, result)));
        } else {
            out.printf("simulated %s on %s: %,d rows, %,d arrived, %,d redials not needed; %,d commands, %,d decisions in %,d ms%n",
                    day.trace, loaded.source(), result.contacts(), result.arrived(), result.redialsSkipped(), result.commands(),
                    result.decisions(), result.elapsedMs());
            out.println("hours: " + result.hours());
            out.println("staffing: " + result.staffing());
            result.warnings().forEach(w -> out.println("warning: " + w));
            KpiText.print(out, result.kpis());
            if (journal != null) {
                out.printf("journal: %s (loket replay --journal %s; loket report --journal %s)%n", journal, journal, journal);
            }
            if (report != null) {
                out.printf("report: %s%n", report);
            }
        }
        out.flush();
        return 0;
    }

    static List<TraceContact> readTrace(Path trace, CommandLine.Model.CommandSpec spec) {
        try {
            return TraceCsv.read(trace);
        } catch (TraceException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "trace " + trace + " is not valid:\n" + e.getMessage());
        }
    }

    /** @param staffing a recorded staffing the agents follow instead of their shifts, or null */
    static DaySimulator.Result simulate(LoadedConfig loaded, List<TraceContact> rows, Path journalFolder, boolean progress,
                                        CommandLine.Model.CommandSpec spec, SimOptions options, Path staffing) throws IOException {
        if (journalFolder != null && Files.isDirectory(journalFolder)) {
            try (var entries = Files.list(journalFolder)) {
                if (entries.findAny().isPresent()) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--journal " + journalFolder + " is not empty: a simulated day goes into a new journal");
                }
            }
        }
        DaySimulator simulator = new DaySimulator(loaded, options.settings());
        if (staffing != null) {
            try {
                simulator.staffing(org.loket.host.trace.TraceCsv.readStaffing(staffing));
            } catch (TraceException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "staffing " + staffing + " is not valid:\n" + e.getMessage());
            }
        }
        boolean showProgress = progress && System.console() != null;
        try (Journal journal = journalFolder == null ? null : Journal.open(journalFolder);
             ProgressBar bar = showProgress ? new ProgressBarBuilder().setTaskName("simulating").setInitialMax(24 * 60)
                     .setUnit(" min", 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().setConsumer(
                             new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build() : null) {
            LongConsumer onProgress = bar == null ? null : ms -> bar.stepTo(Math.min(24 * 60, ms / 60_000));
            return simulator.run(rows, journal, onProgress);
        } catch (TraceException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "trace does not fit configuration " + loaded.source() + ":\n" + e.getMessage());
        }
    }

    static Map<String, Object> summary(Path trace, LoadedConfig loaded, Path journal, DaySimulator.Result result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("trace", trace.toString());
        json.put("config", loaded.source());
        json.put("journal", journal == null ? null : journal.toString());
        json.put("rows", result.contacts());
        json.put("arrived", result.arrived());
        json.put("redialsSkipped", result.redialsSkipped());
        json.put("commands", result.commands());
        json.put("decisions", result.decisions());
        json.put("decisionHash", result.decisionHash());
        json.put("elapsedMs", result.elapsedMs());
        json.put("warnings", result.warnings());
        json.put("hours", result.hours());
        json.put("staffing", result.staffing());
        var k = result.kpis();
        json.put("contacts", k.contacts());
        json.put("refused", k.refused());
        json.put("openAtEnd", k.openAtEnd());
        json.put("shortAbandonMs", k.shortAbandonMs());
        json.put("totals", k.totals());
        json.put("queues", k.queues());
        json.put("channels", k.channels());
        json.put("intervals", k.intervals());
        json.put("waits", k.waits());
        return json;
    }
}
