package org.loket.host.journal;

import net.openhft.chronicle.bytes.Bytes;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;

/**
 * The journal's binary records. Every record (a Chronicle document) starts with the journal's
 * major format version, a record kind and a count, so a reader refuses a journal written by an
 * incompatible Loket instead of misreading it. A command record holds a batch of consecutive
 * commands (what the journal stage found published at once); a decision record holds a batch of
 * groups, each the decisions one command caused. Batching saves Chronicle's per-document cost,
 * which was most of the journal thread's time with one document per command.
 */
public final class JournalCodec {
    /** Major format version; a reader refuses records of another. */
    public static final int FORMAT_MAJOR = 1;
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
     * Writes a record header with a zero count; @return where the count is, for {@link #patchCount}
     */
    static long writeHeader(int kind, Bytes<?> out) {
        out.writeByte((byte) FORMAT_MAJOR);
        out.writeByte((byte) kind);
        long countAt = out.writePosition();
        out.writeInt(0);
        return countAt;
    }

    static void patchCount(Bytes<?> out, long countAt, int count) {
        out.writeInt(countAt, count);
    }

    /** Reads a record header of the expected kind; @return the count of entries that follow */
    static int readHeader(Bytes<?> in, int kind) {
        expect(in, kind);
        return in.readInt();
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
     * Encodes records into a reused array and appends each with one write: Chronicle checks bounds
     * and state on every single-field write, which was most of the IO thread's journaling time
     * (perf/RESULTS.md section 2). The layout is what {@link #readCommand}, {@link #readGroupHeader}
     * and {@link #readDecision} read (native byte order, as Chronicle's own writes). One per writer;
     * not thread-safe.
     */
    static final class Scratch {
        static final int GROUP_HEADER_BYTES = 8 + 4;
        static final int DECISION_BYTES = 1 + 3 * 8 + 12 * 4 + 2 * 8;
        private static final java.lang.invoke.VarHandle INT =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.nativeOrder());
        private static final java.lang.invoke.VarHandle LONG =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.nativeOrder());
        private byte[] buf = new byte[GROUP_HEADER_BYTES + 8 * DECISION_BYTES];
        private int at;

        /** Appends one command (its payload, if any, after its fixed part). */
        void command(Command c, Bytes<?> out) {
            at = 0;
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
            out.write(buf, 0, at);
            if (c.payload != null) {
                out.write(c.payload);
            }
        }

        /** Appends one group: its header and the command's decisions. */
        void group(long causeSequence, Decision[] decisions, int count, Bytes<?> out) {
            int size = GROUP_HEADER_BYTES + count * DECISION_BYTES;
            if (buf.length < size) {
                buf = new byte[Math.max(size, 2 * buf.length)];
            }
            at = 0;
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
            out.write(buf, 0, at);
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

    private static void expect(Bytes<?> in, int kind) {
        int format = in.readByte();
        int actualKind = in.readByte();
        if (format != FORMAT_MAJOR) {
            throw new FormatException("journal record of format " + format + ", this Loket reads format " + FORMAT_MAJOR);
        }
        if (actualKind != kind) {
            throw new FormatException("journal record of kind " + actualKind + " where kind " + kind + " was expected");
        }
    }
}
