package org.loket.host.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The file watch on a real folder, with a counting action instead of an engine. */
@Timeout(30)
class ConfigWatcherTest {
    private static final long QUIET_MS = 200;
    @TempDir
    Path folder;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> log = new CopyOnWriteArrayList<>();

    private ConfigWatcher watch(Path config, AtomicBoolean done) throws Exception {
        return ConfigWatcher.start(config, QUIET_MS, 5_000, 60_000, 60_000, () -> {
            calls.incrementAndGet();
            return done.get();
        }, log::add);
    }

    /** Waits a little longer than the quiet time, several times, so a late event would show. */
    private static void settle() throws InterruptedException {
        Thread.sleep(QUIET_MS * 4);
    }

    private void awaitCalls(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(calls.get()).isEqualTo(n);
    }

    @Test
    void shouldActOnceForABurstOfSavesAndIgnoreEditorTempFiles() throws Exception {
        Files.writeString(folder.resolve("routing.yaml"), "version: 1\n");
        try (ConfigWatcher watcher = watch(folder, new AtomicBoolean(true))) {
            Files.writeString(folder.resolve(".routing.yaml.swp"), "swap");
            Files.writeString(folder.resolve("4913"), "");
            Files.delete(folder.resolve("4913"));
            Files.writeString(folder.resolve("routing.yaml~"), "backup");
            Files.writeString(folder.resolve(".#routing.yaml"), "lock");
            settle();
            assertThat(calls.get()).as("temp files only").isZero();

            for (int i = 2; i <= 6; i++) {
                Files.writeString(folder.resolve("routing.yaml"), "version: " + i + "\n");
                Thread.sleep(QUIET_MS / 4);
            }
            awaitCalls(1);
            settle();
            assertThat(calls.get()).as("one burst, one apply").isEqualTo(1);
            assertThat(watcher.changes()).isEqualTo(1);
        }
    }

    @Test
    void shouldNotActWhenASaveChangedNothingUnlessTheLastTryAskedToRetry() throws Exception {
        Files.writeString(folder.resolve("routing.yaml"), "version: 1\n");
        AtomicBoolean done = new AtomicBoolean(true);
        try (ConfigWatcher watcher = watch(folder, done)) {
            Files.writeString(folder.resolve("routing.yaml"), "version: 1\n");
            Files.writeString(folder.resolve("README.md"), "notes beside the configuration");
            settle();
            assertThat(calls.get()).as("same content as at start").isZero();

            done.set(false); // e.g. blocked by a contact in flight
            Files.writeString(folder.resolve("routing.yaml"), "version: 2\n");
            awaitCalls(1);
            done.set(true);
            Files.writeString(folder.resolve("routing.yaml"), "version: 2\n");
            awaitCalls(2);
            Files.writeString(folder.resolve("routing.yaml"), "version: 2\n");
            settle();
            assertThat(calls.get()).as("tried and settled: the same content again is nothing new").isEqualTo(2);
        }
    }

