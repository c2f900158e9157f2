package org.loket.core.state;

import org.loket.core.decision.Decision;

/** A {@link StateWriter} that folds everything written into one 64-bit hash. */
public final class StateHasher implements StateWriter {
    private long hash = 0x4C6F_6B65_7453_7461L;

    @Override
    public void writeInt(int value) {
        hash = Decision.mix(hash, value);
    }

    @Override
    public void writeLong(long value) {
        hash = Decision.mix(hash, value);
    }

    @Override
    public void writeBytes(byte[] bytes) {
        if (bytes == null) {
            writeInt(-1);
            return;
        }
        writeInt(bytes.length);
        for (byte b : bytes) {
            hash = Decision.mix(hash, b);
        }
    }

    /** The hash of everything written so far. */
    public long hash() {
        return hash;
    }
}
