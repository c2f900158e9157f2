package org.loket.host.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.loket.host.cli.LoketCli;

/** A {@code loket} command in a child JVM with the launcher's flags, its output collected. */
record EngineProcess(Process process, List<String> lines) {
    private static final Pattern STATUS = Pattern.compile("loket: (\\d+) commands");

    /** {@code loket run --journal JOURNAL OPTIONS}. */
    static EngineProcess start(Path journal, String... options) throws IOException {
        return start(List.of(), "run", journal, options);
    }

    /**
     * {@code loket SUBCOMMAND --journal JOURNAL OPTIONS}, the JVM started by {@code launcher} (e.g.
     * {@code bash -c 'ulimit -f N; exec "$@"' bash}; empty: directly).
     */
    static EngineProcess start(List<String> launcher, String subcommand, Path journal, String... options) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("loket.jvm.flags").trim().split("\\s+")));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LoketCli.class.getName());
        command.add(subcommand);
        command.add("--journal");
        command.add(journal.toString());
        command.addAll(Arrays.asList(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output ended: " + e.getMessage() + ")");
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new EngineProcess(process, lines);
    }

    long awaitCommands(long atLeast, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long seen = 0;
        while (System.nanoTime() < deadline && process.isAlive()) {
            for (String line : lines) {
                Matcher m = STATUS.matcher(line);
                if (m.find()) {
                    seen = Math.max(seen, Long.parseLong(m.group(1)));
                }
            }
            if (seen >= atLeast) {
                return seen;
            }
            Thread.sleep(200);
        }
        return seen;
    }

    /**
     * Waits for the process to end, killing it after {@code seconds}.
     *
     * @return its exit code
     * @throws AssertionError when it had not ended by then (a hang), with its output
     */
    int awaitExit(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("loket did not end within " + seconds + " s:\n" + output());
        }
        process.waitFor(); // and its output read to the end
        return process.exitValue();
    }

    String output() {
        return String.join("\n", lines);
    }
}
