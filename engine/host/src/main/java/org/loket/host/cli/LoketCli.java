package org.loket.host.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loket} command line. */
@Command(name = "loket", mixinStandardHelpOptions = true, version = "Loket 0.1.0",
        description = "Contact-center routing engine with a replayable journal.",
        subcommands = {RunCommand.class, ReplayCommand.class, BenchCommand.class, ConfigCommand.class, TraceCommand.class,
                SimulateCommand.class, ReportCommand.class, CompareCommand.class,
                CommandLine.HelpCommand.class})
public final class LoketCli {

    public static void main(String[] args) {
        int exit = new CommandLine(new LoketCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(exit);
    }
}
