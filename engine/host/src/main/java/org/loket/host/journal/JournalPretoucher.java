package org.loket.host.journal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Touches the pages of the journal's current files ahead of the writers, on a background thread,
 * so the writing threads do not take the page faults of fresh file pages (measured here at 18-20 ms
 * per 8 MiB on the appending thread when the VM has to fetch memory from its host).
 * <p>Chronicle Queue's own pre-toucher is an Enterprise feature (the open-source build recurses
 * into a StackOverflowError), hence this one. It never changes a byte: on each page it does an
 * atomic compare-and-set of an int from 0 to 0, which writes (and so faults the page in) only where
 * the file is still zero, and fails harmlessly where a writer has already been. It stays inside
 * the file: Chronicle extends its files a block (64 MiB) ahead of the writer, which is the room
 * this thread works in. (Mapping past the end would extend the file, and the thread would chase
 * its own tail.)
 */
public final class JournalPretoucher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalPretoucher.class);
    private static final long PAGE_BYTES = 4096;
    private static final long WINDOW_BYTES = 4L << 20;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    /** How often the folders are listed for a new cycle file; between listings only sizes are read. */
    private static final long LIST_EVERY_NS = 1_000_000_000L;

    private final Path[] queueFolders;
    private final Map<Path, Long> touchedUpTo = new HashMap<>();
    /** The newest cycle file per folder at the last listing (absent: none yet). */
    private final Map<Path, Path> newestFile = new HashMap<>();
    private long listedAtNs;
    private final LongSupplier writes;
    private long writesSeen = Long.MIN_VALUE;
    private long writesSeenAtNs;
    /** Records a second from which the journal counts as busy (10 ms checks); at phone rates it is far below. */
    static final long BUSY_RECORDS_PER_S = 10_000;
    /** How often a quiet journal is looked at (see the constructor). */
    private static final long QUIET_CHECK_NS = 1_000_000_000L;
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts touching ahead in the journal's command and decision queues, checking every 10 ms. */
    public JournalPretoucher(Path journalFolder) {
        this(journalFolder, null);
    }

    /**
     * Starts touching ahead in the journal's command and decision queues.
     *
     * @param writes the number of records journaled so far (e.g. the last journaled sequence);
     *     while it grows by fewer than {@value #BUSY_RECORDS_PER_S} a second, the thread checks every
     *     second instead of every 10 ms. Chronicle extends a file a block (64 MiB) ahead of the
     *     writer, and this thread touches all of it when it sees it: a writer that slow needs minutes
     *     to cross a block, and one that speeds up writes into touched pages first (a million
     *     commands a second take more than a second to cross a block), so it reaches untouched ones
     *     only after this thread is back to 10 ms. {@code null}: always every 10 ms.
     */
    public JournalPretoucher(Path journalFolder, LongSupplier writes) {
        this.writes = writes;
        this.queueFolders = new Path[] {journalFolder.resolve("commands"), journalFolder.resolve("decisions")};
        this.thread = new Thread(this::run, "loket-pretouch");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private void run() {
        while (running) {
            boolean worked = false;
            long nowNs = System.nanoTime();
            // An idle engine's journal does not grow: listing the folders a hundred times a second
            // cost 1.4 % of a core on its own (perf/RESULTS.md section 4); a size read is one stat.
            boolean list = nowNs - listedAtNs >= LIST_EVERY_NS || listedAtNs == 0;
            if (list) {
                listedAtNs = nowNs;
            }
            for (Path folder : queueFolders) {
                try {
                    worked |= touchAhead(folder, list);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("journal pre-touch of {} failed; writers will take the page faults themselves", folder, e);
                    return;
                } catch (InternalError e) {
                    // A SIGBUS: a page of the file got no room on a full disk. This thread runs ahead of
                    // the writers, so it is the first to know: the engine halts when a writer gets there.
                    LOG.error("the journal {} has no room left (disk full?): its pre-touch stopped in {}; the engine halts when"
                            + " the journal reaches that page: make room now", folder.getParent(), newestFile.get(folder));
                    return;
                }
            }
            LockSupport.parkNanos(worked ? 1_000_000L : busy() ? 10_000_000L : QUIET_CHECK_NS);
        }
    }

    /**
     * Touches one window of the newest file of the queue, if it is not far enough ahead yet. The
     * newest file is looked up again when {@code list} is set (a roll to a new cycle is noticed
     * within a second; the writer takes the faults of that second itself).
     */
    private boolean touchAhead(Path folder, boolean list) throws IOException {
        if (list) {
            newestCycleFile(folder).ifPresentOrElse(f -> newestFile.put(folder, f), () -> newestFile.remove(folder));
        }
        Path file = newestFile.get(folder);
        if (file == null) {
            return false;
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException gone) {
            newestFile.remove(folder); // removed since the listing; the next one finds what replaced it
            return false;
        }
        long from = touchedUpTo.getOrDefault(file, 0L);
        if (from >= size) {
            return false;
        }
        long length = Math.min(WINDOW_BYTES, size - from);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            MemorySegment window = channel.map(FileChannel.MapMode.READ_WRITE, from, length, arena);
            for (long offset = 0; offset + Integer.BYTES <= length; offset += PAGE_BYTES) {
                INT.compareAndSet(window, offset, 0, 0);
            }
        }
        touchedUpTo.put(file, from + length);
        return true;
    }

    /**
     * Whether the journal grew by {@value #BUSY_RECORDS_PER_S} records a second or more since the
     * last look. Each wake of this thread costs 40-90 µs of CPU on the project's VM (measured), so
     * an idle engine's pre-toucher, and one journaling a phone site's few hundred commands a
     * second, sleeps longer.
     */
    private boolean busy() {
        if (writes == null) {
            return true;
        }
        long now = writes.getAsLong();
        long nowNs = System.nanoTime();
        boolean busy = writesSeen == Long.MIN_VALUE // the first look: as before a busy start
                || (now - writesSeen) * 1_000_000_000L >= BUSY_RECORDS_PER_S * Math.max(1, nowNs - writesSeenAtNs);
        writesSeen = now;
        writesSeenAtNs = nowNs;
        return busy;
    }

    private static Optional<Path> newestCycleFile(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4"))
                    .max(Comparator.comparing(p -> p.getFileName().toString()));
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
