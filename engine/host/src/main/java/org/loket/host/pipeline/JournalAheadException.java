package org.loket.host.pipeline;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A journal whose last command is later than the host's clock by more than the engine allows
 * ({@link EngineSettings#maxJournalAheadMs}): refused at start, before anything is deleted or
 * journaled. Its commands would have to be stamped from the journal's time on (time never goes
 * back in a journal), so business hours and reports would follow that time, not the host's.
 */
public final class JournalAheadException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    JournalAheadException(String journal, long journalEndNs, long hostNowNs) {
        super("journal " + journal + " ends at " + instant(journalEndNs) + " (its last command), " + span(journalEndNs - hostNowNs)
                + " after this host's clock (" + instant(hostNowNs) + "): this run's commands would be stamped from the journal's"
                + " time on, since time never goes back in a journal, and business hours and reports would follow that time."
                + " A journal that far ahead is likely not the folder meant (a simulated day's journal, a copy from a machine whose"
                + " clock was ahead), or this host's clock is wrong (check it: timedatectl). Nothing was started");
    }

    /** An epoch time to the second, for messages. */
    static Instant instant(long epochNs) {
        return Instant.ofEpochSecond(0, epochNs).truncatedTo(ChronoUnit.SECONDS);
    }

    /** A span of time in its two largest units, for messages: "95 days 12 h", "3 h 05 min", "3 min 12 s", "850 ms". */
    static String span(long ns) {
        long ms = ns / 1_000_000;
        long s = ms / 1_000;
        if (s >= 86_400) {
            return s / 86_400 + (s / 86_400 == 1 ? " day " : " days ") + (s % 86_400) / 3_600 + " h";
        }
        if (s >= 3_600) {
            return String.format(java.util.Locale.ROOT, "%d h %02d min", s / 3_600, (s % 3_600) / 60);
        }
        if (s >= 60) {
            return String.format(java.util.Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return s > 0 ? s + " s" : ms + " ms";
    }
}
