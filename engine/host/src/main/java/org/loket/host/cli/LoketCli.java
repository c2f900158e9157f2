package org.loket.host.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loket} command line. */
@Command(name = "loket", mixinStandardHelpOptions = true, version = "Loket 0.1.0",
        description = "Contact-center routing engine with a replayable journal.",
        subcommands = {RunCommand.class, ReplayCommand.class, BenchCommand.class, ConfigCommand.class, TraceCommand.class,
                SimulateCommand.class, ReportCommand.class, CompareCommand.class, ErlangCommand.class, StaffCommand.class,
                CommandLine.HelpCommand.class})
public final class LoketCli {

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new LoketCli());
        for (CliExtension extension : java.util.ServiceLoader.load(CliExtension.class)) {
            commandLine.addSubcommand(extension);
        }
        int exit = commandLine.setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(exit);
    }
}
