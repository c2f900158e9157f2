package org.loket.host.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.loket.config.LoadedConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.host.replay.Pace;
import org.loket.host.replay.ReplayReport;
import org.loket.host.replay.Replayer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loket replay}. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Feed a journal's commands to a fresh core and check the decisions are identical to the recorded ones; "
                + "with --config, replay against another configuration (what-if).")
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--journal", required = true, description = "journal folder")
    Path journal;

    @Option(names = "--config", description = "configuration folder to use instead of the recorded one (what-if)")
    Path config;

    @Option(names = "--pace", defaultValue = "max", description = "max, realtime or xN (N times recorded speed)")
    String pace;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        Pace parsedPace;
        try {
            parsedPace = Pace.parse(pace);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        byte[] override = null;
        if (config != null) {
            LoadedConfig loaded = ConfigOption.load(config, spec);
            override = RoutingConfigCodec.encode(loaded.routing());
        }
        ReplayReport report;
        try {
            report = Replayer.replay(journal, override, config == null ? null : config.toString(), parsedPace, null);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (IllegalStateException e) { // a trimmed journal without its snapshot, a what-if refused at its origin
            spec.commandLine().getErr().println("loket replay: " + e.getMessage());
            return 1;
        }
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(report));
        } else {
            out.printf("journal           %s%n", report.journal());
            if (report.configOverride() != null) {
                out.printf("configuration     %s (what-if)%n", report.configOverride());
            }
            out.printf("commands          %,d%n", report.commands());
            out.printf("decisions         %,d (recorded %,d)%n", report.decisions(), report.recordedDecisions());
            out.printf("decision hash     %s (recorded %s)%n", report.decisionHash(), report.recordedHash());
            out.printf("refused commands  %,d (recorded %,d)%n", report.refusedCommands(), report.recordedRefusedCommands());
            out.printf("identical         %s%n", report.identical() == null ? "n/a (what-if)" : report.identical());
            out.printf("commands/second   %,d%n", report.commandsPerSecond());
            var l = report.latencyMicros();
            out.printf("core service time (µs) p50 %.2f, p90 %.2f, p99 %.2f, p99.9 %.2f, max %.1f%n", l.p50(), l.p90(), l.p99(),
                    l.p999(), l.max());
            out.printf("state hash        %s%n", report.stateHash());
        }
        out.flush();
        return Boolean.FALSE.equals(report.identical()) ? 2 : 0;
    }
}
