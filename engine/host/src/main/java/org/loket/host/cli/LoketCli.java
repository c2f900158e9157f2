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
        System.exit(commandLine().execute(args));
    }

    /** The command line with the extensions on the class path (e.g. {@code asterisk-config}) and short error messages. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new LoketCli());
        for (CliExtension extension : java.util.ServiceLoader.load(CliExtension.class)) {
            commandLine.addSubcommand(extension);
        }
        return commandLine.setCaseInsensitiveEnumValuesAllowed(true).setParameterExceptionHandler(LoketCli::shortError);
    }

    /**
     * A mistake on the command line or in a file an option names: the message and where the options
     * are described, not the whole usage (which would scroll the message off the screen).
     */
    static int shortError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        java.io.PrintWriter err = command.getErr();
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("(loket " + String.join(" ", qualifiedName(command)) + " --help lists the options)");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static java.util.List<String> qualifiedName(CommandLine command) {
        java.util.LinkedList<String> names = new java.util.LinkedList<>();
        for (CommandLine c = command; c != null && c.getParent() != null; c = c.getParent()) {
            names.addFirst(c.getCommandName());
        }
        return names;
    }
}
