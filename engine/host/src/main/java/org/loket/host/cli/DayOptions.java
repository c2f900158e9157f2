package org.loket.host.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The day a planning command works on: a trace and the configuration it runs on ({@code simulate}, {@code erlang}, {@code staff}). */
final class DayOptions {
    @Option(names = "--trace", required = true, description = "trace CSV (docs/trace-format.md)")
    Path trace;

    @Option(names = "--config", description = "configuration folder (default: the embedded default)")
    Path config;
}