    @Test
    void shouldTryARefusedChangeAgainByItselfAtGrowingIntervalsUntilItLands() throws Exception {
        Files.writeString(folder.resolve("routing.yaml"), "version: 1\n");
        List<Long> triedAtNs = new CopyOnWriteArrayList<>();
        AtomicInteger refusals = new AtomicInteger(3); // blocked three times, e.g. until a contact leaves
        try (ConfigWatcher watcher = ConfigWatcher.start(folder, QUIET_MS, 5_000, 200, 800, () -> {
            triedAtNs.add(System.nanoTime());
            return refusals.getAndDecrement() <= 0;
        }, log::add)) {
            Files.writeString(folder.resolve("routing.yaml"), "version: 2\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (triedAtNs.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(triedAtNs).as("one save, tried until it landed").hasSize(4);
            long firstGapMs = TimeUnit.NANOSECONDS.toMillis(triedAtNs.get(1) - triedAtNs.get(0));
            long secondGapMs = TimeUnit.NANOSECONDS.toMillis(triedAtNs.get(2) - triedAtNs.get(1));
            long thirdGapMs = TimeUnit.NANOSECONDS.toMillis(triedAtNs.get(3) - triedAtNs.get(2));
            assertThat(firstGapMs).isBetween(190L, 2_000L);
            assertThat(secondGapMs).as("doubled").isBetween(390L, 2_500L);
            assertThat(thirdGapMs).as("doubled, capped at 800 ms").isBetween(790L, 3_000L);
            settle();
            Thread.sleep(1_000);
            assertThat(triedAtNs).as("landed: nothing more to try").hasSize(4);
            assertThat(watcher.changes()).isEqualTo(4);
        }
    }

    @Test
    void shouldForgetAPlannedRetryWhenTheFolderGoesBackToWhatIsInForce() throws Exception {
        Files.writeString(folder.resolve("routing.yaml"), "version: 1\n");
        try (ConfigWatcher watcher = ConfigWatcher.start(folder, QUIET_MS, 5_000, 300, 300, () -> {
            calls.incrementAndGet();
            return false; // blocked, every time
        }, log::add)) {
            Files.writeString(folder.resolve("routing.yaml"), "version: 2\n");
            awaitCalls(1);
            Files.writeString(folder.resolve("routing.yaml"), "version: 1\n"); // the operator takes it back
            settle();
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long watchThread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("loket-config-watch")).findFirst().orElseThrow().threadId();
            long cpuBeforeNs = threads.getThreadCpuTime(watchThread);
            Thread.sleep(1_000);
            long cpuMs = TimeUnit.NANOSECONDS.toMillis(threads.getThreadCpuTime(watchThread) - cpuBeforeNs);
            assertThat(calls.get()).as("nothing left to retry").isEqualTo(1);
            assertThat(cpuMs).as("the watch waits for the next save instead of spinning on an obsolete retry").isLessThan(200);
            assertThat(watcher.changes()).isEqualTo(1);
        }
    }

