package org.loket.host.journal;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Test aid: what a power cut can leave of a journal queue that Chronicle did not fsync. The last
 * record's header, marked complete, reached the disk; a page of its content did not, and reads as
 * zeros: the record is complete and fails its checksum.
 */
public final class PowerCut {
    private PowerCut() {
    }

    /**
     * Zeroes 16 bytes inside the last record of a queue ({@code commands/} or {@code decisions/}),
     * from its third byte (after its format and kind).
     *
     * @return the day file it changed
     */
    public static Path zeroLastRecord(Path queueFolder) throws Exception {
        long content = -1;
        long length = 0;
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(queueFolder.toFile())
                .rollCycle(RollCycles.FAST_DAILY).readOnly(true).build();
             ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    content = dc.wire().bytes().readPosition();
                    length = dc.wire().bytes().readRemaining();
                }
            }
        }
        if (content < 0 || length < 2 + 16 + 8) {
            throw new IllegalStateException(queueFolder + " has no record long enough to damage (" + length + " bytes)");
        }
        Path newest;
        try (Stream<Path> files = Files.list(queueFolder)) {
            newest = files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(newest.toFile(), "rw")) {
            raf.seek(content + 2);
            raf.write(new byte[16]);
        }
        return newest;
    }
}
