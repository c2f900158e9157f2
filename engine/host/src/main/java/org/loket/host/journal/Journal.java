package org.loket.host.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.ParseException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.host.security.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal folder: {@code commands/} (every input, write-ahead) and {@code decisions/} (every
 * decision, grouped per causing command), each a Chronicle Queue. Snapshots live beside them in
 * {@code snapshots/}.
 * <p>Each queue keeps one file per UTC day ({@link #commandDays()}, {@link #decisionDays()}); a
 * journal's retention deletes whole days from its start ({@link JournalRetention}).
 * <p>Appenders and tailers are confined to the thread that created them (Chronicle's rule).
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    /** Chronicle maps the queue in blocks of this size; large blocks mean rare mapping stalls. */
    private static final long BLOCK_SIZE_BYTES = 64L << 20;

    private final Path folder;
    private final SingleChronicleQueue commands;
    private final SingleChronicleQueue decisions;

    /** The writer's lock ({@link #open}); null for a reader ({@link #openExisting}). */
    private final JournalLock lock;
    /** The day files' clock of a journal opened without one of its own ({@link #fileDaysBy}); else null. */
    private final WriterClock writerClock;

    private Journal(Path folder, TimeProvider time, JournalLock lock) {
        this.folder = folder;
        this.lock = lock;
        this.writerClock = time instanceof WriterClock w ? w : null;
        try {
            removeOrRefuseHeaderless(folder.resolve("commands"), lock != null);
            removeOrRefuseHeaderless(folder.resolve("decisions"), lock != null);
            this.commands = openQueue(folder.resolve("commands"), time);
            this.decisions = openQueue(folder.resolve("decisions"), time);
        } catch (RuntimeException | Error e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
    }

    /**
     * Opens (or creates) a journal folder for writing; the folder is made owner-only
     * ({@link OwnerOnlyFiles#folder}) and locked for this instance until {@link #close}.
     *
     * @throws IllegalStateException when another process (or another open instance) writes it
     */
    public static Journal open(Path folder) {
        return open(folder, new WriterClock());
    }

    /**
     * Files the records written from now on in the day files of {@code epochNs}'s clock instead of
     * the system's: the engine's, which never reads before the journal's last command, so a command
     * is in the day file of its stamp's UTC day also while the host's clock is behind the journal
     * (readers of a day start at its file). A journal opened on a clock of its own
     * ({@link #open(Path, TimeProvider)}) keeps that one.
     *
     * @param epochNs epoch nanoseconds; called by the writing threads, so cheap and thread-safe
     */
    public void fileDaysBy(java.util.function.LongSupplier epochNs) {
        if (writerClock != null) {
            writerClock.epochNs = epochNs;
        }
    }

    /** The system's clock until {@link #fileDaysBy} hands over the engine's. */
    private static final class WriterClock implements TimeProvider {
        private volatile java.util.function.LongSupplier epochNs;

        @Override
        public long currentTimeMillis() {
            java.util.function.LongSupplier clock = epochNs;
            return clock == null ? System.currentTimeMillis() : clock.getAsLong() / 1_000_000;
        }

        @Override
        public long currentTimeMicros() {
            return currentTimeNanos() / 1_000;
        }

        @Override
        public long currentTimeNanos() {
            java.util.function.LongSupplier clock = epochNs;
            return clock == null ? SystemTimeProvider.INSTANCE.currentTimeNanos() : clock.getAsLong();
        }
    }

    /**
     * Opens a journal for writing whose records go to the day files of {@code time}'s clock instead
     * of the system's: a journal of days that already happened (tests, a simulated day filed under its date).
     *
     * @throws IllegalStateException when another process (or another open instance) writes it
     */
    public static Journal open(Path folder, TimeProvider time) {
        try {
            OwnerOnlyFiles.folder(folder); // pseudonyms and every agent's action: not for the machine's other users
        } catch (IOException e) {
            throw new UncheckedIOException("journal folder " + folder + " cannot be created owner-only (rwx------)", e);
        }
        return new Journal(folder, time, JournalLock.take(folder, JournalLock.forAWriter(folder)));
    }

    /**
     * Opens an existing journal folder to read, without its writer's lock: beside a running engine
     * too (replay, report, trace extract, a gateway reading today's journal). Do not write through it.
     *
     * @throws IllegalArgumentException when the folder holds no journal
     */
    public static Journal openExisting(Path folder) {
        if (!Files.isDirectory(folder.resolve("commands"))) {
            throw new IllegalArgumentException(folder + " is not a Loket journal: it has no commands/ folder");
        }
        return new Journal(folder, SystemTimeProvider.INSTANCE, null);
    }

    /**
     * Removes (a writer) or refuses (a reader) the day files whose header was never written: a day
     * file that could not be made when the disk was full (Chronicle creates it, then extends it
     * to a block, then writes its header: a full disk or a file-size limit stops it at the extension
     * or at the header's page). Such a file holds nothing, and Chronicle, taking it for one a writer
     * is still making, waits on it for ever: a restart or a replay would hang. A reader waits a
     * moment first (a live writer makes each new day file so), and does not delete: the writer may
     * be that live writer.
     *
     * @throws JournalDamageException (a reader) when one stays without a header
     */
    private static void removeOrRefuseHeaderless(Path queueFolder, boolean writer) {
        List<Path> empty = headerlessDayFiles(queueFolder);
        for (int wait = 0; !writer && !empty.isEmpty() && wait < 10; wait++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            empty = headerlessDayFiles(queueFolder);
        }
        for (Path file : empty) {
            if (!writer) {
                throw new JournalDamageException(file + " holds no record and has no header (made when the disk was full?):"
                        + " the next loket run on this journal removes it");
            }
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the empty day file " + file, e);
            }
            LOG.warn("removed the journal day file {}: it held nothing, its header was never written (made when the disk was full?)",
                    file);
        }
    }

    private static List<Path> headerlessDayFiles(Path queueFolder) {
        List<Path> empty = new ArrayList<>();
        if (!Files.isDirectory(queueFolder)) {
            return empty;
        }
        try (var files = Files.newDirectoryStream(queueFolder, "*" + SingleChronicleQueue.SUFFIX)) {
            for (Path file : files) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    ByteBuffer header = ByteBuffer.allocate(Integer.BYTES);
                    while (header.hasRemaining() && channel.read(header) >= 0) {
                        // a short read of a file being written: read on
                    }
                    if (header.position() < Integer.BYTES || header.getInt(0) == 0) {
                        empty.add(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the day files of " + queueFolder, e);
        }
        return empty;
    }

    private static SingleChronicleQueue openQueue(Path path, TimeProvider time) {
        return SingleChronicleQueueBuilder.single(path.toFile())
                .rollCycle(RollCycles.FAST_DAILY)
                .blockSize(BLOCK_SIZE_BYTES)
                .timeProvider(time)
                .build();
    }

    public Path folder() {
        return folder;
    }

    /** The command queue itself, for {@link JournalRepair}'s record-by-record copy. */
    SingleChronicleQueue commandQueue() {
        return commands;
    }

    /** The decision queue itself, for {@link JournalRepair}'s record-by-record copy. */
    SingleChronicleQueue decisionQueue() {
        return decisions;
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
        return new CommandReader(commands, commands.createTailer());
    }

    /** Reads commands from the first day file of {@code day} or later, on the calling thread. */
    public CommandReader commandReader(LocalDate day) {
        return new CommandReader(commands, from(commands, day));
    }

    /** Reads decision groups from the start, on the calling thread. */
    public DecisionReader decisionReader() {
        return new DecisionReader(decisions, decisions.createTailer(), Integer.MAX_VALUE);
    }

    /** Reads decision groups from the first day file of {@code day} or later, on the calling thread. */
    public DecisionReader decisionReader(LocalDate day) {
        return new DecisionReader(decisions, from(decisions, day), Integer.MAX_VALUE);
    }

    /** Reads the decision groups of the day files from {@code day} up to (not including) {@code endDay}. */
    public DecisionReader decisionReader(LocalDate day, LocalDate endDay) {
        return new DecisionReader(decisions, from(decisions, day), cycleOf(decisions, endDay));
    }

    private static int cycleOf(SingleChronicleQueue queue, LocalDate day) {
        return (int) (day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() / queue.rollCycle().lengthInMillis());
    }

    /** A tailer at the start of the first day file of {@code day} or later (at the end when there is none). */
    private static ExcerptTailer from(SingleChronicleQueue queue, LocalDate day) {
        ExcerptTailer tailer = queue.createTailer();
        int wanted = cycleOf(queue, day);
        int cycle = queue.firstCycle();
        try {
            while (cycle >= 0 && cycle != Integer.MAX_VALUE && cycle < wanted) {
                cycle = queue.nextCycle(cycle, TailerDirection.FORWARD);
            }
        } catch (ParseException e) {
            throw new UncheckedIOException(new IOException("cannot list the day files of " + queue.file(), e));
        }
        if (cycle < 0 || cycle == Integer.MAX_VALUE) {
            tailer.toEnd();
        } else if (cycle > queue.firstCycle() && !tailer.moveToCycle(cycle)) {
            throw new IllegalStateException("cannot read the day file of cycle " + cycle + " in " + queue.file());
        }
        return tailer;
    }

    /**
     * One day file of a queue.
     *
     * @param day           its UTC day
     * @param file          the file
     * @param firstSequence the sequence of its first command (commands) or the cause of its first
     *                      decision group (decisions); -1 when it holds none, its first record is
     *                      damaged, or is of a later format
     * @param damage        null, or why its first record cannot be trusted (its place and what is
     *                      wrong, as a reader says it): then where the day begins is not known
     */
    public record DayFile(LocalDate day, Path file, long firstSequence, String damage) {
    }

    /** The command journal's day files, oldest first. */
    public List<DayFile> commandDays() {
        return days(commands, true);
    }

    /** The decision journal's day files, oldest first. */
    public List<DayFile> decisionDays() {
        return days(decisions, false);
    }

    /** Tells the queues that day files were deleted, so no reader or writer of this instance looks for them. */
    public void forgetDeletedDays() {
        commands.refreshDirectoryListing();
        decisions.refreshDirectoryListing();
    }

    private static List<DayFile> days(SingleChronicleQueue queue, boolean commandQueue) {
        queue.refreshDirectoryListing();
        List<DayFile> days = new ArrayList<>();
        int cycle = queue.firstCycle();
        if (cycle == Integer.MAX_VALUE) {
            return days; // an empty queue
        }
        DateTimeFormatter names = DateTimeFormatter.ofPattern(queue.rollCycle().format()).withZone(ZoneOffset.UTC);
        Command command = new Command();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        try (ExcerptTailer tailer = queue.createTailer()) {
            while (cycle >= 0) {
                Instant start = Instant.ofEpochMilli((long) cycle * queue.rollCycle().lengthInMillis());
                Path file = queue.file().toPath().resolve(names.format(start) + SingleChronicleQueue.SUFFIX);
                long first = -1;
                String damage = null;
                if (!Files.exists(file)) {
                    // Deleted: Chronicle's listing of the folder may lag behind.
                } else if (tailer.moveToCycle(cycle)) {
                    try (DocumentContext dc = tailer.readingDocument()) {
                        if (dc.isPresent()) {
                            // Checked as the readers check it: a changed byte in its first sequence
                            // would move where the retention thinks the day before ends.
                            Bytes<?> in = dc.wire().bytes();
                            long from = in.readPosition();
                            byte[] record = new byte[Math.toIntExact(in.readRemaining())];
                            in.read(from, record, 0, record.length);
                            String problem = JournalCodec.problem(record, record.length, crc, false);
                            if (problem != null) {
                                damage = "record " + queue.rollCycle().toSequenceNumber(dc.index()) + " of " + file + " (bytes " + from
                                        + "-" + (from + record.length) + ") is complete but " + problem;
                            } else if (!JournalCodec.later(record, record.length)) {
                                first = firstSequence(Bytes.wrapForRead(record), commandQueue, command);
                            }
                        }
                    }
                }
                if (Files.exists(file)) {
                    days.add(new DayFile(LocalDate.ofInstant(start, ZoneOffset.UTC), file, first, damage));
                }
                cycle = queue.nextCycle(cycle, TailerDirection.FORWARD);
            }
        } catch (ParseException e) {
            throw new UncheckedIOException(new IOException("cannot list the day files of " + queue.file(), e));
        }
        return days;
    }

    /** The first sequence in a checked record (-1 if it holds none, or is of another kind: the readers of the day say so). */
    private static long firstSequence(Bytes<?> record, boolean commandQueue, Command command) {
        try {
            if (commandQueue) {
                boolean citizens = JournalCodec.carriesCitizens(record);
                if (JournalCodec.readCommandHeader(record, citizens) > 0) {
                    JournalCodec.readCommand(record, command, citizens);
                    return command.sequence;
                }
            } else if (JournalCodec.readHeader(record, JournalCodec.KIND_DECISIONS) > 0) {
                return JournalCodec.readGroupCause(record);
            }
        } catch (JournalCodec.FormatException e) {
            // the readers of the day say so when they get there
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            commands.close();
            decisions.close();
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /**
     * Appends commands; one per thread. A batch ({@link #begin}, {@link #add}..., {@link #end})
     * becomes one record, durable as a whole or not at all.
     */
    public static final class CommandWriter implements AutoCloseable {
        private final ExcerptAppender appender;
        private DocumentContext document;
        private int count;
        private final JournalCodec.Scratch scratch = new JournalCodec.Scratch();

        CommandWriter(ExcerptAppender appender) {
            this.appender = appender;
        }

        /**
         * Lets threads take turns with this writer: Chronicle's check that one thread uses it is
         * off. The caller orders the turns (a lock or an atomic flag handed over), and a batch is
         * begun and ended by one thread.
         */
        public CommandWriter sharedInTurns() {
            appender.singleThreadedCheckDisabled(true);
            return this;
        }

        public void begin() {
            document = appender.writingDocument();
            scratch.begin(JournalCodec.KIND_COMMAND);
            count = 0;
        }

        public void add(Command command) {
            scratch.command(command);
            count++;
        }

        public void end() {
            scratch.end(count, document.wire().bytes());
            document.close();
            document = null;
        }

        /** A batch of one. */
        public void append(Command command) {
            begin();
            add(command);
            end();
        }

        @Override
        public void close() {
            appender.close();
        }
    }

    /**
     * Appends decisions grouped by the command that caused them; one per thread. A batch of groups
     * ({@link #begin}, {@link #add}..., {@link #end}) becomes one record.
     */
    public static final class DecisionWriter implements AutoCloseable {
        private final ExcerptAppender appender;
        private DocumentContext document;
        private int groups;
        private final JournalCodec.Scratch scratch = new JournalCodec.Scratch();

        DecisionWriter(ExcerptAppender appender) {
            this.appender = appender;
        }

        /**
         * Lets threads take turns with this writer: Chronicle's check that one thread uses it is
         * off. The caller orders the turns (a lock or an atomic flag handed over), and a batch is
         * begun and ended by one thread.
         */
        public DecisionWriter sharedInTurns() {
            appender.singleThreadedCheckDisabled(true);
            return this;
        }

        public void begin() {
            document = appender.writingDocument();
            scratch.begin(JournalCodec.KIND_DECISIONS);
            groups = 0;
        }

        public boolean inBatch() {
            return document != null;
        }

        public void add(long causeSequence, Decision[] decisions, int count) {
            scratch.group(causeSequence, decisions, count);
            groups++;
        }

        public void end() {
            scratch.end(groups, document.wire().bytes());
            document.close();
            document = null;
        }

        /** A batch of one group. */
        public void append(long causeSequence, Decision[] decisions, int count) {
            begin();
            add(causeSequence, decisions, count);
            end();
        }

        @Override
        public void close() {
            appender.close();
        }
    }

    /**
     * Reads commands in journal order, one at a time across batch records. Commands carry dense
     * sequence numbers, so the reader also refuses a gap (commands missing between two it read: a
     * day file gone) and a sequence read twice (two engines wrote the journal): one compare per command.
     */
    public static final class CommandReader implements AutoCloseable {
        private final JournalRecords records;
        /** The record being read (its reader, which a longer record replaces). */
        private Bytes<?> batch;
        private int remaining;
        private boolean citizens;
        /** The sequence of the last command read (0: none yet). */
        private long last;

        CommandReader(SingleChronicleQueue queue, ExcerptTailer tailer) {
            this.records = new JournalRecords(queue, tailer, Integer.MAX_VALUE);
        }

        /**
         * @return whether a command was read into {@code into}; false at the end of the journal
         * @throws JournalDamageException when the journal goes on beyond a record it cannot read,
         *                                or commands are missing between two it read
         */
        public boolean next(Command into) {
            if (remaining == 0 && !nextRecord()) {
                return false;
            }
            JournalCodec.readCommand(batch, into, citizens);
            remaining--;
            if (into.sequence != last + 1 && last != 0) {
                throw gap(into.sequence);
            }
            last = into.sequence;
            return true;
        }

        private boolean nextRecord() {
            do {
                if (!records.next(last == 0 ? "no command" : "command " + last)) {
                    return false;
                }
                batch = records.batch;
                citizens = JournalCodec.carriesCitizens(batch);
                remaining = JournalCodec.readCommandHeader(batch, citizens);
            } while (remaining == 0);
            return true;
        }

        private JournalDamageException gap(long sequence) {
            if (sequence <= last) {
                return new JournalDamageException(records.dayFile() + " holds command " + sequence + " after command " + last
                        + ": sequence numbers used twice (two engines wrote this journal?)");
            }
            return new JournalDamageException(records.dayFile() + " holds command " + sequence + " right after command " + last
                    + ": commands " + (last + 1) + "-" + (sequence - 1) + " are missing (a day file before it moved away or"
                    + " deleted, or a damaged record)");
        }

        /** The sequence of the last command read, 0 when none was. */
        public long lastSequence() {
            return last;
        }

        @Override
        public void close() {
            records.close();
        }
    }

    /**
     * Reads decision groups (the decisions of one command) in journal order. The groups' commands
     * come in journal order, so a group for a command at or before the previous group's is refused
     * (two engines wrote the journal).
     */
    public static final class DecisionReader implements AutoCloseable {
        private final JournalRecords records;
        /** The record being read (its reader, which a longer record replaces). */
        private Bytes<?> batch;
        private int groupsRemaining;
        private Decision[] group = new Decision[16];
        private int count;
        /** The command of the last group read (0: none yet). */
        private long lastCause;

        DecisionReader(SingleChronicleQueue queue, ExcerptTailer tailer, int endCycle) {
            this.records = new JournalRecords(queue, tailer, endCycle);
            for (int i = 0; i < group.length; i++) {
                group[i] = new Decision();
            }
        }

        /**
         * @return whether a group was read; see {@link #decision(int)} and {@link #count()}
         * @throws JournalDamageException when the journal goes on beyond a record it cannot read
         */
        public boolean next() {
            while (groupsRemaining == 0) {
                if (!records.next(lastCause == 0 ? "no decision" : "the decisions of command " + lastCause)) {
                    return false;
                }
                batch = records.batch;
                groupsRemaining = JournalCodec.readHeader(batch, JournalCodec.KIND_DECISIONS);
            }
            long cause = batch.readLong(batch.readPosition()); // the group header's command, peeked
            count = JournalCodec.readGroupHeader(batch);
            if (cause <= lastCause) {
                throw new JournalDamageException(records.dayFile() + " holds decisions of command " + cause
                        + " after those of command " + lastCause + " (two engines wrote this journal?)");
            }
            lastCause = cause;
            if (count > group.length) {
                Decision[] bigger = new Decision[Math.max(count, group.length * 2)];
                System.arraycopy(group, 0, bigger, 0, group.length);
                for (int i = group.length; i < bigger.length; i++) {
                    bigger[i] = new Decision();
                }
                group = bigger;
            }
            for (int i = 0; i < count; i++) {
                JournalCodec.readDecision(batch, group[i].clear());
            }
            groupsRemaining--;
            return true;
        }

        public int count() {
            return count;
        }

        /** The command whose decisions the last group read holds. */
        public long cause() {
            return lastCause;
        }

        public Decision decision(int i) {
            return group[i];
        }

        @Override
        public void close() {
            records.close();
        }
    }
}
