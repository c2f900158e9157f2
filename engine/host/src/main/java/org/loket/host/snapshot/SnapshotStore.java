package org.loket.host.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot files of the core's state: {@code snapshot-<sequence>.bin}, each with a format
 * version, the sequence of the last command it includes, the state bytes and a CRC. Written to a
 * temporary file and moved into place, so a crash leaves either the whole file or none. A write
 * that fails (a full disk) deletes its temporary file; one a kill left is never read, and the next
 * engine deletes it ({@link #deleteUnfinished}).
 * <p>The CRC (CRC32) covers the state bytes. The header's fields are checked otherwise: the magic
 * and format by value, the sequence against the file's name, the state's length against the
 * file's size. So a changed byte anywhere makes the snapshot unusable rather than a state put
 * at the wrong place in the journal. Like the journal's checksums, this finds damage, not a
 * deliberate edit.
 * <p>A snapshot that fails its check is skipped, left in place, and said once per process with its
 * file and why ({@link #readOrWarn}): by recovery, the retention and every reader that looks for a
 * snapshot (replay, report, trace extract, the wallboard's today), each going on from another
 * snapshot or the journal's start.
 */
public final class SnapshotStore {
    /** Format of the snapshot file; a reader refuses another. */
    public static final int FORMAT_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    /**
     * The files this process has said are unusable. Once each: recovery, the retention and the
     * readers come back to the same files (a report with adherence reads the journal twice, the
     * wallboard every day), and the file stays as it is until pruning deletes it.
     */
    private static final Set<Path> SAID = ConcurrentHashMap.newKeySet();
    private static final int MAGIC = 0x4C4B_534E; // "LKSN"
    private static final String PREFIX = "snapshot-";
    private static final String SUFFIX = ".bin";
    /** A snapshot being written: moved to its name once whole. */
    private static final String TEMPORARY = ".tmp";

    private final Path folder;

    public SnapshotStore(Path folder) {
        this.folder = folder;
    }

    /** A snapshot read back: the sequence of its last command and the core's state bytes. */
    public record Snapshot(long sequence, byte[] state, Path file) {
    }

    public void write(long sequence, byte[] state) {
        write(sequence, state, null);
    }

    /**
     * @param writtenAt the file's time ({@link #newestWrittenBefore} and the daily snapshots kept by
     *                  {@link #prune} go by it): the engine's clock, which runs ahead of the host's
     *                  after a start on a journal that was (see {@code EpochClock}); null: the host's
     */
    public void write(long sequence, byte[] state, Instant writtenAt) {
        Path target = folder.resolve(name(sequence));
        Path temporary = folder.resolve(name(sequence) + TEMPORARY);
        try {
            Files.createDirectories(folder);
            ByteBuffer buffer = ByteBuffer.allocate(4 + 4 + 8 + 4 + state.length + 8);
            buffer.putInt(MAGIC).putInt(FORMAT_VERSION).putLong(sequence).putInt(state.length).put(state);
            CRC32 crc = new CRC32();
            crc.update(state);
            buffer.putLong(crc.getValue());
            Files.write(temporary, buffer.array());
            if (writtenAt != null) {
                Files.setLastModifiedTime(temporary, java.nio.file.attribute.FileTime.from(writtenAt));
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException("cannot write snapshot " + sequence + " in " + folder, e);
            // A full disk leaves the file created and empty: nobody reads it, and it would stay for good.
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException left) {
                failure.addSuppressed(left);
            }
            throw failure;
        }
    }

    /**
     * Deletes the temporary files of snapshots whose write never ended (the process was killed
     * during it); readers never see them ({@link #files} lists whole snapshots only). Only for the
     * one process that writes snapshots here, before it writes any: a write under way elsewhere
     * would lose its file. One it cannot delete is warned of and left.
     *
     * @return the files deleted
     */
    public List<Path> deleteUnfinished() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> unfinished;
        try (Stream<Path> list = Files.list(folder)) {
            unfinished = list.filter(p -> p.getFileName().toString().startsWith(PREFIX)
                    && p.getFileName().toString().endsWith(SUFFIX + TEMPORARY)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshots in " + folder, e);
        }
        List<Path> deleted = new java.util.ArrayList<>();
        for (Path file : unfinished) {
            try {
                Files.deleteIfExists(file);
                deleted.add(file);
            } catch (IOException e) {
                // Harmless where it is (never read): not a reason to refuse a start.
                LOG.warn("cannot delete {}, a snapshot whose write never ended: {}", file, e.toString());
            }
        }
        return deleted;
    }

    /**
     * The newest intact snapshot whose sequence is at most {@code maxSequence} (a snapshot may be
     * ahead of the journal after a crash, since the core runs beside the journal writer).
     */
    public Optional<Snapshot> latestAtOrBefore(long maxSequence) {
        for (Path file : files()) {
            long sequence = sequenceOf(file);
            if (sequence <= maxSequence) {
                Optional<Snapshot> snapshot = readOrWarn(file, LOG, "an older one is used");
                if (snapshot.isPresent()) {
                    return snapshot;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The oldest intact snapshot whose sequence is at least {@code minSequence}: where a reader of a
     * journal whose days before command {@code minSequence + 1} were deleted starts.
     */
    public Optional<Snapshot> oldestAtOrAfter(long minSequence) {
        List<Path> files = files();
        for (int i = files.size() - 1; i >= 0; i--) {
            if (sequenceOf(files.get(i)) >= minSequence) {
                Optional<Snapshot> snapshot = readOrWarn(files.get(i), LOG, "a newer one is used");
                if (snapshot.isPresent()) {
                    return snapshot;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The newest intact snapshot written before {@code time} (by file time; a snapshot is written
     * after the command it ends with, so its state is from before that time too).
     */
    public Optional<Snapshot> newestWrittenBefore(Instant time) {
        for (Path file : files()) {
            try {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(time)) {
                    Optional<Snapshot> snapshot = readOrWarn(file, LOG, "an older one, or the journal's start, is used");
                    if (snapshot.isPresent()) {
                        return snapshot;
                    }
                }
            } catch (IOException e) {
                // deleted meanwhile: try the next
            }
        }
        return Optional.empty();
    }

    /** Keeps the newest {@code keep} snapshots and deletes older ones. */
    public void prune(int keep) {
        prune(keep, Long.MAX_VALUE);
    }

    /**
     * Keeps the newest {@code keep} snapshots and, of those at or after sequence {@code dailyFrom},
     * the first of each UTC day (by file time): a journal whose retention deletes its oldest days
     * starts again at such a snapshot, so readers lose no more than the deleted days. Deletes the rest.
     *
     * @param dailyFrom {@code Long.MAX_VALUE} keeps no daily snapshot
     */
    public void prune(int keep, long dailyFrom) {
        List<Path> files = files();
        // Oldest first, so the first file seen of a day is that day's first snapshot.
        Set<LocalDate> daysKept = new HashSet<>();
        for (int i = files.size() - 1; i >= 0; i--) {
            Path file = files.get(i);
            boolean keepIt = i < keep;
            if (!keepIt && sequenceOf(file) >= dailyFrom) {
                keepIt = daysKept.add(dayOf(file));
            }
            if (!keepIt) {
                delete(file);
            }
        }
    }

    /** Deletes the snapshots before sequence {@code sequence} (a journal's retention: they describe deleted days). */
    public int deleteBefore(long sequence) {
        int deleted = 0;
        for (Path file : files()) {
            if (sequenceOf(file) < sequence) {
                delete(file);
                deleted++;
            }
        }
        return deleted;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete old snapshot " + file, e);
        }
    }

    private static LocalDate dayOf(Path file) {
        try {
            return LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(), ZoneOffset.UTC);
        } catch (IOException e) {
            return LocalDate.MIN; // gone meanwhile: one shared day, at most one more kept
        }
    }

    /** Snapshot files, newest first. */
    public List<Path> files() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> p.getFileName().toString().startsWith(PREFIX) && p.getFileName().toString().endsWith(SUFFIX))
                    .sorted(Comparator.comparingLong(SnapshotStore::sequenceOf).reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshots in " + folder, e);
        }
    }

    /**
     * Reads a snapshot file; when it is torn or corrupt, warns on {@code log} with the file, why and
     * what the caller does {@code instead}, the first time this process finds that file unusable.
     *
     * @param instead what follows "left in place, " ("recovering from an older one")
     * @throws IllegalStateException when it is a snapshot of another format
     */
    public static Optional<Snapshot> readOrWarn(Path file, Logger log, String instead) {
        return read(file, why -> {
            if (SAID.add(file.toAbsolutePath().normalize())) {
                log.warn("snapshot {} is unusable ({}): left in place, {}", file, why, instead);
            }
        });
    }

    /**
     * Reads a snapshot file; empty when it is torn or corrupt, and then {@code unusable} is told why
     * (truncated, not a snapshot, checksum mismatch, unreadable).
     *
     * @throws IllegalStateException when it is a snapshot of another format
     */
    public static Optional<Snapshot> read(Path file, java.util.function.Consumer<String> unusable) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            unusable.accept("cannot be read: " + e);
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (buffer.remaining() < 28) {
            unusable.accept("truncated: " + bytes.length + " bytes, shorter than a snapshot's header and checksum");
            return Optional.empty();
        }
        if (buffer.getInt() != MAGIC) {
            unusable.accept("not a snapshot: its first bytes are not a Loket snapshot's");
            return Optional.empty();
        }
        int format = buffer.getInt();
        if (format != FORMAT_VERSION) {
            throw new IllegalStateException(file + " is snapshot format " + format + "; this Loket reads " + FORMAT_VERSION);
        }
        long sequence = buffer.getLong();
        long named = sequenceOf(file);
        if (sequence != named) {
            // Recovery would apply the journal from the wrong command on (or delete it as ahead of the journal).
            unusable.accept("header corrupt: it says it ends at command " + sequence + ", its name says " + named);
            return Optional.empty();
        }
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining() - 8) {
            unusable.accept("truncated: its state of " + length + " bytes and checksum need " + (length + 8L) + " bytes, "
                    + buffer.remaining() + " follow its header");
            return Optional.empty();
        }
        if (length < buffer.remaining() - 8) {
            unusable.accept("header corrupt: its state of " + length + " bytes and checksum need " + (length + 8L) + " bytes, "
                    + buffer.remaining() + " follow its header");
            return Optional.empty();
        }
        byte[] state = new byte[length];
        buffer.get(state);
        CRC32 crc = new CRC32();
        crc.update(state);
        if (crc.getValue() != buffer.getLong()) {
            unusable.accept("checksum mismatch: its state is corrupt");
            return Optional.empty();
        }
        return Optional.of(new Snapshot(sequence, state, file));
    }

    private static String name(long sequence) {
        return String.format("%s%020d%s", PREFIX, sequence, SUFFIX);
    }

    /** The command a snapshot file ends at, as its name says (of a file {@link #files} lists). */
    public static long sequenceOf(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
    }
}
