package org.loket.host.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.loket.core.config.RoutingConfig;
import org.loket.host.bench.BenchReport;
import org.loket.host.bench.BenchWorkload;
import org.loket.host.bench.CommandTape;
import org.loket.host.bench.PipelineBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loket bench}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the raw pipeline (ring → Chronicle append) and the full engine side by side in one process.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--agents", defaultValue = "10000", description = "agents of the synthetic workload; default ${DEFAULT-VALUE}")
    int agents;

    @Option(names = "--queues", defaultValue = "200", description = "queues of the synthetic workload; default ${DEFAULT-VALUE}")
    int queues;

    @Option(names = "--skills", defaultValue = "50", description = "skills of the synthetic workload; default ${DEFAULT-VALUE}")
    int skills;

    @Option(names = "--commands", defaultValue = "4000000", description = "commands per throughput run; default ${DEFAULT-VALUE}")
    int commands;

    @Option(names = "--rate", defaultValue = "200000", description = "offered commands per second of the latency run; default ${DEFAULT-VALUE}")
    long rate;

    @Option(names = "--wait-strategy", defaultValue = "yielding", description = "how both pipelines' threads wait for work, as"
            + " loket run's --wait-strategy; default ${DEFAULT-VALUE}")
    String waitStrategy;

    @Option(names = "--ring-size", defaultValue = "65536", description = "slots of both pipelines' rings (a power of two);"
            + " default ${DEFAULT-VALUE}")
    int ringSize;

    @Option(names = "--dir", defaultValue = "target/bench", description = "scratch folder for journals (deleted after each run); default ${DEFAULT-VALUE}")
    Path dir;

    @Option(names = "--pretouch", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "pre-touch journal pages on a background thread in both pipelines (default: ${DEFAULT-VALUE})")
    boolean pretouch;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        var err = System.err;
        err.printf("bench: recording a workload of %,d commands (%d agents, %d queues, %d skills)...%n", commands, agents, queues, skills);
        RoutingConfig config = BenchWorkload.config(agents, queues, skills, 42);
        CommandTape tape = BenchWorkload.record(config, commands, 7);
        PipelineBench bench = new PipelineBench(tape, dir, waitStrategy, ringSize, pretouch);

        err.println("bench: raw pipeline (warm-up, then measured)...");
        bench.rawPipeline("raw-warmup");
        long raw = bench.rawPipeline("raw");
        err.printf("bench: raw %,d commands/s%n", raw);
        err.println("bench: full engine (warm-up, then measured)...");
        bench.engine("engine-warmup", 0, false, false);
        PipelineBench.EngineRun engine = bench.engine("engine", 0, false, true);
        err.printf("bench: engine %,d commands/s, CPU share per thread %s%n", engine.commandsPerSecond(), engine.cpuShare());
        err.printf("bench: latency run at a steady %,d commands/s...%n", rate);
        PipelineBench.EngineRun steady = bench.engine("engine-steady", rate, true, false);

        BenchReport report = new BenchReport(agents, queues, skills, tape.size(), waitStrategy, raw,
                engine.commandsPerSecond(), Math.round(1000.0 * engine.commandsPerSecond() / raw) / 1000.0,
                steady.serviceNs(), steady.latencyMicros(), rate, (double) engine.decisions() / tape.size(), engine.cpuShare(),
                engine.replay().commandsPerSecond(), Boolean.TRUE.equals(engine.replay().identical()), Runtime.version().toString(), Runtime.getRuntime().availableProcessors());
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(report));
        } else {
            out.printf("raw pipeline      %,d commands/s%n", report.rawCommandsPerSecond());
            out.printf("full engine       %,d commands/s (ratio %.3f)%n", report.engineCommandsPerSecond(), report.ratio());
            var s = report.coreServiceNanos();
            // Each line names its unit: the core's service time is nanoseconds, end to end microseconds.
            out.printf("core service time (ns) p50 %.0f, p90 %.0f, p99 %.0f, p99.9 %.0f, max %.0f%n", s.p50(), s.p90(), s.p99(), s.p999(), s.max());
            var l = report.endToEndMicros();
            out.printf("end to end @%,d/s (µs) p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f%n", rate, l.p50(), l.p90(), l.p99(),
                    l.p999(), l.max());
            out.printf("replay            %,d commands/s (identical: %s)%n", report.replayCommandsPerSecond(), report.replayIdentical());
            out.printf("CPU share         %s%n", report.engineCpuShare());
        }
        out.flush();
        return 0;
    }
}
