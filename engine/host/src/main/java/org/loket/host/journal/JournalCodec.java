package org.loket.host.journal;

import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;

/**
 * The journal's binary records. Every record (a Chronicle document) starts with the journal's
 * major format version and a record kind, so a reader refuses a journal written by an
 * incompatible Loket instead of misreading it. A command record holds a batch of consecutive
 * commands (what the journal stage found published at once); a decision record holds a batch of
 * groups, each the decisions one command caused. Batching saves Chronicle's per-document cost,
 * which was most of the journal thread's time with one document per command.
 * <p>Format 2 (what this Loket writes): format, kind, the entries, then a trailer of the entry
 * count and the CRC32C of every byte before the checksum, both written when the batch ends.
 * Format 1 (read, not written): format, kind, the count, the entries; no checksum.
 */
public final class JournalCodec {
    /** Major format version this Loket writes: records with a checksum. A reader refuses records of a later one. */
    public static final int FORMAT_MAJOR = 2;
    /** Records as Lokets before checksums wrote them (the count in the header, no trailer): read, not written. */
    static final int FORMAT_WITHOUT_CHECKSUM = 1;
    /** A format-2 record ends with its entry count and its CRC32C. */
    static final int TRAILER_BYTES = 4 + 4;
    /** Commands with the citizen's pseudonym (since session 14); what this Loket writes. */
    static final int KIND_COMMAND = 3;
    /** Commands as the first Lokets wrote them, without the citizen's pseudonym: read, not written. */
    static final int KIND_COMMAND_WITHOUT_CITIZEN = 1;
    static final int KIND_DECISIONS = 2;

    private JournalCodec() {
    }

    /** Thrown when a record is of an unknown format or kind. */
    public static final class FormatException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    /**
     * Reads a record header of the expected kind; @return the count of entries that follow. Of a
     * format-2 record, the count comes from its trailer, which is then beyond the read limit. The
     * checksum is the caller's to check first ({@link #checksumFails}).
     */
    static int readHeader(Bytes<?> in, int kind) {
        if (expect(in, kind) == FORMAT_WITHOUT_CHECKSUM) {
            return in.readInt();
        }
        long trailer = in.readLimit() - TRAILER_BYTES;
        if (trailer < in.readPosition()) {
            throw new FormatException("journal record of " + (trailer + TRAILER_BYTES) + " bytes, too short for its trailer");
        }
        int count = in.readInt(trailer);
        in.readLimit(trailer);
        return count;
    }

    /**
     * Whether a record of this Loket's format fails its checksum; false for a record of format 1,
     * which has none, or of an unknown format (refused by {@link #readHeader}).
     *
     * @param record the record's bytes, from its first at index 0
     * @param length how many there are
     */
    static boolean checksumFails(byte[] record, int length, CRC32C crc) {
        if (length < 1 || record[0] != FORMAT_MAJOR) {
            return false;
        }
        if (length < 2 + TRAILER_BYTES) {
            return true;
        }
        crc.reset();
        crc.update(record, 0, length - 4);
        return (int) crc.getValue() != (int) Scratch.INT.get(record, length - 4);
    }

    /** Whether a record's bytes are of the format with checksums. */
    static boolean checked(byte[] record, int length) {
        return length > 0 && record[0] == FORMAT_MAJOR;
    }

    /**
     * What is wrong with a complete record, or null when it reads (or is of a later format: see
     * {@link #later}). A record of this Loket's format must pass its checksum. One whose format byte
     * reads otherwise is a record of this format whose format byte changed when its checksum holds
     * with the format byte put back (a chance of 1 in 2^32 for a record of another format), and is
     * damage too when no Loket writes its format (0, or 128 and above: negative as a signed byte). A record of
     * format 1 (no checksum) is read unchecked, unless records with checksums came before it.
     *
     * @param record         the record's bytes, from its first at index 0
     * @param length         how many there are
     * @param afterChecksums whether records with checksums were read before it in its queue
     * @return what to say after "is complete but", or null
     */
    static String problem(byte[] record, int length, CRC32C crc, boolean afterChecksums) {
        if (length < 1) {
            return null;
        }
        int format = record[0] & 0xff;
        if (format == FORMAT_MAJOR) {
            return checksumFails(record, length, crc) ? "fails its checksum" : null;
        }
        if (formatByteChanged(record, length, crc)) {
            return "is of format " + format + " where its checksum says format " + FORMAT_MAJOR + ": its format byte changed";
        }
        if (format == FORMAT_WITHOUT_CHECKSUM) {
            return afterChecksums ? "is of format " + FORMAT_WITHOUT_CHECKSUM + " (no checksum) after records of format "
                    + FORMAT_MAJOR + ": its format byte changed" : null;
        }
        return later(record, length) ? null : "is of format " + format + ", which no Loket writes";
    }

