package org.loket.host.journal;

import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a journal queue's records, one at a time, into a batch buffer, and refuses to take damage
 * for the end ({@link QueueEnd}) or a record whose content changed ({@link JournalCodec#problem}):
 * what {@link Journal.CommandReader} and {@link Journal.DecisionReader} share. On the calling thread.
 * <p>A torn last record (a crash while it was written) is one Chronicle still marks incomplete:
 * the tailer does not see it, and it is the end. A complete record is checked: its checksum was
 * written before Chronicle marked it complete.
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
    /** The record read last, from its first byte; {@link #batch} reads it. */
    private byte[] record = new byte[1 << 16];
    /** Reads {@link #record}; replaced when a longer record needs a longer array. */
    Bytes<byte[]> batch = Bytes.wrapForRead(record);
    private final CRC32C crc = new CRC32C();
    /** Whether a record with a checksum was read: the journal was written by a Loket of format 2 from then on. */
    private boolean checksums;
    /** The queue index of the record read last. */
    long index = -1;
    /** Its length in {@link #record}. */
    int length;
    /** The queue index of a complete record that failed its check; -1 when none did (or the damage is unreadable). */
    long damagedIndex = -1;

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
        int read = read(lastRead);
        if (read != NONE) {
            return read == READ;
        }
        String beyond = end.goesOn();
        if (beyond == null) {
            return false;
        }
        for (int i = 0; i < TRIES; i++) {
            LockSupport.parkNanos(TRY_EVERY_NS);
            read = read(lastRead);
            if (read != NONE) {
                return read == READ;
            }
        }
        throw new JournalDamageException(journalFolder(), queue.file() + " is damaged: " + beyond + "; the last record read intact holds "
                + lastRead + ". A damaged or torn record, or a truncated day file: nothing beyond it can be read");
    }

    private int read(String lastRead) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return NONE;
            }
            if (endCycle != Integer.MAX_VALUE && queue.rollCycle().toCycle(dc.index()) >= endCycle) {
                dc.rollbackOnClose();
                return STOP;
            }
            end.read(dc);
            Bytes<?> in = dc.wire().bytes();
            long from = in.readPosition();
            int length = Math.toIntExact(in.readRemaining());
            if (record.length < length) {
                record = new byte[Math.max(length, 2 * record.length)];
                batch = Bytes.wrapForRead(record);
            }
            if (length > 0 && in.read(from, record, 0, length) != length) {
                throw new IllegalStateException("a record of " + length + " bytes in " + end.dayFile() + " could not be read whole");
            }
            batch.readPositionRemaining(0, length);
            this.index = dc.index();
            this.length = length;
            String problem = JournalCodec.problem(record, length, crc, checksums);
            if (problem != null) {
                throw damaged(dc.index(), from, length, problem, lastRead);
            }
            if (JournalCodec.later(record, length)) {
                throw new JournalCodec.FormatException(queue.file() + ": record " + queue.rollCycle().toSequenceNumber(dc.index())
                        + " of " + end.dayFile() + " (bytes " + from + "-" + (from + length) + ") is of journal format " + record[0]
                        + ", this Loket reads formats " + JournalCodec.FORMAT_WITHOUT_CHECKSUM + "-" + JournalCodec.FORMAT_MAJOR
                        + ": a newer Loket wrote it; read the journal with that Loket. The last record read before it holds " + lastRead);
            }
            checksums |= JournalCodec.checked(record, length);
        }
        return READ;
    }

    private JournalDamageException damaged(long index, long from, int length, String what, String lastRead) {
        damagedIndex = index;
        return new JournalDamageException(journalFolder(), queue.file() + " is damaged: record " + queue.rollCycle().toSequenceNumber(index) + " of "
                + end.dayFile() + " (bytes " + from + "-" + (from + length) + ") is complete but " + what
                + "; the last record read intact holds " + lastRead + ". Its content changed after it was written (a bad"
                + " disk, an edit, or, in a queue's last record, a power cut before the disk had it all): nothing from it on"
                + " is read");
    }

    /** The record read last, from its first byte: {@link #length} bytes. */
    byte[] record() {
        return record;
    }

    /** The journal folder the queue is in. */
    private java.nio.file.Path journalFolder() {
        return queue.file().toPath().getParent();
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
