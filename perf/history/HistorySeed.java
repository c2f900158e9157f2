import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.loket.host.kpi.KpiCollector;
import org.loket.host.kpi.TodayKpis;
import org.loket.host.trace.CitizenHistory;

/**
 * perf/history-seed.sh: the chat gateway's start-up read of a journal, without and with the
 * citizens' history (the same read), alternating, in one JVM; then the heap the history keeps.
 */
public final class HistorySeed {
    public static void main(String[] args) {
        Path journal = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        ZoneId zone = ZoneId.of("Europe/Amsterdam");
        long day = LocalDate.of(2027, 3, 1).toEpochDay();
        Instant weekBefore = LocalDate.of(2027, 2, 22).atStartOfDay(zone).toInstant();
        for (int round = 0; round <= rounds; round++) { // round 0 warms up
            long startNs = System.nanoTime();
            TodayKpis.fromJournal(journal, Long.MAX_VALUE, zone, KpiCollector.DEFAULT_SHORT_ABANDON_MS, day);
            long withoutNs = System.nanoTime() - startNs;
            CitizenHistory history = new CitizenHistory(zone, null, Duration.ofDays(7), CitizenHistory.DEFAULT_MAX_PER_CITIZEN);
            startNs = System.nanoTime();
            TodayKpis.fromJournal(journal, Long.MAX_VALUE, zone, KpiCollector.DEFAULT_SHORT_ABANDON_MS, day, weekBefore, history::accept);
            long withNs = System.nanoTime() - startNs;
            if (round > 0) {
                System.out.printf("round %d: today's figures %,d ms, with the history %,d ms (%d citizens)%n",
                        round, withoutNs / 1_000_000, withNs / 1_000_000, history.citizens());
            }
        }
        long before = usedAfterGc();
        CitizenHistory kept = new CitizenHistory(zone, null, Duration.ofDays(7), CitizenHistory.DEFAULT_MAX_PER_CITIZEN);
        TodayKpis.fromJournal(journal, Long.MAX_VALUE, zone, KpiCollector.DEFAULT_SHORT_ABANDON_MS, day, weekBefore, kept::accept);
        long after = usedAfterGc();
        System.out.printf("heap the history keeps: %.1f MB for %d citizens%n", (after - before) / 1e6, kept.citizens());
        java.lang.ref.Reference.reachabilityFence(kept); // measured above while still reachable
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
