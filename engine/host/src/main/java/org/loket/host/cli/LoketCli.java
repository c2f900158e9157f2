package org.loket.host.cli;

import org.loket.host.pipeline.Causes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loket} command line. */
@Command(name = "loket", mixinStandardHelpOptions = true, versionProvider = LoketCli.Version.class,
        description = "Contact-center routing engine with a replayable journal.",
        subcommands = {RunCommand.class, ReplayCommand.class, BenchCommand.class, ConfigCommand.class, TraceCommand.class,
                SimulateCommand.class, ReportCommand.class, CompareCommand.class, ErlangCommand.class, StaffCommand.class,
                JournalCommand.class, CommandLine.HelpCommand.class})
public final class LoketCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** What {@code -V, --version} prints, from {@code loket} and from every subcommand alike. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Loket 0.1.0"};
        }
    }

    /**
     * The command line with the extensions on the class path (e.g. {@code asterisk-config}), short error
     * messages, dates and zones refused in plain words (picocli's own converters name Java's classes
     * and exceptions), and {@link Version} behind every command's {@code --version}.
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new LoketCli());
        for (CliExtension extension : java.util.ServiceLoader.load(CliExtension.class)) {
            commandLine.addSubcommand(extension);
        }
        // Each subcommand's help lists -V (mixinStandardHelpOptions), but picocli gives only the
        // command that names a version one to print: without this, "loket run --version" printed nothing.
        shareVersion(commandLine, commandLine.getCommandSpec().versionProvider());
        // Registered after the extensions: picocli gives a converter to the subcommands there are.
        commandLine.registerConverter(java.time.LocalDate.class, LoketCli::date);
        commandLine.registerConverter(java.time.ZoneId.class, LoketCli::zone);
        return commandLine.setCaseInsensitiveEnumValuesAllowed(true).setParameterExceptionHandler(LoketCli::shortError)
                .setExecutionExceptionHandler(LoketCli::failure);
    }

    private static void shareVersion(CommandLine command, CommandLine.IVersionProvider version) {
        for (CommandLine sub : command.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(version);
            shareVersion(sub, version);
        }
    }

    /**
     * A command that failed while it ran. What the user's machine or input caused (a file that cannot
     * be written, a port in use, a value a library refused, a damaged journal or one in use) is an {@code error:} line with every
     * cause's message and exit code 1, not a stack trace; the trace follows with {@code LOKET_DEBUG=1}. A damaged journal
     * record's line ends with the {@code loket journal repair} that gets the journal going again.
     * Anything else is a bug in Loket, and its stack trace is what a report needs.
     */
    static int failure(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        java.io.PrintWriter err = command.getErr();
        // IllegalStateException too: Loket's refusals of a state (a what-if that cannot take over what
        // is in flight, a journal without the snapshot it needs) say what to do in their message.
        boolean users = e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof org.loket.host.journal.JournalDamageException || e instanceof org.loket.host.journal.JournalInUseException
                || e instanceof org.loket.host.journal.JournalCodec.FormatException;
        String repair = JournalCommand.repairHint(e);
        err.println("error: " + Causes.messages(e) + (repair == null ? "" : ": " + repair));
        if (!users || "1".equals(System.getenv("LOKET_DEBUG"))) {
            e.printStackTrace(err); // a bug: returned, not thrown, so main still exits with the code
        }
        err.flush();
        return 1;
    }

    static java.time.LocalDate date(String value) {
        try {
            return java.time.LocalDate.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a date: expected YYYY-MM-DD, e.g. 2027-03-01");
        }
    }

    static java.time.ZoneId zone(String value) {
        try {
            return java.time.ZoneId.of(value.trim());
        } catch (java.time.DateTimeException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a time zone: expected a region id such as "
                    + "Europe/Amsterdam, Europe/Brussels or UTC");
        }
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
        err.println("(" + String.join(" ", qualifiedName(command)) + " --help lists the options)");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The command's words from {@code loket} on ("loket", "config", "check"). */
    private static java.util.List<String> qualifiedName(CommandLine command) {
        java.util.LinkedList<String> names = new java.util.LinkedList<>();
        for (CommandLine c = command; c != null; c = c.getParent()) {
            names.addFirst(c.getCommandName());
        }
        return names;
    }
}
