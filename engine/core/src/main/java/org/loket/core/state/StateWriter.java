package org.loket.core.state;

/**
 * Where the core writes its state, in a fixed order: a snapshot file, or a hash. The same order
 * serves both, so "state hash equal" means "snapshot equal".
 */
public interface StateWriter {
    void writeInt(int value);

    void writeLong(long value);

    /** Writes the length (or -1 for {@code null}) followed by the bytes. */
    void writeBytes(byte[] bytes);
}
