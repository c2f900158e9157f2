package org.loket.core;

/**
 * The four channels a contact can arrive on. Codes are stable: they are journaled.
 */
public enum Channel {
    VOICE(0), CHAT(1), EMAIL(2), SOCIAL(3);

    /** Number of channels; per-channel arrays are indexed by {@link #code()}. */
    public static final int COUNT = 4;
    private static final Channel[] BY_CODE = values();

    private final int code;

    Channel(int code) {
        this.code = code;
    }

    /** Stable journal code, also the index into per-channel arrays. */
    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for an unknown code */
    public static Channel ofCode(int code) {
        if (code < 0 || code >= COUNT) {
            throw new IllegalArgumentException("unknown channel code " + code);
        }
        return BY_CODE[code];
    }

    /** Whether the channel is deferrable work (taken when live channels allow). */
    public boolean deferrable() {
        return this == EMAIL || this == SOCIAL;
    }
}
