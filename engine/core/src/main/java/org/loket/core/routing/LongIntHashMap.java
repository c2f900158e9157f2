package org.loket.core.routing;

/**
 * Open-addressing map from a non-negative long key to an int value, with linear probing and
 * backward-shift deletion (no tombstones), so lookups stay short however long the engine runs.
 * The table starts small and doubles when half full: it is sized by the contacts actually live,
 * not by the configured maximum, so lookups stay in cache. It allocates only when it grows past
 * its largest size so far, never in steady state. Never iterated: nothing may depend on its order.
 * <p>Keys and values share one array, a key beside its value: a lookup of a key not in cache
 * costs one trip to memory, not two.
 */
final class LongIntHashMap {
    static final int MISSING = -1;
    private static final long EMPTY = -1L;
    private static final int INITIAL_CAPACITY = 1 << 10;

    /** Entry {@code i}: key at {@code 2i}, value at {@code 2i + 1}. */
    private long[] table;
    private int mask;
    private int size;

    LongIntHashMap() {
        allocate(INITIAL_CAPACITY);
    }

    private void allocate(int capacity) {
        table = new long[2 * capacity];
        mask = capacity - 1;
        for (int i = 0; i < capacity; i++) {
            table[2 * i] = EMPTY;
        }
    }

    private void grow() {
        long[] old = table;
        allocate(2 * (mask + 1));
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != EMPTY) {
                int j = index(old[i]);
                while (table[2 * j] != EMPTY) {
                    j = (j + 1) & mask;
                }
                table[2 * j] = old[i];
                table[2 * j + 1] = old[i + 1];
            }
        }
    }

    int get(long key) {
        int i = index(key);
        while (true) {
            long k = table[2 * i];
            if (k == key) {
                return (int) table[2 * i + 1];
            }
            if (k == EMPTY) {
                return MISSING;
            }
            i = (i + 1) & mask;
        }
    }

    /** @param key non-negative */
    void put(long key, int value) {
        if ((size + 1) * 2 > mask + 1) {
            grow();
        }
        int i = index(key);
        while (table[2 * i] != EMPTY && table[2 * i] != key) {
            i = (i + 1) & mask;
        }
        if (table[2 * i] == EMPTY) {
            size++;
        }
        table[2 * i] = key;
        table[2 * i + 1] = value;
    }

    void remove(long key) {
        int i = index(key);
        while (table[2 * i] != key) {
            if (table[2 * i] == EMPTY) {
                return;
            }
            i = (i + 1) & mask;
        }
        size--;
        // Backward shift: move later entries of the probe run into the hole when their home allows.
        int hole = i;
        int j = (i + 1) & mask;
        while (table[2 * j] != EMPTY) {
            int home = index(table[2 * j]);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                table[2 * hole] = table[2 * j];
                table[2 * hole + 1] = table[2 * j + 1];
                hole = j;
            }
            j = (j + 1) & mask;
        }
        table[2 * hole] = EMPTY;
    }

    int size() {
        return size;
    }

    private int index(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
