package org.loket.host.replay;

import java.util.Locale;

/**
 * How fast replay feeds commands: as fast as possible, at recorded speed, or N times recorded speed.
 *
 * @param speedFactor 0 for "max", otherwise recorded time is divided by this
 */
public record Pace(double speedFactor) {
    public static final Pace MAX = new Pace(0);

    /** Parses {@code max}, {@code realtime} or {@code xN} (e.g. {@code x10}). */
    public static Pace parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("max")) {
            return MAX;
        }
        if (t.equals("realtime")) {
            return new Pace(1);
        }
        if (t.startsWith("x")) {
            try {
                double factor = Double.parseDouble(t.substring(1));
                if (factor > 0) {
                    return new Pace(factor);
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("pace '" + text + "' is not one of max, realtime, xN (N > 0, e.g. x10)");
    }

    public boolean unpaced() {
        return speedFactor == 0;
    }
}
