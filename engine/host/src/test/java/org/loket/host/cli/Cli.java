package org.loket.host.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs a command line as {@code loket} would, for tests (those of other modules' commands too): output and errors together. */
public final class Cli {
    private Cli() {
    }

    /** Runs {@code args} with its output and errors into {@code out}; returns the exit code. */
    public static int execute(StringWriter out, String... args) {
        return execute(out, out, args);
    }

    /** Runs {@code args} with its output into {@code out} and its errors into {@code err}; returns the exit code. */
    public static int execute(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = LoketCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** What running {@code args} printed, output and errors together. */
    public static String output(String... args) {
        StringWriter out = new StringWriter();
        execute(out, args);
        return out.toString();
    }
}
