package org.loket.host.cli;

import picocli.CommandLine.Option;

/** Options that decide who of the roster works a planned day: {@code simulate}, {@code compare}, {@code erlang}. */
final class RosterOptions {
    @Option(names = "--absence", converter = ShareConverter.class, defaultValue = "0",
            description = "share (0..1) of each shift's agents who do not come in (sick, leave), the same agents in every run of one"
                    + " seed; default ${DEFAULT-VALUE}")
    double absenceShare;

    @Option(names = "--seed", defaultValue = "1", description = "decides which agents are absent (simulate and compare: also which"
            + " citizens take an escalation step's callback offer); default ${DEFAULT-VALUE}")
    long seed;
}
