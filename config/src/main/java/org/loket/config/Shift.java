package org.loket.config;

import java.util.Locale;

/**
 * When one agent works on a simulated or planned day: from {@code startMinute} to {@code endMinute}
 * after midnight, local time. Shifts do not cross midnight.
 *
 * @param startMinute 0..1439
 * @param endMinute   startMinute+1..1440
 */
public record Shift(int startMinute, int endMinute) {
    /** The whole day: what an agent without a shift works. */
    public static final Shift ALL_DAY = new Shift(0, 24 * 60);

    public Shift {
        if (startMinute < 0 || endMinute > 24 * 60 || endMinute <= startMinute) {
            throw new IllegalArgumentException("a shift runs forward within one day: " + startMinute + ".." + endMinute);
        }
    }

    public long startMs() {
        return startMinute * 60_000L;
    }

    public long endMs() {
        return endMinute * 60_000L;
    }

    /** Whether the agent works at {@code minute} after midnight. */
    public boolean covers(int minute) {
        return minute >= startMinute && minute < endMinute;
    }

    @Override
    public String toString() {
        return clock(startMinute) + "-" + clock(endMinute);
    }

    /** "HH:MM" for minutes after midnight. */
    public static String clock(int minute) {
        return String.format(Locale.ROOT, "%02d:%02d", minute / 60, minute % 60);
    }
}