    /**
     * Whether a record is of a format later than this Loket's (written by a newer Loket, which this
     * one cannot read) rather than damaged: see {@link #problem}, which must have found nothing.
     */
    static boolean later(byte[] record, int length) {
        return length > 0 && record[0] > FORMAT_MAJOR;
    }

    /** Whether the record's checksum holds once its first byte reads this Loket's format again. */
    private static boolean formatByteChanged(byte[] record, int length, CRC32C crc) {
        if (length < 2 + TRAILER_BYTES) {
            return false;
        }
        crc.reset();
        crc.update(FORMAT_MAJOR);
        crc.update(record, 1, length - 5);
        return (int) crc.getValue() == (int) Scratch.INT.get(record, length - 4);
    }

    /**
     * Whether the command record at the reader's position carries citizens' pseudonyms (peeked, not
     * read): pass its answer to {@link #readCommandHeader} and {@link #readCommand}.
     */
    static boolean carriesCitizens(Bytes<?> record) {
        return record.readByte(record.readPosition() + 1) != KIND_COMMAND_WITHOUT_CITIZEN;
    }

    /** Reads a command record's header; @return the count of commands that follow */
    static int readCommandHeader(Bytes<?> in, boolean citizens) {
        return readHeader(in, citizens ? KIND_COMMAND : KIND_COMMAND_WITHOUT_CITIZEN);
    }

    /**
     * Reads a command into {@code c}, replacing every field.
     *
     * @param citizens what {@link #carriesCitizens} said of its record
     */
    public static void readCommand(Bytes<?> in, Command c, boolean citizens) {
        c.type = CommandType.ofCode(in.readByte());
        c.sequence = in.readLong();
        c.timestampNs = in.readLong();
        c.contactId = in.readLong();
        c.agentId = in.readInt();
        c.entryId = in.readInt();
        c.queueId = in.readInt();
        c.channel = in.readInt();
        c.priority = in.readInt();
        c.languageId = in.readInt();
        c.input = in.readInt();
        c.agentState = in.readInt();
        c.reason = in.readInt();
        c.citizenPseudonym = citizens ? in.readLong() : Command.UNKNOWN_CITIZEN;
        int length = in.readInt();
        if (length < 0) {
            c.payload = null;
        } else {
            byte[] payload = new byte[length];
            in.read(payload);
            c.payload = payload;
        }
    }

