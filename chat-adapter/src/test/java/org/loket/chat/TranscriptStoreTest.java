package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loket.chat.TranscriptStore.Entry;
import org.loket.chat.TranscriptStore.Kind;

/** The transcript store on its own: append, read back after a reopen, retention, permissions, a clean stop. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TranscriptStoreTest {
    private static final long DAY_MS = 86_400_000L;

    private static Path folder() throws Exception {
        return Files.createTempDirectory(Path.of("target"), "transcripts-").resolve("transcripts");
    }

    /** What a restart takes: the live contacts' entries, and the work items (not chats) that ended since the window's start. */
    @Test
    void shouldFindTheWorkItemsThatEndedSinceATimeInTheOrderTheyEnded() throws Exception {
        Path folder = folder();
        try (TranscriptStore store = TranscriptStore.open(folder, 30)) {
            store.append(new Entry(1, Kind.OPENED, 1_000, 0, "email", null, "s", "a@example.org", "mail-old"));
            store.append(new Entry(2, Kind.OPENED, 1_000, 0, "social", null, "s", "b", "dm-2"));
            store.append(new Entry(3, Kind.OPENED, 1_000, 0, "chat", "token-hash", null, null, null));
            store.append(new Entry(4, Kind.OPENED, 1_000, 0, "email", null, "s", "c@example.org", "mail-live"));
            store.append(new Entry(5, Kind.OPENED, 1_000, 0, "email", null, "s", "d@example.org", "mail-5"));
            store.append(Entry.of(1, Kind.ENDED, "ANSWERED", 1, 4_999));
            store.append(Entry.of(5, Kind.ENDED, "ABANDONED", 2, 6_000));
            store.append(Entry.of(3, Kind.ENDED, "ANSWERED", 1, 6_000));
            store.append(Entry.of(2, Kind.ENDED, "ANSWERED", 1, 7_000));
        }
        try (TranscriptStore store = TranscriptStore.open(folder, 30)) {
            TranscriptStore.Restart restart = store.readForRestart(Set.of(4L), 5_000).get(10, TimeUnit.SECONDS);
            assertThat(restart.live()).containsOnlyKeys(4L);
            assertThat(restart.endedWorkItems()).containsExactly(
                    new TranscriptStore.EndedWorkItem(5, org.loket.core.Channel.EMAIL.code(), "mail-5", 6_000),
                    new TranscriptStore.EndedWorkItem(2, org.loket.core.Channel.SOCIAL.code(), "dm-2", 7_000));
        }
    }

    @Test
    void shouldReadBackEveryEntryOfAContactAfterAReopen() throws Exception {
        Path folder = folder();
        try (TranscriptStore store = TranscriptStore.open(folder, 30)) {
            store.append(new Entry(7, Kind.OPENED, 1_000, 0, "email", null, "Code expired", "citizen@example.org", "mail-42"));
            store.append(Entry.line(7, "citizen", "My code expired.", 1_001, null));
            store.append(Entry.line(8, "citizen", "someone else's line", 1_002, null));
            store.append(Entry.of(7, Kind.NOTE, "desk-1 → tax: über ✓", 0, 1_003));
            store.append(Entry.of(7, Kind.ENDED, "ANSWERED", 1, 1_004));
        } // a clean stop writes what was handed over
        try (TranscriptStore store = TranscriptStore.open(folder, 30)) {
            List<Entry> seven = store.read(7).get(10, TimeUnit.SECONDS);
            assertThat(seven).extracting(Entry::kind).containsExactly(Kind.OPENED, Kind.LINE, Kind.NOTE, Kind.ENDED);
            assertThat(seven.get(0)).isEqualTo(new Entry(7, Kind.OPENED, 1_000, 0, "email", null, "Code expired",
                    "citizen@example.org", "mail-42"));
            assertThat(seven.get(1).text()).isEqualTo("My code expired.");
            assertThat(seven.get(2).text()).isEqualTo("desk-1 → tax: über ✓");
            assertThat(seven.get(3).value()).isEqualTo(1);
            Map<Long, List<Entry>> both = store.read(Set.of(7L, 8L, 9L)).get(10, TimeUnit.SECONDS);
            assertThat(both).containsOnlyKeys(7L, 8L);
            assertThat(store.read(9).get(10, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void shouldWriteEverythingHandedOverBeforeACleanStop() throws Exception {
        Path folder = folder();
        int n = 20_000;
        try (TranscriptStore store = TranscriptStore.open(folder, 30)) {
            for (int i = 0; i < n; i++) {
                store.append(Entry.line(i % 100, "citizen", "line " + i, i, null));
            }
        }
        try (TranscriptStore store = TranscriptStore.open(folder, 30)) {
            assertThat(store.read(42).get(10, TimeUnit.SECONDS)).hasSize(n / 100)
                    .extracting(Entry::text).startsWith("line 42", "line 142").endsWith("line " + (n - 58));
        }
    }

    @Test
    void shouldDeleteDayFilesPastTheRetentionAndKeepTheRest() throws Exception {
        Path folder = folder();
        SetTimeProvider clock = new SetTimeProvider(20_000 * DAY_MS * 1_000_000L); // nanoseconds: day 20,000 (UTC)
        try (TranscriptStore store = TranscriptStore.open(folder, 30, clock)) {
            store.append(Entry.line(1, "citizen", "old", 0, null));
            store.awaitWritten(5_000);
            clock.set((20_000 + 10) * DAY_MS * 1_000_000L);
            store.append(Entry.line(2, "citizen", "recent", 0, null));
            store.awaitWritten(5_000);
            clock.set((20_000 + 31) * DAY_MS * 1_000_000L);
            store.append(Entry.line(3, "citizen", "today", 0, null));
            store.awaitWritten(5_000);
            assertThat(cycleFiles(folder)).hasSize(3);

            assertThat(store.deleteExpired()).as("day 20,000 ended more than 30 days ago").isEqualTo(1);
            assertThat(cycleFiles(folder)).hasSize(2);
            assertThat(store.read(Set.of(1L, 2L, 3L)).get(10, TimeUnit.SECONDS)).containsOnlyKeys(2L, 3L);
            assertThat(store.deleteExpired()).isZero();
        }
        SetTimeProvider later = new SetTimeProvider((20_000 + 45) * DAY_MS * 1_000_000L);
        try (TranscriptStore store = TranscriptStore.open(folder, 30, later)) { // the cleanup at open
            assertThat(cycleFiles(folder)).hasSize(1);
            assertThat(store.read(Set.of(2L, 3L)).get(10, TimeUnit.SECONDS)).containsOnlyKeys(3L);
        }
    }

    @Test
    void shouldKeepTheFolderAndItsFilesToTheOwner() throws Exception {
        Path folder = folder();
        try (TranscriptStore store = TranscriptStore.open(folder, 30)) {
            store.append(Entry.line(1, "citizen", "private", 0, null));
            store.awaitWritten(5_000);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
            try (Stream<Path> files = Files.list(folder)) {
                assertThat(files.toList()).isNotEmpty().allSatisfy(f ->
                        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString()).isEqualTo("rw-------"));
            }
        }
    }

    /**
     * What a crash could lose: entries handed over but not yet written. Measured as the backlog a
     * burst leaves behind and how long the writer needs to catch up (printed; asserted loosely).
     */
    @Test
    void shouldMeasureWhatACrashCouldLoseUnderABurst() throws Exception {
        Path folder = folder();
        try (TranscriptStore store = TranscriptStore.open(folder, 30)) {
            for (int warm = 0; warm < 20_000; warm++) {
                store.append(Entry.line(warm, "citizen", "warm-up", warm, null));
            }
            store.awaitWritten(10_000);
            int n = 100_000;
            long maxBacklog = 0;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                store.append(Entry.line(i, "citizen", "a line of an ordinary chat message, some sixty characters", i, null));
                if ((i & 1023) == 0) {
                    maxBacklog = Math.max(maxBacklog, store.appended() - store.written());
                }
            }
            long handedNs = System.nanoTime() - start;
            store.awaitWritten(30_000);
            long writtenNs = System.nanoTime() - start;
            System.out.printf("transcripts: %d entries handed over in %.1f ms, all written after %.1f ms (%.0f entries/s); "
                    + "largest backlog seen %d entries%n", n, handedNs / 1e6, writtenNs / 1e6, n / (writtenNs / 1e9), maxBacklog);
            assertThat(store.failures()).isZero();
        }
    }

    private static List<Path> cycleFiles(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).toList();
        }
    }
}
