package org.loket.host.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
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
        first.process().destroyForcibly();
        assertThat(first.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(first.process().exitValue()).as("killed by SIGKILL").isEqualTo(137);

        EngineProcess second = EngineProcess.start(journal, "--duration-seconds", "3", "--status-seconds", "0", "--ignore-hours");
        assertThat(second.process().waitFor(90, TimeUnit.SECONDS)).as(second.output()).isTrue();
        assertThat(second.process().exitValue()).as(second.output()).isZero();
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
        assertThat(accounting.live())
                .as("contacts neither ended nor refused, and answered ones still in wrap-up, must be live in the restarted engine")
                .isEqualTo(liveAtStop);
    }
}
