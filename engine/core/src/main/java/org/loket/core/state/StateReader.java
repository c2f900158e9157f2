package org.loket.core.state;

/** Reads what a {@link StateWriter} wrote, in the same order. */
public interface StateReader {
    int readInt();

    long readLong();

    /** @return the bytes, or {@code null} when {@code -1} was written */
    byte[] readBytes();
}
