package org.loket.host.journal;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Tells a tailer's end of what was written from a record it cannot read. Chronicle reads a zeroed,
 * garbage or truncated record header as "nothing written here yet", so a reader would take damage
 * in the middle of a day file as the journal's end. Where a tailer finds nothing, the queue still
 * knows where its last record starts (the day file's write position) and its last index; when
 * either lies beyond the tailer, the journal goes on and what stopped the tailer is damage.
 * <p>Safe beside a live writer: a record beyond the tailer's position is only begun once the one
 * at that position is complete (Chronicle's write lock), so the reader, told that the journal goes
 * on, reads again once ({@link #goesOn}) and gets the record a writer finished meanwhile. A torn
 * last record (a crash mid-write) is not damage: nothing follows it.
 * <p>One per tailer, on its thread. The bookkeeping per record is two field writes.
 */
final class QueueEnd {
    /** Chronicle starts a record header at the next 4-byte boundary after the previous record. */
    private static final long PADDING = 3;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private int cycle = Integer.MIN_VALUE;
    /** Where the last record read ends, in its day file (-1: none read in {@link #cycle}). */
    private long end = -1;

    QueueEnd(SingleChronicleQueue queue, ExcerptTailer tailer) {
        this.queue = queue;
        this.tailer = tailer;
    }

    /** Notes a record read (called inside its document). */
    void read(DocumentContext dc) {
        end = dc.wire().bytes().readLimit();
        cycle = tailer.cycle();
    }

    /**
     * After the tailer found no record: whether the queue holds records beyond it, with where it
     * stopped; null when it is at the end of what was written.
     */
    String goesOn() {
        int at = tailer.cycle();
        if (at == cycle && end >= 0) {
            SingleChronicleQueueStore store = queue.storeForCycle(at, queue.epoch(), false, null);
            if (store != null) {
                try {
                    long lastRecord = store.writePosition();
                    if (lastRecord > end + PADDING) {
                        return "unreadable from about byte " + end + " of " + dayFile(at) + ", though its last record starts at byte "
                                + lastRecord;
                    }
                } finally {
                    queue.closeStore(store);
                }
            }
        }
        long last = queue.lastIndex();
        if (last >= 0 && last >= tailer.index()) {
            int lastCycle = queue.rollCycle().toCycle(last);
            return "unreadable from record " + queue.rollCycle().toSequenceNumber(tailer.index()) + " of " + dayFile(at)
                    + (end >= 0 && at == cycle ? " (about byte " + end + ")" : "") + ", though the queue goes on to record "
                    + queue.rollCycle().toSequenceNumber(last) + (lastCycle == at ? "" : " of " + dayFile(lastCycle).getFileName());
        }
        return null;
    }

    /** The day file of a cycle. */
    Path dayFile(int cycle) {
        DateTimeFormatter names = DateTimeFormatter.ofPattern(queue.rollCycle().format()).withZone(ZoneOffset.UTC);
        Instant start = Instant.ofEpochMilli((long) cycle * queue.rollCycle().lengthInMillis());
        return queue.file().toPath().resolve(names.format(start) + SingleChronicleQueue.SUFFIX);
    }

    /** The day file the tailer is in. */
    Path dayFile() {
        return dayFile(tailer.cycle());
    }
}
