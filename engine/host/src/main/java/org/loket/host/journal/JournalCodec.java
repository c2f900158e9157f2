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
    static final int KIND_COMMAND = 1;
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

    public static void writeCommand(Command c, Bytes<?> out) {
        out.writeByte((byte) (c.type == null ? 0 : c.type.code()));
        out.writeLong(c.sequence);
        out.writeLong(c.timestampNs);
        out.writeLong(c.contactId);
        out.writeInt(c.agentId);
        out.writeInt(c.entryId);
        out.writeInt(c.queueId);
        out.writeInt(c.channel);
        out.writeInt(c.priority);
        out.writeInt(c.languageId);
        out.writeInt(c.input);
        out.writeInt(c.agentState);
        out.writeInt(c.reason);
        byte[] payload = c.payload;
        if (payload == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(payload.length);
            out.write(payload);
        }
    }

    /** Reads a command record into {@code c}, replacing every field. */
    public static void readCommand(Bytes<?> in, Command c) {
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
        int length = in.readInt();
        if (length < 0) {
            c.payload = null;
        } else {
            byte[] payload = new byte[length];
            in.read(payload);
            c.payload = payload;
        }
    }

    /** Starts one command's group of decisions inside a decision record. */
    public static void writeGroupHeader(long causeSequence, int count, Bytes<?> out) {
        out.writeLong(causeSequence);
        out.writeInt(count);
    }

    public static void writeDecision(Decision d, Bytes<?> out) {
        out.writeByte((byte) d.type.code());
        out.writeLong(d.causeSequence);
        out.writeLong(d.timestampNs);
        out.writeLong(d.contactId);
        out.writeInt(d.agentId);
        out.writeInt(d.queueId);
        out.writeInt(d.promptId);
        out.writeInt(d.nodeId);
        out.writeInt(d.languageId);
        out.writeInt(d.priority);
        out.writeInt(d.outcome);
        out.writeInt(d.reason);
        out.writeInt(d.agentState);
        out.writeInt(d.commandType);
        out.writeInt(d.candidates);
        out.writeInt(d.flags);
        out.writeLong(d.score);
        out.writeLong(d.runnerUp);
    }

    /** Reads one command's group header; @return the number of decisions that follow */
    /** Reads a group header and returns the sequence of the command that caused the group. */
    static long readGroupCause(Bytes<?> in) {
        long cause = in.readLong();
        in.readInt();
        return cause;
    }

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
