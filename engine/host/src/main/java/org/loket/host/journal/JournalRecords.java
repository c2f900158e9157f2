package org.loket.host.journal;

import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a journal queue's records, one at a time, into a batch buffer, and refuses to take damage
 * for the end ({@link QueueEnd}): what {@link Journal.CommandReader} and {@link Journal.DecisionReader}
 * share. On the calling thread.
 */
final class JournalRecords implements AutoCloseable {
    /** Tries to read again (a writer finishing the record at the tailer) before calling it damage: ~100 ms. */
    private static final int TRIES = 50;
    private static final long TRY_EVERY_NS = 2_000_000;
    private static final int READ = 0;
    private static final int NONE = 1;
    private static final int STOP = 2;

    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final QueueEnd end;
    /** Records from this day file on are not read (Integer.MAX_VALUE: read to the end). */
    private final int endCycle;
    final Bytes<?> batch = Bytes.allocateElasticOnHeap(1 << 16);

    JournalRecords(SingleChronicleQueue queue, ExcerptTailer tailer, int endCycle) {
        this.queue = queue;
        this.tailer = tailer;
        this.end = new QueueEnd(queue, tailer);
        this.endCycle = endCycle;
    }

    /**
     * Reads the next record into {@link #batch}.
     *
     * @param lastRead what the reader read last, for the message ("command 1267")
     * @return false at the end of what was written (or at the end day)
     * @throws JournalDamageException when the queue goes on beyond a record the tailer cannot read
     */
    boolean next(String lastRead) {
        int read = read();
        if (read != NONE) {
            return read == READ;
        }
        String beyond = end.goesOn();
        if (beyond == null) {
            return false;
        }
        for (int i = 0; i < TRIES; i++) {
            LockSupport.parkNanos(TRY_EVERY_NS);
            read = read();
            if (read != NONE) {
                return read == READ;
            }
        }
        throw new JournalDamageException(queue.file() + " is damaged: " + beyond + "; the last record read intact holds "
                + lastRead + ". A damaged or torn record, or a truncated day file: nothing beyond it can be read");
    }

    private int read() {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return NONE;
            }
            if (endCycle != Integer.MAX_VALUE && queue.rollCycle().toCycle(dc.index()) >= endCycle) {
                dc.rollbackOnClose();
                return STOP;
            }
            end.read(dc);
            batch.clear();
            batch.write(dc.wire().bytes());
        }
        return READ;
    }

    /** The day file the tailer is in, for messages. */
    java.nio.file.Path dayFile() {
        return end.dayFile();
    }

    @Override
    public void close() {
        tailer.close();
    }
}