    @Test
    void shouldCountAnAddedOrRemovedYamlFileAndAnAtomicRename() throws Exception {
        Files.writeString(folder.resolve("routing.yaml"), "version: 1\n");
        try (ConfigWatcher watcher = watch(folder, new AtomicBoolean(true))) {
            Files.writeString(folder.resolve("hours.yaml"), "hours: {}\n");
            awaitCalls(1);
            Files.delete(folder.resolve("hours.yaml"));
            awaitCalls(2);
            Path temp = Files.writeString(folder.resolve("routing.yaml.tmp"), "version: 3\n");
            Files.move(temp, folder.resolve("routing.yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            awaitCalls(3);
        }
    }

    @Test
    void shouldWatchOnlyTheNamedFileWhenGivenAFile() throws Exception {
        Path file = Files.writeString(folder.resolve("loket.yaml"), "version: 1\n");
        try (ConfigWatcher watcher = watch(file, new AtomicBoolean(true))) {
            Files.writeString(folder.resolve("other.yaml"), "version: 9\n");
            settle();
            assertThat(calls.get()).isZero();
            Files.writeString(file, "version: 2\n");
            awaitCalls(1);
        }
    }

    /** A deploy that replaces the whole folder (rm -rf and a new one, mv new live) keeps the watch: it waits, then follows. */
    @Test
    void shouldSayWhenTheFolderIsGoneAndFollowTheOneThatReplacesIt() throws Exception {
        Path config = Files.createDirectories(folder.resolve("config"));
        Files.writeString(config.resolve("routing.yaml"), "version: 1\n");
        try (ConfigWatcher watcher = watch(config, new AtomicBoolean(true))) {
            Files.delete(config.resolve("routing.yaml"));
            Files.delete(config);
            awaitLog("is gone; waiting for it to come back");
            Path next = Files.createDirectories(folder.resolve("next"));
            Files.writeString(next.resolve("routing.yaml"), "version: 2\n");
            Files.move(next, config);
            awaitLog("following the folder " + config + " anew");
            awaitCalls(1);
            Files.writeString(config.resolve("routing.yaml"), "version: 3\n");
            awaitCalls(2);
        }
    }

    /**
     * {@code mv CONFIG away}: nothing is applied while it is gone (applying it was refused as invalid,
     * "no such folder": an audit line, the invalid-change counter and its alert), and its return as
     * it was is no change; a change after that is.
     */
    @Test
    void shouldApplyNothingWhileTheFolderIsGoneNorWhenItComesBackUnchanged() throws Exception {
        Path config = Files.createDirectories(folder.resolve("config"));
        Files.writeString(config.resolve("routing.yaml"), "version: 1\n");
        try (ConfigWatcher watcher = watch(config, new AtomicBoolean(true))) {
            Path away = folder.resolve("away");
            Files.move(config, away);
            awaitLog("is gone; waiting for it to come back");
            settle();
            assertThat(calls.get()).as("gone: nothing to apply").isZero();
            Files.move(away, config);
            awaitLog("following the folder " + config + " anew");
            settle();
            assertThat(calls.get()).as("back as it was").isZero();
            assertThat(watcher.changes()).isZero();
            Files.writeString(config.resolve("routing.yaml"), "version: 2\n");
            awaitCalls(1);
        }
    }

    /** The same for a single watched file that is moved away, said once. */
    @Test
    void shouldApplyNothingWhileAWatchedFileIsGone() throws Exception {
        Path file = Files.writeString(folder.resolve("loket.yaml"), "version: 1\n");
        try (ConfigWatcher watcher = watch(file, new AtomicBoolean(true))) {
            Files.move(file, folder.resolve("loket.yaml.old"));
            awaitLog("the file " + file + " is gone; waiting for it to come back");
            Files.writeString(folder.resolve("loket.yaml.old"), "version: 2\n");
            settle();
            assertThat(calls.get()).isZero();
            assertThat(log).filteredOn(line -> line.contains("is gone")).hasSize(1);
            Files.move(folder.resolve("loket.yaml.old"), file);
            awaitCalls(1);
        }
    }

    /** A release symlink swapped to another folder ({@code ln -sfn rel2 current}): the watch reads and watches the new target. */
    @Test
    void shouldFollowASwappedSymbolicLink() throws Exception {
        Path one = Files.createDirectories(folder.resolve("rel1"));
        Files.writeString(one.resolve("routing.yaml"), "version: 1\n");
        Path two = Files.createDirectories(folder.resolve("rel2"));
        Files.writeString(two.resolve("routing.yaml"), "version: 2\n");
        Path current = Files.createSymbolicLink(folder.resolve("current"), one.getFileName());
        try (ConfigWatcher watcher = watch(current, new AtomicBoolean(true))) {
            Path swap = Files.createSymbolicLink(folder.resolve("current.new"), two.getFileName());
            Files.move(swap, current, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            awaitCalls(1);
            Files.writeString(one.resolve("routing.yaml"), "version: 9\n");
            settle();
            assertThat(calls.get()).as("the old release is not watched any more").isEqualTo(1);
            Files.writeString(two.resolve("routing.yaml"), "version: 3\n");
            awaitCalls(2);
        }
    }

    @Test
    void shouldStopWhenTheParentIsGone() throws Exception {
        Path parent = Files.createDirectories(folder.resolve("etc"));
        Path config = Files.createDirectories(parent.resolve("config"));
        Files.writeString(config.resolve("routing.yaml"), "version: 1\n");
        try (ConfigWatcher watcher = watch(config, new AtomicBoolean(true))) {
            Files.delete(config.resolve("routing.yaml"));
            Files.delete(config);
            Files.delete(parent);
            awaitLog("no longer watching " + config);
        }
    }

    private void awaitLog(String part) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.stream().noneMatch(line -> line.contains(part)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(log).anySatisfy(line -> assertThat(line).contains(part));
    }

    @Test
    void shouldTellEditorTempFilesFromConfigurationFiles() {
        assertThat(ConfigWatcher.relevant("routing.yaml", null)).isTrue();
        assertThat(ConfigWatcher.relevant("..data", null)).as("Kubernetes swaps a ConfigMap's files this way").isTrue();
        assertThat(ConfigWatcher.relevant(".routing.yaml.swp", null)).isFalse();
        assertThat(ConfigWatcher.relevant("routing.yaml~", null)).isFalse();
        assertThat(ConfigWatcher.relevant("#routing.yaml#", null)).isFalse();
        assertThat(ConfigWatcher.relevant("routing.yaml", "loket.yaml")).isFalse();
    }
}
