package org.loket.host.journal;

import java.nio.file.Path;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/** Test aid: a journal record this Loket cannot read, so a test can prove a reader never reaches it. */
public final class UnreadableRecords {
    private UnreadableRecords() {
    }

    /**
     * Appends a record of the next major format to a journal queue ({@code commands/} or
     * {@code decisions/}), in the day file of {@code time}'s clock.
     */
    public static void append(Path queueFolder, TimeProvider time) {
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.single(queueFolder.toFile())
                .rollCycle(RollCycles.FAST_DAILY).timeProvider(time).build();
             ExcerptAppender appender = queue.createAppender();
             DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().writeByte((byte) (JournalCodec.FORMAT_MAJOR + 1)).writeByte((byte) JournalCodec.KIND_COMMAND);
        }
    }
}
