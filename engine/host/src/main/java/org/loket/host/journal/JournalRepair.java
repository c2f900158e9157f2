package org.loket.host.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.host.snapshot.SnapshotStore;

/**
 * The way back after a power cut ({@code loket journal repair}). Chronicle does not fsync, so a
 * power cut (not a process crash) can leave the newest day file's last record marked complete but
 * holding what the disk had before: its checksum fails, every reader refuses the journal
 * ({@link JournalDamageException}) and {@code loket run} does not start. The repair reads the
 * journal with the readers' checks, finds the first damaged record of each queue, and writes a new
 * journal of everything before it: the commands up to the last intact one (record by record, byte
 * for byte, each in the day file it was in), the decision groups of the commands it keeps, and the
 * snapshots recovery may start from. The original folder is renamed aside ({@code DIR.damaged-TIME})
 * and the new one takes its name, so {@code loket run --journal DIR} starts as usual.
 * <p>Decisions lost with a damaged decision record are not lost for good: recovery derives the
 * decisions of every command after the last journaled group again ({@code Recovery}), so the repair
 * keeps every intact command and only the snapshots at or before the last intact decision group (a
 * snapshot after it would have recovery replay from beyond the gap, which then stays a gap).
 * <p>Refused, changing nothing: while the journal is in use ({@link JournalInUseException}), when
 * it has no damaged record, and, without {@code dropAfterDamage}, when the damage is not at the very
 * end (its queue goes on after the damaged record: not what a power cut leaves).
 * <p>Files inside the journal folder other than the queues, the snapshots and the lock (an export
 * folder an operator put there) are copied over; the files Loket keeps beside the journal folder
 * ({@link JournalFiles}: audit, sessions, outbox, callbacks, transcripts) are not touched. Not thread-safe; one at a time.
 */
public final class JournalRepair {
    private static final String COMMANDS = "commands";
    private static final String DECISIONS = "decisions";
    private static final String SNAPSHOTS = "snapshots";
    private static final DateTimeFormatter ASIDE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    private JournalRepair() {
    }

    /**
     * A queue's first damaged record.
     *
     * @param dayFile      the day file it is in
     * @param problem      what the reader said of it (file, record, bytes, last intact entry)
     * @param atEnd        whether it is the queue's last record (what a power cut leaves)
     * @param recordsAfter records read after it (0 when it is the last, or nothing after it can be read)
     */
    public record Damage(Path dayFile, String problem, boolean atEnd, long recordsAfter) {
    }

    /**
     * What a repair keeps and drops.
     *
     * @param journal              the journal folder
     * @param commandDamage        the command journal's damaged record; null when it reads to its end
     * @param decisionDamage       the decision journal's damaged record; null when it reads to its end
     * @param lastCommandKept      the last command the repaired journal holds (0: none)
     * @param commandsDropped      commands read intact after the damage (and so dropped with it); the
     *                             damaged record's own are not counted
     * @param firstCommandDropped  the first of them (0: none): the damaged record's commands are those
     *                             between {@code lastCommandKept} and it
     * @param lastCommandDropped   the last of them (0: none)
     * @param decisionGroupsKept   decision groups kept
     * @param lastDecisionKept     the command of the last group kept (0: none)
     * @param decisionGroupsDropped groups read intact but dropped: of commands not kept, or after the damage
     * @param decisionsRederived   whether decision groups of commands kept are lost with the damage (then
     *                             {@code loket run} derives them again, from a snapshot at or before
     *                             {@code lastDecisionKept})
     * @param decisionsBeyondEnd   whether the decision journal holds groups of commands beyond the
     *                             command journal's end in a day file newer than its newest (a day of
     *                             commands missing, not a power cut)
     * @param snapshotsKept        snapshot files copied (newest first)
     * @param snapshotsDropped     snapshot files not copied: they end after what is kept
     * @param commandRecords       command records kept
     * @param decisionRecords      decision records kept whole
     * @param groupsOfLastRecord   groups kept of the next decision record (0: none)
     */
    public record Plan(Path journal, Damage commandDamage, Damage decisionDamage, long lastCommandKept, long commandsDropped,
                       long firstCommandDropped, long lastCommandDropped, long decisionGroupsKept, long lastDecisionKept, long decisionGroupsDropped,
                       boolean decisionsRederived, boolean decisionsBeyondEnd, List<Path> snapshotsKept, List<Path> snapshotsDropped,
                       long commandRecords, long decisionRecords, int groupsOfLastRecord) {
        /** Whether there is anything to cut off. */
        public boolean damaged() {
            return commandDamage != null || decisionDamage != null || decisionGroupsDropped > 0;
        }

        /** Whether all that goes lies at the very end of its queue, as a power cut leaves it. */
        public boolean atEnd() {
            return (commandDamage == null || commandDamage.atEnd())
                    && (decisionDamage == null || decisionDamage.atEnd() || !decisionsRederived) && !decisionsBeyondEnd;
        }
    }