    /**
     * Encodes a record into a reused array and appends it with one write when it ends: Chronicle
     * checks bounds and state on every single-field write, which was most of the IO thread's
     * journaling time (perf/RESULTS.md section 2). The layout is what {@link #readHeader},
     * {@link #readCommand}, {@link #readGroupHeader} and {@link #readDecision} read (native byte
     * order, as Chronicle's own writes). The record's CRC32C is taken of the whole array at once:
     * per command, one update of a few dozen bytes cost ~7 ns here, the whole batch's ~1 ns
     * (perf/RESULTS.md section 1, "Journal checksums"). One per writer; not thread-safe.
     */
    static final class Scratch {
        static final int GROUP_HEADER_BYTES = 8 + 4;
        static final int DECISION_BYTES = 1 + 3 * 8 + 12 * 4 + 2 * 8;
        static final int COMMAND_BYTES = 1 + 3 * 8 + 9 * 4 + 8 + 4;
        static final java.lang.invoke.VarHandle INT =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.nativeOrder());
        private static final java.lang.invoke.VarHandle LONG =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.nativeOrder());
        /** Room for a batch of 256 commands (the engine's journal stage writes up to that many at once). */
        private byte[] buf = new byte[2 + 256 * COMMAND_BYTES + TRAILER_BYTES];
        private int at;
        private final CRC32C crc = new CRC32C();

        /** Starts a record: its header. */
        void begin(int kind) {
            at = 0;
            putByte(FORMAT_MAJOR);
            putByte(kind);
        }

        /** Ends the record: its trailer (the count of entries and the checksum of every byte before it), and writes it. */
        void end(int count, Bytes<?> out) {
            room(TRAILER_BYTES);
            putInt(count);
            crc.reset();
            crc.update(buf, 0, at);
            putInt((int) crc.getValue());
            out.write(buf, 0, at);
        }

        /** Adds one command (its payload, if any, after its fixed part). */
        void command(Command c) {
            room(COMMAND_BYTES + (c.payload == null ? 0 : c.payload.length));
            putByte(c.type == null ? 0 : c.type.code());
            putLong(c.sequence);
            putLong(c.timestampNs);
            putLong(c.contactId);
            putInt(c.agentId);
            putInt(c.entryId);
            putInt(c.queueId);
            putInt(c.channel);
            putInt(c.priority);
            putInt(c.languageId);
            putInt(c.input);
            putInt(c.agentState);
            putInt(c.reason);
            putLong(c.citizenPseudonym);
            putInt(c.payload == null ? -1 : c.payload.length);
            if (c.payload != null) {
                System.arraycopy(c.payload, 0, buf, at, c.payload.length);
                at += c.payload.length;
            }
        }

        /** Adds one group: its header and the command's decisions. */
        void group(long causeSequence, Decision[] decisions, int count) {
            room(GROUP_HEADER_BYTES + count * DECISION_BYTES);
            putLong(causeSequence);
            putInt(count);
            for (int i = 0; i < count; i++) {
                Decision d = decisions[i];
                putByte(d.type.code());
                putLong(d.causeSequence);
                putLong(d.timestampNs);
                putLong(d.contactId);
                putInt(d.agentId);
                putInt(d.queueId);
                putInt(d.promptId);
                putInt(d.nodeId);
                putInt(d.languageId);
                putInt(d.priority);
                putInt(d.outcome);
                putInt(d.reason);
                putInt(d.agentState);
                putInt(d.commandType);
                putInt(d.candidates);
                putInt(d.flags);
                putLong(d.score);
                putLong(d.runnerUp);
            }
        }

        /** Makes room for {@code bytes} more (a long batch, a configuration's payload). */
        private void room(int bytes) {
            if (buf.length - at < bytes) {
                buf = java.util.Arrays.copyOf(buf, Math.max(at + bytes, 2 * buf.length));
            }
        }

        private void putByte(int value) {
            buf[at++] = (byte) value;
        }

        private void putInt(int value) {
            INT.set(buf, at, value);
            at += 4;
        }

        private void putLong(long value) {
            LONG.set(buf, at, value);
            at += 8;
        }
    }

    /** Reads a group header and returns the sequence of the command that caused the group. */
    static long readGroupCause(Bytes<?> in) {
        long cause = in.readLong();
        in.readInt();
        return cause;
    }

    /** Reads one command's group header; @return the number of decisions that follow */
    public static int readGroupHeader(Bytes<?> in) {
        in.readLong();
        return in.readInt();
    }

    public static void readDecision(Bytes<?> in, Decision d) {
        d.type = DecisionType.ofCode(in.readByte());
        d.causeSequence = in.readLong();
        d.timestampNs = in.readLong();
        d.contactId = in.readLong();
        d.agentId = in.readInt();
        d.queueId = in.readInt();
        d.promptId = in.readInt();
        d.nodeId = in.readInt();
        d.languageId = in.readInt();
        d.priority = in.readInt();
        d.outcome = in.readInt();
        d.reason = in.readInt();
        d.agentState = in.readInt();
        d.commandType = in.readInt();
        d.candidates = in.readInt();
        d.flags = in.readInt();
        d.score = in.readLong();
        d.runnerUp = in.readLong();
    }

    /** Reads a record's format and kind; @return its format */
    private static int expect(Bytes<?> in, int kind) {
        int format = in.readByte();
        int actualKind = in.readByte();
        if (format != FORMAT_MAJOR && format != FORMAT_WITHOUT_CHECKSUM) {
            throw new FormatException("journal record of format " + format + ", this Loket reads formats "
                    + FORMAT_WITHOUT_CHECKSUM + "-" + FORMAT_MAJOR);
        }
        if (actualKind != kind) {
            throw new FormatException("journal record of kind " + actualKind + " where kind " + kind + " was expected");
        }
        return format;
    }
}
