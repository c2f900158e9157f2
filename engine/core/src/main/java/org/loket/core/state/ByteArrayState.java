package org.loket.core.state;

import java.nio.ByteBuffer;

/**
 * An in-memory {@link StateWriter} and {@link StateReader} over a byte array; the host writes the
 * array to a snapshot file.
 */
public final class ByteArrayState implements StateWriter, StateReader {
    private ByteBuffer buffer;

    /** An empty state to write into. */
    public ByteArrayState() {
        buffer = ByteBuffer.allocate(1 << 16);
    }

    /** A state to read from. */
    public ByteArrayState(byte[] bytes) {
        buffer = ByteBuffer.wrap(bytes);
    }

    @Override
    public void writeInt(int value) {
        ensure(4).putInt(value);
    }

    @Override
    public void writeLong(long value) {
        ensure(8).putLong(value);
    }

    @Override
    public void writeBytes(byte[] bytes) {
        if (bytes == null) {
            writeInt(-1);
            return;
        }
        writeInt(bytes.length);
        ensure(bytes.length).put(bytes);
    }

    @Override
    public int readInt() {
        return buffer.getInt();
    }

    @Override
    public long readLong() {
        return buffer.getLong();
    }

    @Override
    public byte[] readBytes() {
        int length = buffer.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    /** Whether unread bytes remain. */
    public boolean hasRemaining() {
        return buffer.hasRemaining();
    }

    /** The bytes written so far. */
    public byte[] toByteArray() {
        byte[] bytes = new byte[buffer.position()];
        buffer.duplicate().flip().get(bytes);
        return bytes;
    }

    private ByteBuffer ensure(int bytes) {
        if (buffer.remaining() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
        return buffer;
    }
}
