package org.loket.host.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.AgentState;
import org.loket.core.ContactState;

/** An operator edits the configuration folder of a running engine that watches it (loket run --watch-config). */
@Timeout(60)
class LiveReloadTest {
    @TempDir
    Path folder;
    private Path config;
    private RunningEngine running;
    private ConfigWatcher watcher;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        config = RunningEngine.write(folder.resolve("config"), RunningEngine.yaml(1, "q", 0));
        running = new RunningEngine(folder, config);
        watcher = ConfigWatcher.start(config, new ConfigApplier(running.engine, null, running.started), running.engine.audit(), log::add);
    }

    @AfterEach
    void stop() {
        watcher.close();
        running.close();
    }

    private void awaitLog(String part) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.stream().noneMatch(line -> line.contains(part)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(log).as("the watch's log").anySatisfy(line -> assertThat(line).contains(part));
    }

    @Test
    void shouldApplyAValidChangeAndKeepTheRunningConfigurationWhenTheNextIsInvalid() throws Exception {
        RunningEngine.write(config, RunningEngine.yaml(2, "q", 5));
        awaitLog("applied configuration " + config + " (version 2), was version 1");
        assertThat(running.version()).isEqualTo(2);
        assertThat(running.priority(0)).isEqualTo(5);

        RunningEngine.write(config, "version: 3\nskills: [s]\nqueues: [{name: q, channel: fax, skill: s}]\n");
        awaitLog("error: routing.yaml:3: queues[0].channel = 'fax'");
        assertThat(log).anySatisfy(line -> assertThat(line)
                .isEqualTo("config watch: configuration " + config + " is not valid; the running configuration stays (running: version 2):"));
        assertThat(running.version()).isEqualTo(2);
        assertThat(running.priority(0)).isEqualTo(5);

        RunningEngine.write(config, RunningEngine.yaml(2, "q", 9));
        awaitLog("has version 2, not above the running version 2");
        assertThat(running.priority(0)).isEqualTo(5);
        assertThat(auditLines()).as("the operators' audit: every outcome, a saved file names no one").containsExactly(
                "config-watch,unknown,config-apply," + config.toAbsolutePath() + ",applied version 2",
                "config-watch,unknown,config-apply," + config.toAbsolutePath() + ",invalid",
                "config-watch,unknown,config-apply," + config.toAbsolutePath() + ",stale_version");
    }

    /** The audit's lines without their time, or none yet. */
    private List<String> auditLines() throws java.io.IOException {
        Path file = running.engine.audit().file();
        return !java.nio.file.Files.exists(file) ? List.of()
                : java.nio.file.Files.readAllLines(file).stream().skip(1).map(line -> line.substring(line.indexOf(',') + 1)).toList();
    }

    @Test
    void shouldApplyAChangeDuringTrafficWithoutLosingTheWaitingContact() throws Exception {
        running.arrive(7);
        assertThat(running.contactState(7)).isEqualTo(ContactState.WAITING);

        RunningEngine.write(config, RunningEngine.yaml(2, "other", 0));
        awaitLog("the running state has no place in this configuration");
        assertThat(log).anySatisfy(line -> assertThat(line).endsWith("; will try again"));
        assertThat(running.version()).isEqualTo(1);

        RunningEngine.write(config, RunningEngine.yaml(2, "q", 5));
        awaitLog("(version 2), was version 1");
        assertThat(running.version()).isEqualTo(2);
        assertThat(running.contactState(7)).as("still waiting after the reload").isEqualTo(ContactState.WAITING);
        assertThat(auditLines()).containsExactly("config-watch,unknown,config-apply," + config.toAbsolutePath() + ",blocked",
                "config-watch,unknown,config-apply," + config.toAbsolutePath() + ",applied version 2");
        assertThat(running.<Integer>query(core -> core.waitingCount(0))).isEqualTo(1);

        running.logIn(0);
        assertThat(running.await(core -> core.contactState(7) == ContactState.OFFERED)).as("offered to ann").isTrue();
        assertThat(running.<Integer>query(core -> core.contactAgent(7))).isEqualTo(0);
    }

    @Test
    void shouldApplyABlockedChangeByItselfOnceTheBlockerIsGone() throws Exception {
        running.arrive(7);
        RunningEngine.write(config, RunningEngine.yaml(2, "other", 0)); // q goes away while 7 waits in it
        awaitLog("the running state has no place in this configuration");
        running.abandon(7);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ConfigWatcher.RETRY_FIRST_MS + 5_000);
        while (running.version() != 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(running.version()).as("applied by the watch's retry, with no further save").isEqualTo(2);
        assertThat(running.<String>query(core -> core.config().queues().get(0).name())).isEqualTo("other");
        awaitLog("(version 2), was version 1");
    }

    /** Audit L10: a reason dropped while agents are paused with it waits for them, then lands without another save. */
    @Test
    void shouldApplyAChangeDroppingAPauseReasonOnceNobodyIsPausedWithIt() throws Exception {
        RunningEngine.write(config, ConfigApplierTest.pausing(2, "[break, training]"));
        awaitLog("(version 2), was version 1");
        running.logIn(1);
        running.presence(1, AgentState.PAUSED, 17); // bob: training
        RunningEngine.write(config, ConfigApplierTest.pausing(3, "[break]"));
        awaitLog("'training' (bob) is gone: its code would read as 'code-17'");
        assertThat(log).anySatisfy(line -> assertThat(line).contains("'training' (bob)").endsWith("; will try again"));
        assertThat(running.version()).isEqualTo(2);

        running.presence(1, AgentState.READY, -1);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ConfigWatcher.RETRY_FIRST_MS + 5_000);
        while (running.version() != 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(running.version()).as("applied by the watch's retry, with no further save").isEqualTo(3);
    }
}
