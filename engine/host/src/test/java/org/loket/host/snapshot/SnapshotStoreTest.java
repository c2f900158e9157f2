package org.loket.host.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
    @TempDir
    Path folder;

    /** Six snapshots over three days (sequences 10..60), two a day. */
    private SnapshotStore sixSnapshots() throws Exception {
        SnapshotStore store = new SnapshotStore(folder);
        for (int i = 1; i <= 6; i++) {
            store.write(i * 10L, new byte[] {(byte) i});
        }
        for (Path file : store.files()) {
            long sequence = Long.parseLong(file.getFileName().toString().replaceAll("\\D", ""));
            int day = (int) ((sequence / 10 - 1) / 2); // 10, 20 -> day 0; 30, 40 -> day 1; 50, 60 -> day 2
            Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-03-02T08:00:00Z").plusSeconds(day * 86_400L + sequence)));
        }
        return store;
    }

    private static long[] sequences(SnapshotStore store) {
        return store.files().stream().mapToLong(f -> Long.parseLong(f.getFileName().toString().replaceAll("\\D", ""))).toArray();
    }

    private static void flipBit(Path file, int at, int bit) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[at] ^= (byte) (1 << bit);
        Files.write(file, bytes);
    }

    /** What {@code read} says of a snapshot file; null when it is usable. */
    private static String why(Path file) {
        List<String> why = new ArrayList<>();
        return SnapshotStore.read(file, why::add).isPresent() ? null : String.join("; ", why);
    }

    /**
     * Every single changed bit of a snapshot file makes it unusable, with the reason: the state by
     * its CRC, the header's sequence by the file's name, its length by the file's size.
     */
    @Test
    void shouldFindEveryChangedBitOfASnapshot() throws Exception {
        SnapshotStore store = new SnapshotStore(folder);
        store.write(9_000, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        Path file = store.files().get(0);
        assertThat(why(file)).isNull();
        int size = (int) Files.size(file);
        for (int at = 0; at < size; at++) {
            if (at >= 4 && at < 8) {
                continue; // the format: another format is refused outright (an IllegalStateException), not skipped
            }
            for (int bit = 0; bit < 8; bit++) {
                flipBit(file, at, bit);
                assertThat(why(file)).as("byte %d bit %d", at, bit).isNotNull();
                flipBit(file, at, bit);
            }
        }
        assertThat(why(file)).isNull();
    }

    @Test
    void shouldSayWhyASnapshotIsUnusable() throws Exception {
        SnapshotStore store = new SnapshotStore(folder);
        store.write(9_000, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        Path file = store.files().get(0);
        flipBit(file, 8 + 6, 0); // the sequence's second-lowest byte (big-endian): 9000 becomes 8744
        assertThat(why(file)).startsWith("header corrupt: it says it ends at command ").endsWith("its name says 9000");
        flipBit(file, 8 + 6, 0);
        flipBit(file, 16 + 3, 1); // the state's length, 10 -> 8
        assertThat(why(file)).startsWith("header corrupt: its state of 8 bytes");
        flipBit(file, 16 + 3, 1);
        flipBit(file, 20 + 5, 0); // inside the state
        assertThat(why(file)).isEqualTo("checksum mismatch: its state is corrupt");
    }

    @Test
    void shouldKeepTheNewestOnlyWithoutARetention() throws Exception {
        SnapshotStore store = sixSnapshots();
        store.prune(3);
        assertThat(sequences(store)).containsExactly(60, 50, 40);
    }

    @Test
    void shouldKeepTheFirstSnapshotOfEachDayForAJournalWithARetention() throws Exception {
        SnapshotStore store = sixSnapshots();
        store.prune(1, 20);
        // The newest, and of those from 20 on the first of each day: 20 (day 0; 10 is older), 30 (day 1), 50 (day 2).
        assertThat(sequences(store)).containsExactly(60, 50, 30, 20);
    }

    @Test
    void shouldFindTheOldestSnapshotAtOrAfterASequenceAndDeleteTheOlderOnes() throws Exception {
        SnapshotStore store = sixSnapshots();
        assertThat(store.oldestAtOrAfter(25).orElseThrow().sequence()).isEqualTo(30);
        assertThat(store.oldestAtOrAfter(61)).isEmpty();
        assertThat(store.deleteBefore(30)).isEqualTo(2);
        assertThat(sequences(store)).containsExactly(60, 50, 40, 30);
    }

    /**
     * A full disk, as the stop's snapshot met it: the temporary file opens, its write fails with "No
     * space left on device". Here the temporary file is a link to /dev/full, whose every write fails
     * so, for root too (a read-only folder would not stop root).
     */
    @Test
    void shouldDeleteItsTemporaryFileWhenTheDiskIsFull() throws Exception {
        Path full = Path.of("/dev/full");
        assertThat(Files.isWritable(full)).as("Linux's /dev/full (Loket's tests run on Linux)").isTrue();
        SnapshotStore store = new SnapshotStore(folder);
        store.write(41, new byte[] {1, 2, 3});
        Files.createSymbolicLink(folder.resolve(String.format("snapshot-%020d.bin.tmp", 42)), full);
        assertThatThrownBy(() -> store.write(42, new byte[] {4, 5, 6})).isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot write snapshot 42 in " + folder).hasRootCauseMessage("No space left on device");
        assertThat(names()).as("the temporary file is gone, the snapshot before untouched")
                .containsExactly(String.format("snapshot-%020d.bin", 41));
        assertThat(why(store.files().get(0))).isNull();
    }

    /** The move into place fails (a folder, not empty, where the snapshot goes): the whole temporary file goes too. */
    @Test
    void shouldDeleteItsTemporaryFileWhenTheMoveFails() throws Exception {
        SnapshotStore store = new SnapshotStore(folder);
        Path inTheWay = Files.createDirectories(folder.resolve(String.format("snapshot-%020d.bin", 43)));
        Files.writeString(inTheWay.resolve("something"), "kept");
        assertThatThrownBy(() -> store.write(43, new byte[] {7})).isInstanceOf(UncheckedIOException.class);
        assertThat(names()).containsExactly(inTheWay.getFileName().toString());
    }

    /** A kill during a write leaves part of a temporary file: readers never list it, the writer's start deletes it. */
    @Test
    void shouldIgnoreAndDeleteTheTemporaryFileOfAWriteThatNeverEnded() throws Exception {
        SnapshotStore store = new SnapshotStore(folder);
        store.write(50, new byte[] {1, 2, 3});
        Path whole = folder.resolve(String.format("snapshot-%020d.bin", 50));
        Path torn = folder.resolve(String.format("snapshot-%020d.bin.tmp", 60));
        Files.write(torn, Arrays.copyOf(Files.readAllBytes(whole), 10));
        Path other = Files.writeString(folder.resolve("notes.tmp"), "not a snapshot's");
        assertThat(store.files()).containsExactly(whole);
        assertThat(store.latestAtOrBefore(Long.MAX_VALUE).orElseThrow().sequence()).isEqualTo(50);
        assertThat(store.deleteUnfinished()).containsExactly(torn);
        assertThat(names()).containsExactlyInAnyOrder(whole.getFileName().toString(), other.getFileName().toString());
        assertThat(store.deleteUnfinished()).isEmpty();
    }

    private List<String> names() throws Exception {
        try (var list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
