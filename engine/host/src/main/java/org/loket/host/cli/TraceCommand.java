package org.loket.host.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.loket.host.trace.TraceContact;
import org.loket.host.trace.TraceCsv;
import org.loket.host.trace.TraceGenerator;
import org.loket.host.trace.TrafficParams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loket trace generate}. */
@Command(name = "trace", description = "Work with traffic traces (docs/trace-format.md).",
        subcommands = {TraceCommand.Generate.class})
final class TraceCommand {

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Generate a synthetic day of DigiD helpdesk traffic. Same parameters and seed, same trace.")
    static final class Generate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--scenario", required = true, description = "normal, peak or outage (or a scenario of --params)")
        String scenario;

        @Option(names = "--seed", required = true, description = "random seed")
        long seed;

        @Option(names = "--scale", defaultValue = "1", description = "multiplies the scenario's volume; default ${DEFAULT-VALUE}")
        double scale;

        @Option(names = "--params", description = "parameter file (default: the shipped digid-traffic.json)")
        Path params;

        @Option(names = "--out", required = true, description = "CSV file to write")
        Path out;

        @Override
        public Integer call() throws IOException {
            TrafficParams p;
            try {
                p = params == null ? TrafficParams.shipped() : TrafficParams.read(params);
            } catch (IOException | IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--params " + params + ": " + e.getMessage());
            }
            List<TraceContact> trace;
            try {
                trace = new TraceGenerator(p).generate(scenario, seed, scale);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            TraceCsv.write(trace, out);
            Map<String, Integer> byChannel = new TreeMap<>();
            trace.forEach(c -> byChannel.merge(c.channel().name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum));
            long redials = trace.stream().filter(c -> c.redialOf() != null).count();
            var w = spec.commandLine().getOut();
            w.printf("wrote %s: %,d contacts (%,d of them redials that happen only if the first attempt fails); by channel %s%n",
                    out, trace.size(), redials, byChannel);
            w.flush();
            return 0;
        }
    }
}
