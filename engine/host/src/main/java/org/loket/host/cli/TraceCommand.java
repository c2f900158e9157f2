package org.loket.host.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.loket.host.trace.TraceContact;
import org.loket.host.trace.TraceCsv;
import org.loket.host.trace.TraceExtractor;
import org.loket.host.trace.TraceGenerator;
import org.loket.host.trace.TrafficParams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loket trace generate}. */
@Command(name = "trace", mixinStandardHelpOptions = true, description = "Work with traffic traces (docs/trace-format.md).",
        subcommands = {TraceCommand.Generate.class, TraceCommand.Extract.class})
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

        // The figure is TraceGenerator.MAX_CONTACTS (an annotation cannot format it): SimulationCommandsTest checks they agree.
        @Option(names = "--scale", defaultValue = "1", description = "multiplies the scenario's volume, up to 5,000,000 contacts a day "
                + "(the trace is built in memory; a larger scale is refused, naming the largest that fits); default ${DEFAULT-VALUE}")
        double scale;

        @Option(names = "--params", description = "parameter file (default: the shipped digid-traffic.json)")
        Path params;

        @Option(names = "--out", required = true, description = "the trace: CSV file to write")
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
            Map<org.loket.core.Channel, Integer> byChannel = new java.util.EnumMap<>(org.loket.core.Channel.class);
            trace.forEach(c -> byChannel.merge(c.channel(), 1, Integer::sum));
            long redials = trace.stream().filter(c -> c.redialOf() != null).count();
            var w = spec.commandLine().getOut();
            w.printf("wrote %s: %,d contacts (%,d of them redials that happen only if the first attempt fails); by channel: %s%n",
                    out, trace.size(), redials, String.join(", ", byChannel.entrySet().stream().map(e -> String.format("%s %,d",
                            e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue())).toList()));
            w.flush();
            return 0;
        }
    }

    @Command(name = "extract", mixinStandardHelpOptions = true,
            description = "Turn a recorded day of a journal into a trace, to simulate it again against another configuration "
                    + "(loket compare). What citizens did is kept; what routing decided is left to the new run (docs/trace-format.md).")
    static final class Extract implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--journal", required = true, description = "journal folder")
        Path journal;

        @Option(names = "--day", description = "the local day (YYYY-MM-DD, in --zone); default the day of the journal's first contact or agent login")
        java.time.LocalDate day;

        @Option(names = "--zone", defaultValue = "Europe/Amsterdam", description = "local time of the day and of arrival_ms; default ${DEFAULT-VALUE}")
        java.time.ZoneId zone;

        @Option(names = "--answered-patience", defaultValue = "estimated",
                description = "an answered contact's patience, which the journal only bounds by its wait: estimated (drawn from "
                        + "the day's abandons, Kaplan-Meier per channel) or never; default ${DEFAULT-VALUE}")
        String answeredPatience;

        @Option(names = "--seed", defaultValue = "1", description = "the estimated patience draws; default ${DEFAULT-VALUE}")
        long seed;

        @Option(names = "--out", description = "the trace: CSV file to write")
        Path out;

        @Option(names = "--staffing-out", description = "also write the agents' logins, pauses and logouts of the day "
                + "(for simulate and compare --staffing: the recorded staffing instead of the roster's shifts)")
        Path staffingOut;

        @Option(names = "--contacts-out", description = "also write one record per contact of the day: times, queues, agent, "
                + "outcome, wrap-up code, citizen pseudonym (docs/trace-format.md, \"Contact records\")")
        Path contactsOut;

        @Override
        public Integer call() throws IOException {
            if (out == null && staffingOut == null && contactsOut == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give at least one of --out, --staffing-out, --contacts-out");
            }
            TraceExtractor.AnsweredPatience patience = switch (answeredPatience) {
                case "estimated" -> TraceExtractor.AnsweredPatience.ESTIMATED;
                case "never" -> TraceExtractor.AnsweredPatience.NEVER;
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "--answered-patience '" + answeredPatience + "': valid: estimated, never");
            };
            TraceExtractor.Result result;
            try {
                result = TraceExtractor.extract(journal, zone, day, patience, seed);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            } catch (IllegalStateException e) { // a trimmed journal without its snapshot
                spec.commandLine().getErr().println("loket trace extract: " + e.getMessage());
                return 1;
            }
            if (result.day() == null) {
                spec.commandLine().getErr().printf("loket trace extract: the journal %s holds no contact%n", journal);
                return 1;
            }
            if (day != null && result.arrived() == 0 && result.staffing().isEmpty()) {
                // As loket report --day: a day the journal does not cover is a mistake (a typo, the wrong
                // journal or zone), not an empty trace to simulate.
                spec.commandLine().getErr().printf("loket trace extract: the journal %s holds nothing on %s (%s): no contact"
                        + " and no agent's login, pause or logout%n", journal, day, zone);
                return 1;
            }
            var w = spec.commandLine().getOut();
            if (out != null) {
                TraceCsv.write(result.rows(), out);
                w.printf("wrote %s: %,d rows of %s (%s): %,d contacts arrived, %,d left during self-service and %,d were still open"
                                + " at the end (no row); %,d redials%n", out, result.rows().size(), result.day(), zone, result.arrived(),
                        result.leftInSelfService(), result.openAtEnd(), result.rows().stream().filter(c -> c.redialOf() != null).count());
            }
            if (staffingOut != null) {
                TraceCsv.writeStaffing(result.staffing(), staffingOut);
                w.printf("wrote %s: %,d logins, pauses, readies and logouts of %,d agents%n", staffingOut, result.staffing().size(),
                        result.staffing().stream().map(e -> e.agent()).distinct().count());
            }
            if (contactsOut != null) {
                TraceCsv.writeContacts(result.records(), contactsOut);
                w.printf("wrote %s: %,d contact records of %s (%s)%n", contactsOut, result.records().size(), result.day(), zone);
            }
            if (out != null) {
                w.println("simulate it with --callback-accept-share 0: its rows carry the callbacks the citizens asked for"
                        + (staffingOut == null ? "" : "; and --staffing " + staffingOut + " for the recorded staffing"));
            }
            w.flush();
            return 0;
        }
    }
}
