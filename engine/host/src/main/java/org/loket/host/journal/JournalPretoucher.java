package org.loket.host.journal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
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

    private final Path[] queueFolders;
    private final Map<Path, Long> touchedUpTo = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts touching ahead in the journal's command and decision queues. */
    public JournalPretoucher(Path journalFolder) {
        this.queueFolders = new Path[] {journalFolder.resolve("commands"), journalFolder.resolve("decisions")};
        this.thread = new Thread(this::run, "loket-pretouch");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private void run() {
        while (running) {
            boolean worked = false;
            for (Path folder : queueFolders) {
                try {
                    worked |= touchAhead(folder);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("journal pre-touch of {} failed; writers will take the page faults themselves", folder, e);
                    return;
                }
            }
            LockSupport.parkNanos(worked ? 1_000_000L : 10_000_000L);
        }
    }

    /** Touches one window of the newest file of the queue, if it is not far enough ahead yet. */
    private boolean touchAhead(Path folder) throws IOException {
        Optional<Path> newest = newestCycleFile(folder);
        if (newest.isEmpty()) {
            return false;
        }
        Path file = newest.get();
        long size = Files.size(file);
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