    /** A repair done: what it kept and dropped, and where the original went. */
    public record Result(Plan plan, Path aside) {
    }

    /**
     * Reads a journal and says what a repair would keep and drop; writes nothing and takes no lock.
     *
     * @throws IllegalArgumentException when the folder holds no journal
     */
    public static Plan plan(Path folder) {
        try (Journal journal = Journal.openExisting(folder)) {
            return plan(journal);
        }
    }

    /**
     * Repairs a journal: see the class comment.
     *
     * @param dropAfterDamage whether damage that is not at the very end may be cut off with all after it
     * @param clock           names the original's folder aside ({@code DIR.damaged-yyyyMMddTHHmmss}, local time)
     * @throws JournalInUseException when an engine writes the journal
     * @throws IllegalStateException when there is nothing to repair, or the damage is not at the end
     *                               and {@code dropAfterDamage} is false: nothing was changed
     */
    public static Result repair(Path folder, boolean dropAfterDamage, Clock clock) {
        if (!Files.isDirectory(folder.resolve(COMMANDS))) {
            throw new IllegalArgumentException(folder + " is not a Loket journal: it has no commands/ folder");
        }
        Path aside = folder.resolveSibling(folder.getFileName() + ".damaged-" + LocalDateTime.now(clock).format(ASIDE));
        Path building = folder.resolveSibling(folder.getFileName() + ".repairing");
        if (Files.exists(aside) || Files.exists(building)) {
            throw new IllegalStateException("cannot repair " + folder + ": " + (Files.exists(aside) ? aside : building)
                    + " is in the way (an earlier repair's?); move it away first");
        }
        // No engine starts on it meanwhile.
        try (JournalLock lock = JournalLock.take(folder, "a repair works on a journal no engine writes: stop that one first, then"
                + " run the repair again. Nothing was changed")) {
            Plan plan;
            try (Journal journal = Journal.openExisting(folder)) {
                plan = plan(journal);
                if (!plan.damaged()) {
                    throw new IllegalStateException("nothing to repair: " + folder + " reads intact to its end (command "
                            + plan.lastCommandKept() + ", " + count(plan.decisionGroupsKept(), "decision group") + "); loket run"
                            + " starts on it as it is");
                }
                if (!plan.atEnd() && !dropAfterDamage) {
                    throw new IllegalStateException(folder + " is damaged before its end, which is not what a power cut leaves"
                            + " (a bad disk, an edit, a day file gone?): " + firstProblem(plan) + ". A repair would keep it up to"
                            + " command " + plan.lastCommandKept() + " and drop " + dropped(plan) + ". Nothing was changed;"
                            + " restore the journal from a backup, or run loket journal repair again with --drop-after-damage"
                            + " to drop that deliberately (the original is kept aside)");
                }
                copy(journal, plan, building);
            }
            copyBeside(folder, building, plan);
            verify(building, plan);
            try {
                Files.move(folder, aside, StandardCopyOption.ATOMIC_MOVE);
                Files.move(building, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("the repaired journal is complete in " + building + " but could not take the"
                        + " place of " + folder + (Files.exists(aside) ? " (the original is now " + aside + ")" : "")
                        + ": move it there by hand", e);
            }
            return new Result(plan, aside);
        } catch (RuntimeException | Error e) {
            if (Files.exists(building) && Files.exists(folder)) {
                deleteTree(building);
            }
            throw e;
        }
    }

    /** The first problem of a plan, for messages. */
    public static String firstProblem(Plan plan) {
        if (plan.commandDamage() != null) {
            return plan.commandDamage().problem();
        }
        if (plan.decisionDamage() != null) {
            return plan.decisionDamage().problem();
        }
        return "its decision journal holds " + count(plan.decisionGroupsDropped(), "decision group") + " of commands after its"
                + " last command " + plan.lastCommandKept();
    }

    /** "1 snapshot", "3 snapshots": a count with its noun. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** "command 7", "commands 7-9": a range of commands. */
    private static String commands(long first, long last) {
        return first == last ? "command " + first : "commands " + first + "-" + last;
    }

    /**
     * What stays wrong between the repair and the next {@code loket run} (null when nothing): the
     * decisions the damage cost are missing from the journal until that run derives them again, so a
     * replay before it finds the journal not identical.
     */
    public static String untilNextRun(Plan plan) {
        if (!plan.decisionsRederived()) {
            return null;
        }
        return "loket run --journal " + plan.journal() + " derives the decisions of " + commands(plan.lastDecisionKept() + 1,
                plan.lastCommandKept()) + " again when it starts; until then loket replay finds them missing (identical false,"
                + " exit 2): start it once before a replay";
    }

    /**
     * What a repair drops, in words ("the damaged command record in F (command 1201, which cannot be
     * read), 12 commands after it (1202-1213), 30 decision groups read intact").
     */
    public static String dropped(Plan plan) {
        List<String> parts = new ArrayList<>();
        if (plan.commandDamage() != null) {
            long first = plan.lastCommandKept() + 1;
            long last = plan.firstCommandDropped() - 1; // commands are dense: the damaged record held those between
            parts.add("the damaged command record in " + plan.commandDamage().dayFile() + " (" + (plan.commandsDropped() > 0 && last >= first
                    ? commands(first, last) + ", which cannot be read)" : "its commands, from " + first + " on, cannot be read)"));
        }
        if (plan.commandsDropped() > 0) {
            boolean whole = plan.lastCommandDropped() - plan.firstCommandDropped() + 1 == plan.commandsDropped();
            String range = plan.firstCommandDropped() == plan.lastCommandDropped() ? Long.toString(plan.firstCommandDropped())
                    : plan.firstCommandDropped() + "-" + plan.lastCommandDropped();
            parts.add(count(plan.commandsDropped(), "command") + (whole ? " after it (" + range + ")"
                    : " read intact after it, among " + range + " (records between them cannot be read)"));
        } else if (plan.commandDamage() != null && !plan.commandDamage().atEnd()) {
            parts.add("all the command journal holds after it (it cannot be read beyond)");
        }
        if (plan.decisionDamage() != null) {
            parts.add("the damaged decision record in " + plan.decisionDamage().dayFile());
        }
        if (plan.decisionGroupsDropped() > 0) {
            parts.add(count(plan.decisionGroupsDropped(), "decision group") + " read intact");
        }
        if (plan.decisionsRederived()) {
            parts.add("(the decisions of " + commands(plan.lastDecisionKept() + 1, plan.lastCommandKept())
                    + " are derived again by loket run from the commands kept)");
        }
        return String.join(", ", parts);
    }

    private static Plan plan(Journal journal) {
        // Commands: every intact record up to the first damaged one.
        Command command = new Command();
        long lastCommand = 0;
        long commandRecords = 0;
        Damage commandDamage = null;
        Tally commandsAfter = new Tally();
        SingleChronicleQueue commands = journal.commandQueue();
        try (ExcerptTailer tailer = commands.createTailer()) {
            JournalRecords records = new JournalRecords(commands, tailer, Integer.MAX_VALUE);
            try {
                while (records.next(lastCommand == 0 ? "no command" : "command " + lastCommand)) {
                    if (readCommands(records.batch, command) > 0) {
                        lastCommand = command.sequence;
                    }
                    commandRecords++;
                }
            } catch (JournalDamageException e) {
                Path dayFile = records.dayFile(); // before reading on moves the tailer to later day files
                commandsAfter.readOn(tailer, true);
                commandDamage = new Damage(dayFile, e.getMessage(),
                        records.damagedIndex >= 0 && records.damagedIndex == commands.lastIndex(), commandsAfter.records);
            }
        }
        // Decisions: the groups of the commands kept, up to the first damaged record.
        SingleChronicleQueue decisions = journal.decisionQueue();
        long groupsKept = 0;
        long lastCause = 0;
        long decisionRecords = 0;
        int groupsOfLastRecord = 0;
        long groupsDropped = 0;
        boolean beyondEnd = false;
        Damage decisionDamage = null;
        boolean rederived = false;
        try (ExcerptTailer tailer = decisions.createTailer()) {
            JournalRecords records = new JournalRecords(decisions, tailer, Integer.MAX_VALUE);
            try {
                while (records.next(lastCause == 0 ? "no decision" : "the decisions of command " + lastCause)) {
                    Bytes<?> batch = records.batch;
                    int groups = JournalCodec.readHeader(batch, JournalCodec.KIND_DECISIONS);
                    int kept = 0;
                    for (int i = 0; i < groups; i++) {
                        long cause = batch.readLong(batch.readPosition()); // the group header's command, peeked
                        int count = JournalCodec.readGroupHeader(batch);
                        batch.readSkip((long) count * JournalCodec.Scratch.DECISION_BYTES);
                        if (cause <= lastCommand && groupsDropped == 0) {
                            kept++;
                            lastCause = cause;
                        } else {
                            groupsDropped++;
                            beyondEnd |= commandDamage == null && commands.lastIndex() >= 0
                                    && decisions.rollCycle().toCycle(records.index) > commands.rollCycle().toCycle(commands.lastIndex());
                        }
                    }
                    groupsKept += kept;
                    if (groupsDropped == 0) {
                        decisionRecords++;
                    } else if (groupsOfLastRecord == 0 && kept > 0) {
                        groupsOfLastRecord = kept;
                    }
                }
            } catch (JournalDamageException e) {
                // Damage after a group of a command not kept costs no decision of a command kept.
                rederived = groupsDropped == 0 && lastCause < lastCommand;
                Path dayFile = records.dayFile(); // before reading on moves the tailer to later day files
                Tally after = new Tally();
                after.readOn(tailer, false);
                groupsDropped += after.entries;
                decisionDamage = new Damage(dayFile, e.getMessage(),
                        records.damagedIndex >= 0 && records.damagedIndex == decisions.lastIndex(), after.records);
            }
        }
        // Snapshots recovery may start from: none after the last command kept, nor, with decisions
        // lost, after the last group kept (recovery derives the decisions of what it replays only).
        long limit = rederived ? lastCause : lastCommand;
        List<Path> kept = new ArrayList<>();
        List<Path> dropped = new ArrayList<>();
        for (Path file : new SnapshotStore(journal.snapshotFolder()).files()) {
            (SnapshotStore.sequenceOf(file) <= limit ? kept : dropped).add(file);
        }
        return new Plan(journal.folder(), commandDamage, decisionDamage, lastCommand, commandsAfter.entries,
                commandsAfter.firstId, commandsAfter.lastId, groupsKept, lastCause, groupsDropped, rederived, beyondEnd, kept, dropped, commandRecords,
                decisionRecords, groupsOfLastRecord);
    }

    /** What can still be read after a damaged record (Chronicle moves past a complete one; not past a broken header). */
    private static final class Tally {
        long records;
        long entries;
        long firstId;
        long lastId;

        void readOn(ExcerptTailer tailer, boolean commands) {
            Command command = new Command();
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return;
                    }
                    records++;
                    Bytes<?> in = dc.wire().bytes();
                    try {
                        if (commands) {
                            int count = readCommands(in, command);
                            entries += count;
                            if (count > 0) {
                                lastId = command.sequence;
                                if (firstId == 0) {
                                    firstId = command.sequence - count + 1; // a record's commands are dense
                                }
                            }
                        } else {
                            entries += JournalCodec.readHeader(in, JournalCodec.KIND_DECISIONS);
                        }
                    } catch (RuntimeException unreadable) {
                        // counted as a record; its entries are not known
                    }
                }
            }
        }
    }

    /** Reads every command of a command record; {@code into} is left holding the last. @return how many */
    private static int readCommands(Bytes<?> record, Command into) {
        boolean citizens = JournalCodec.carriesCitizens(record);
        int count = JournalCodec.readCommandHeader(record, citizens);
        for (int i = 0; i < count; i++) {
            JournalCodec.readCommand(record, into, citizens);
        }
        return count;
    }

    /** Writes the plan's records into a new journal, each in the day file of the day it was in. */
    private static void copy(Journal from, Plan plan, Path to) {
        DayClock time = new DayClock();
        try (Journal repaired = Journal.open(to, time)) {
            copyRecords(from.commandQueue(), repaired.commandQueue(), time, plan.commandRecords(), 0);
            copyRecords(from.decisionQueue(), repaired.decisionQueue(), time, plan.decisionRecords(), plan.groupsOfLastRecord());
        }
        try {
            Files.createDirectories(to.resolve(SNAPSHOTS));
            for (Path file : plan.snapshotsKept()) {
                Files.copy(file, to.resolve(SNAPSHOTS).resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the snapshots into " + to.resolve(SNAPSHOTS), e);
        }
    }

    /**
     * Copies the first {@code records} records of a queue as they are, then the first {@code groups}
     * decision groups of the next record as a record of their own.
     */
    private static void copyRecords(SingleChronicleQueue from, SingleChronicleQueue to, DayClock time, long records,
                                    int groups) {
        long cycleMs = from.rollCycle().lengthInMillis();
        try (ExcerptTailer tailer = from.createTailer(); ExcerptAppender appender = to.createAppender()) {
            for (long n = 0; n < records + (groups > 0 ? 1 : 0); n++) {
                try (DocumentContext in = tailer.readingDocument()) {
                    if (!in.isPresent()) {
                        throw new IllegalStateException(from.file() + " ended after " + n + " records while it was copied;"
                                + " " + records + " were read before");
                    }
                    time.ms = from.rollCycle().toCycle(in.index()) * cycleMs;
                    Bytes<?> bytes = in.wire().bytes();
                    try (DocumentContext out = appender.writingDocument()) {
                        if (n < records) {
                            out.wire().bytes().write(bytes, bytes.readPosition(), bytes.readRemaining());
                        } else {
                            firstGroups(bytes, groups, out.wire().bytes());
                        }
                    }
                }
            }
        }
    }

    /**
     * The clock the repaired journal's queues file records under: the start of the day the record
     * was in. Set back to the first day for the decisions after the commands' last (Chronicle's own
     * settable clock refuses to go back).
     */
    private static final class DayClock implements TimeProvider {
        long ms;

        @Override
        public long currentTimeMillis() {
            return ms;
        }

        @Override
        public long currentTimeMicros() {
            return ms * 1_000;
        }

        @Override
        public long currentTimeNanos() {
            return ms * 1_000_000;
        }
    }

    /** Writes the first {@code groups} groups of a decision record as a record of this Loket's format. */
    private static void firstGroups(Bytes<?> record, int groups, Bytes<?> out) {
        JournalCodec.readHeader(record, JournalCodec.KIND_DECISIONS);
        JournalCodec.Scratch scratch = new JournalCodec.Scratch();
        scratch.begin(JournalCodec.KIND_DECISIONS);
        Decision[] group = new Decision[0];
        for (int g = 0; g < groups; g++) {
            long cause = record.readLong(record.readPosition());
            int count = JournalCodec.readGroupHeader(record);
            if (group.length < count) {
                group = new Decision[count];
                for (int i = 0; i < count; i++) {
                    group[i] = new Decision();
                }
            }
            for (int i = 0; i < count; i++) {
                JournalCodec.readDecision(record, group[i].clear());
            }
            scratch.group(cause, group, count);
        }
        scratch.end(groups, out);
    }

    /** Copies what else the journal folder holds (not its queues, snapshots or lock) into the repaired one. */
    private static void copyBeside(Path folder, Path building, Plan plan) {
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals(COMMANDS) && !name.equals(DECISIONS) && !name.equals(SNAPSHOTS) && !name.equals(JournalLock.FILE)) {
                    copyTree(entry, building.resolve(name));
                }
            }
            Path snapshots = folder.resolve(SNAPSHOTS);
            if (Files.isDirectory(snapshots)) {
                try (Stream<Path> files = Files.list(snapshots)) {
                    for (Path file : files.toList()) {
                        // Not a snapshot file of SnapshotStore's naming: the operator's, carried over.
                        if (!plan.snapshotsKept().contains(file) && !plan.snapshotsDropped().contains(file)) {
                            copyTree(file, building.resolve(SNAPSHOTS).resolve(file.getFileName()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the files of " + folder + " into " + building, e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** Reads the repaired journal with the readers' every check: what it holds must be what the plan kept. */
    private static void verify(Path building, Plan plan) {
        try (Journal repaired = Journal.openExisting(building)) {
            long last = 0;
            try (Journal.CommandReader reader = repaired.commandReader()) {
                Command command = new Command();
                while (reader.next(command)) {
                    last = command.sequence;
                }
            }
            long groups = 0;
            long lastCause = 0;
            try (Journal.DecisionReader reader = repaired.decisionReader()) {
                while (reader.next()) {
                    groups++;
                    lastCause = reader.cause();
                }
            }
            if (last != plan.lastCommandKept() || groups != plan.decisionGroupsKept() || lastCause != plan.lastDecisionKept()) {
                throw new IllegalStateException("the repaired journal in " + building + " holds commands up to " + last + " and "
                        + groups + " decision groups (the last of command " + lastCause + "), not the " + plan.lastCommandKept()
                        + ", " + plan.decisionGroupsKept() + " and " + plan.lastDecisionKept() + " read: nothing was changed");
            }
        } catch (JournalDamageException e) {
            throw new IllegalStateException("the journal cannot be repaired by cutting off its damaged records: what is kept"
                    + " of it does not read intact either (" + e.getMessage() + "). Nothing was changed; restore it from a backup", e);
        }
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the unfinished repair " + folder + "; delete it by hand", e);
        }
    }
}
