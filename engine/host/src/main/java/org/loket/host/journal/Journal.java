package org.loket.host.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;

/**
 * A journal folder: {@code commands/} (every input, write-ahead) and {@code decisions/} (every
 * decision, grouped per causing command), each a Chronicle Queue. Snapshots live beside them in
 * {@code snapshots/}.
 * <p>Appenders and tailers are confined to the thread that created them (Chronicle's rule).
 */
public final class Journal implements AutoCloseable {
    /** Chronicle maps the queue in blocks of this size; large blocks mean rare mapping stalls. */
    private static final long BLOCK_SIZE_BYTES = 64L << 20;

    private final Path folder;
    private final ChronicleQueue commands;
    private final ChronicleQueue decisions;

    private Journal(Path folder, boolean readOnly) {
        this.folder = folder;
        this.commands = open(folder.resolve("commands"), readOnly);
        this.decisions = open(folder.resolve("decisions"), readOnly);
    }

    /** Opens (or creates) a journal folder for writing. */
    public static Journal open(Path folder) {
        return new Journal(folder, false);
    }

    /**
     * Opens an existing journal folder to read.
     *
     * @throws IllegalArgumentException when the folder holds no journal
     */
    public static Journal openExisting(Path folder) {
        if (!Files.isDirectory(folder.resolve("commands"))) {
            throw new IllegalArgumentException(folder + " is not a Loket journal: it has no commands/ folder");
        }
        return new Journal(folder, false);
    }

    private static ChronicleQueue open(Path path, boolean readOnly) {
        return ChronicleQueue.singleBuilder(path)
                .rollCycle(RollCycles.FAST_DAILY)
                .blockSize(BLOCK_SIZE_BYTES)
                .readOnly(readOnly)
                .build();
    }

    public Path folder() {
        return folder;
    }

    public Path snapshotFolder() {
        return folder.resolve("snapshots");
    }

    /** A command writer for the calling thread. */
    public CommandWriter commandWriter() {
        return new CommandWriter(commands.createAppender());
    }

    /** A decision writer for the calling thread. */
    public DecisionWriter decisionWriter() {
        return new DecisionWriter(decisions.createAppender());
    }

    /** Reads commands from the start, on the calling thread. */
    public CommandReader commandReader() {
        return new CommandReader(commands.createTailer());
    }

    /** Reads decision groups from the start, on the calling thread. */
    public DecisionReader decisionReader() {
        return new DecisionReader(decisions.createTailer());
    }

    @Override
    public void close() {
        commands.close();
        decisions.close();
    }

    /** Appends commands; one per thread. */
    public static final class CommandWriter implements AutoCloseable {
        private final ExcerptAppender appender;

        CommandWriter(ExcerptAppender appender) {
            this.appender = appender;
        }

        public void append(Command command) {
            try (DocumentContext dc = appender.writingDocument()) {
                JournalCodec.writeCommand(command, dc.wire().bytes());
            }
        }

        @Override
        public void close() {
            appender.close();
        }
    }

    /** Appends the decisions of one command as one record; one per thread. */
    public static final class DecisionWriter implements AutoCloseable {
        private final ExcerptAppender appender;

        DecisionWriter(ExcerptAppender appender) {
            this.appender = appender;
        }

        public void append(long causeSequence, Decision[] decisions, int count) {
            try (DocumentContext dc = appender.writingDocument()) {
                var bytes = dc.wire().bytes();
                JournalCodec.writeDecisionsHeader(causeSequence, count, bytes);
                for (int i = 0; i < count; i++) {
                    JournalCodec.writeDecision(decisions[i], bytes);
                }
            }
        }

        @Override
        public void close() {
            appender.close();
        }
    }

    /** Reads commands in journal order. */
    public static final class CommandReader implements AutoCloseable {
        private final ExcerptTailer tailer;

        CommandReader(ExcerptTailer tailer) {
            this.tailer = tailer;
        }

        /** @return whether a command was read into {@code into} */
        public boolean next(Command into) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return false;
                }
                JournalCodec.readCommand(dc.wire().bytes(), into);
                return true;
            }
        }

        @Override
        public void close() {
            tailer.close();
        }
    }

    /** Reads decision groups in journal order. */
    public static final class DecisionReader implements AutoCloseable {
        private final ExcerptTailer tailer;
        private Decision[] group = new Decision[16];
        private int count;

        DecisionReader(ExcerptTailer tailer) {
            this.tailer = tailer;
            for (int i = 0; i < group.length; i++) {
                group[i] = new Decision();
            }
        }

        /** @return whether a group was read; see {@link #decision(int)} and {@link #count()} */
        public boolean next() {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return false;
                }
                var bytes = dc.wire().bytes();
                count = JournalCodec.readDecisionsHeader(bytes);
                if (count > group.length) {
                    Decision[] bigger = new Decision[Math.max(count, group.length * 2)];
                    System.arraycopy(group, 0, bigger, 0, group.length);
                    for (int i = group.length; i < bigger.length; i++) {
                        bigger[i] = new Decision();
                    }
                    group = bigger;
                }
                for (int i = 0; i < count; i++) {
                    JournalCodec.readDecision(bytes, group[i].clear());
                }
                return true;
            }
        }

        public int count() {
            return count;
        }

        public Decision decision(int i) {
            return group[i];
        }

        @Override
        public void close() {
            tailer.close();
        }
    }
}
