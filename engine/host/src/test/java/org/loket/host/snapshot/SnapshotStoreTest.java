package org.loket.host.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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
}
