package org.loket.host.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.Outcome;
import org.loket.host.cli.LoketCli;
import org.loket.host.replay.Pace;
import org.loket.host.replay.ReplayReport;
import org.loket.host.replay.Replayer;

/**
 * Kills a real engine process (SIGKILL) in the middle of synthetic traffic, restarts it on the same
 * journal, and proves nothing was lost: the restarted engine's state equals a full replay of the
 * journal, the decision journal is complete (replay identical), and every contact that arrived
 * either ended exactly once, was refused with a recorded reason, or is still live.
 */
@Timeout(180)
class EngineCrashIT {
    private static final Pattern STATUS = Pattern.compile("loket: (\\d+) commands");
    private static final Pattern RECOVERED = Pattern.compile("recovered (\\d+) commands \\(snapshot (\\w+)\\)");
    private static final Pattern STOPPED = Pattern.compile("live contacts (\\d+), state hash ([0-9a-f]{16})");

    @TempDir
    Path folder;

    @Test
    void shouldLoseNoContactWhenKilledMidTraffic() throws Exception {
        Path journal = folder.resolve("journal");
        // --ignore-hours: the traffic reaches agents at any hour of the day the test runs.
        EngineProcess first = EngineProcess.start(journal, "--synthetic-rate", "400", "--snapshot-every", "3000",
                "--status-seconds", "1", "--tick-ms", "50", "--ignore-hours");
        long seen = first.awaitCommands(8_000, 60);
        assertThat(seen).as(first.output()).isGreaterThanOrEqualTo(8_000);
        first.process.destroyForcibly();
        assertThat(first.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(first.process.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        EngineProcess second = EngineProcess.start(journal, "--duration-seconds", "3", "--status-seconds", "0", "--ignore-hours");
        assertThat(second.process.waitFor(90, TimeUnit.SECONDS)).as(second.output()).isTrue();
        assertThat(second.process.exitValue()).as(second.output()).isZero();
        Matcher recovered = RECOVERED.matcher(second.output());
        assertThat(recovered.find()).as(second.output()).isTrue();
        assertThat(Long.parseLong(recovered.group(1))).as("commands replayed on top of the snapshot").isPositive();
        assertThat(recovered.group(2)).as("a snapshot was used").isNotEqualTo("none");
        Matcher stopped = STOPPED.matcher(second.output());
        assertThat(stopped.find()).as(second.output()).isTrue();
        int liveAtStop = Integer.parseInt(stopped.group(1));
        String stateHashAtStop = stopped.group(2);

        Accounting accounting = new Accounting();
        ReplayReport report = Replayer.replay(journal, null, null, Pace.MAX, accounting);
        assertThat(report.identical()).as("the decision journal covers every command").isTrue();
        assertThat(report.stateHash()).as("restarted engine = full replay").isEqualTo(stateHashAtStop);
        assertThat(accounting.arrived).hasSizeGreaterThan(500);
        assertThat(accounting.endedTwice).as("contacts that ended twice").isEmpty();
        assertThat(accounting.endedWithoutArrival).as("ends of contacts that never arrived").isEmpty();
        Set<Long> open = new HashSet<>(accounting.arrived);
        open.removeAll(accounting.ended);
        open.removeAll(accounting.refused);
        assertThat(open.size() + accounting.inWrapUp.size())
                .as("contacts neither ended nor refused, and answered ones still in wrap-up, must be live in the restarted engine")
                .isEqualTo(liveAtStop);
    }

    /** Tallies contacts from the replayed commands and decisions. */
    private static final class Accounting implements Replayer.Listener {
        final Set<Long> arrived = new HashSet<>();
        final Set<Long> ended = new HashSet<>();
        final Set<Long> refused = new HashSet<>();
        final List<Long> endedTwice = new ArrayList<>();
        final List<Long> endedWithoutArrival = new ArrayList<>();
        /** Answered contacts whose agent is still in after-contact work: ended for the citizen, live in the core. */
        final Set<Long> inWrapUp = new HashSet<>();
        private RoutingConfig config;

        @Override
        public void onCommand(Command command) {
            if (command.type == CommandType.CONTACT_ARRIVED) {
                arrived.add(command.contactId);
            } else if (command.type == CommandType.CONFIG_APPLIED && config == null) {
                config = RoutingConfigCodec.decode(command.payload);
            } else if (command.type == CommandType.WRAP_UP_DONE) {
                inWrapUp.remove(command.contactId);
            }
        }

        @Override
        public void onDecision(Decision d) {
            if (d.type == DecisionType.END_CONTACT) {
                if (!ended.add(d.contactId)) {
                    endedTwice.add(d.contactId);
                }
                if (!arrived.contains(d.contactId)) {
                    endedWithoutArrival.add(d.contactId);
                }
                if (d.outcome == Outcome.ANSWERED && config.queues().get(d.queueId).maxWrapUpMs() > 0) {
                    inWrapUp.add(d.contactId);
                }
            } else if (d.type == DecisionType.AGENT_STATE && d.contactId >= 0) {
                inWrapUp.remove(d.contactId); // the queue's wrap-up limit ended it
            } else if (d.type == DecisionType.REJECT_COMMAND && d.commandType == CommandType.CONTACT_ARRIVED.code()) {
                refused.add(d.contactId);
            }
        }
    }

    /** {@code loket run} in a child JVM with the launcher's flags, its output collected. */
    private record EngineProcess(Process process, List<String> lines) {
        static EngineProcess start(Path journal, String... options) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Arrays.asList(System.getProperty("loket.jvm.flags").trim().split("\\s+")));
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(LoketCli.class.getName());
            command.add("run");
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

        String output() {
            return String.join("\n", lines);
        }
    }

}
