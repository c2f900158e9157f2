package org.loket.core.routing;

/**
 * Open-addressing map from a non-negative long key to an int value, with linear probing and
 * backward-shift deletion (no tombstones), so lookups stay short however long the engine runs.
 * The table starts small and doubles when half full: it is sized by the contacts actually live,
 * not by the configured maximum, so lookups stay in cache. It allocates only when it grows past
 * its largest size so far, never in steady state. Never iterated: nothing may depend on its order.
 */
final class LongIntHashMap {
    static final int MISSING = -1;
    private static final long EMPTY = -1L;
    private static final int INITIAL_CAPACITY = 1 << 10;

    private long[] keys;
    private int[] values;
    private int mask;
    private int size;

    LongIntHashMap() {
        allocate(INITIAL_CAPACITY);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        java.util.Arrays.fill(keys, EMPTY);
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate(keys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int j = index(oldKeys[i]);
                while (keys[j] != EMPTY) {
                    j = (j + 1) & mask;
                }
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
            }
        }
    }

    int get(long key) {
        int i = index(key);
        while (true) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == EMPTY) {
                return MISSING;
            }
            i = (i + 1) & mask;
        }
    }

    /** @param key non-negative */
    void put(long key, int value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = index(key);
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == EMPTY) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    void remove(long key) {
        int i = index(key);
        while (keys[i] != key) {
            if (keys[i] == EMPTY) {
                return;
            }
            i = (i + 1) & mask;
        }
        size--;
        // Backward shift: move later entries of the probe run into the hole when their home allows.
        int hole = i;
        int j = (i + 1) & mask;
        while (keys[j] != EMPTY) {
            int home = index(keys[j]);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
            j = (j + 1) & mask;
        }
        keys[hole] = EMPTY;
    }

    int size() {
        return size;
    }

    private int index(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
