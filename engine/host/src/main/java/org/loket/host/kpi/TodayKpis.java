package org.loket.host.kpi;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;

/**
 * Today's KPIs, as a wallboard shows them: a {@link KpiCollector} for the current local day, a new
 * one from each local midnight of the zone, which starts with the configuration in force at that
 * moment (contacts that arrived before midnight are yesterday's). Fed with every command and its
 * decisions in journal order; a command whose sequence was fed already is skipped, so a collector
 * seeded from the journal ({@link #fromJournal}) can take the live stream from any point behind
 * where the seed stopped reading.
 * <p>Not thread-safe: one thread feeds and reads it.
 */
public final class TodayKpis {
    private final long shortAbandonMs;
    private ZoneId zone;
    private KpiCollector today;
    private long todayEpochDay = Long.MIN_VALUE;
    /** The last configuration the core accepted (encoded), installed first in each new day's collector. */
    private byte[] configInForce;
    /** The service announcement's prompt in force (by name: a reload keeps it so), or null. */
    private String announcementInForce;
    private long lastSequence = Long.MIN_VALUE;
    private CommandType lastType;

    /**
     * @param configInForce the configuration in force now ({@code RoutingConfigCodec}), or null when
     *                      the stream fed next carries it
     */
    public TodayKpis(ZoneId zone, long shortAbandonMs, byte[] configInForce) {
        this.zone = zone;
        this.shortAbandonMs = shortAbandonMs;
        this.configInForce = configInForce;
    }

    /**
     * Reads a journal up to {@code beforeSequence} (see {@link JournalKpis#forEach}) from the newest
     * snapshot written before the local day {@code fromEpochDay} began (the engine takes one at the
     * end of each UTC day), or from its start: what comes before that day only for the configuration
     * in force, the rest into the collectors. So a restart reads about a day of the journal, however
     * many days its retention keeps.
     *
     * @param fromEpochDay the local day (of {@code zone}) whose figures are wanted, usually today
     * @throws IllegalArgumentException when the folder holds no journal
     */
    public static TodayKpis fromJournal(Path journal, long beforeSequence, ZoneId zone, long shortAbandonMs, long fromEpochDay) {
        return fromJournal(journal, beforeSequence, zone, shortAbandonMs, fromEpochDay, Instant.MAX, (command, decisions, count) -> { });
    }

    /**
     * {@link #fromJournal(Path, long, ZoneId, long, long)} that also hands every command read, with its
     * decisions, to {@code also} (a reader that needs the same stretch of journal: one read, not two),
     * from {@code readFrom} on when that is earlier than the day's start: the read then starts at the
     * newest snapshot before it; the collectors take the day and on, as before.
     */
    public static TodayKpis fromJournal(Path journal, long beforeSequence, ZoneId zone, long shortAbandonMs, long fromEpochDay,
                                        Instant readFrom, JournalKpis.Visitor also) {
        LocalDate day = LocalDate.ofEpochDay(fromEpochDay);
        Instant dayStart = day.atStartOfDay(zone).toInstant();
        return read(journal, beforeSequence, Long.MAX_VALUE, zone, shortAbandonMs, day, readFrom.isBefore(dayStart) ? readFrom : dayStart, also);
    }

    /**
     * The figures of one local day of a journal ({@code loket report --day}): read from the newest
     * snapshot written before the day began up to its end, as {@link #fromJournal} does for today.
     *
     * @return null when nothing happened that day
     * @throws IllegalArgumentException when the folder holds no journal
     */
    public static KpiReport ofDay(Path journal, ZoneId zone, long shortAbandonMs, LocalDate day) {
        long dayEndNs = epochNs(day.plusDays(1).atStartOfDay(zone).toInstant());
        TodayKpis kpis = read(journal, Long.MAX_VALUE, dayEndNs, zone, shortAbandonMs, day, day.atStartOfDay(zone).toInstant(),
                (command, decisions, count) -> { });
        return kpis.report(epochNs(day.atStartOfDay(zone).toInstant()));
    }

    /** Reads from {@code readFrom}: {@code day} and on into the collectors (what is before it only for the configuration in force), up to either bound. */
    private static TodayKpis read(Path journal, long beforeSequence, long untilNs, ZoneId zone, long shortAbandonMs, LocalDate day,
                                  Instant readFrom, JournalKpis.Visitor also) {
        TodayKpis kpis = new TodayKpis(zone, shortAbandonMs, null);
        long epochDay = day.toEpochDay();
        JournalKpis.forEach(journal, readFrom, beforeSequence, untilNs, (command, decisions, count) -> {
            also.accept(command, decisions, count);
            if (kpis.epochDay(command.timestampNs) < epochDay) {
                kpis.track(command, decisions, count);
            } else {
                kpis.accept(command, decisions, count);
            }
        });
        return kpis;
    }

    private static long epochNs(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** The zone whose midnight starts the next day's collector (today's keeps its day). */
    public void zone(ZoneId next) {
        zone = next;
    }

    /** Feeds one command with the decisions it caused, in journal order; one fed before is skipped. */
    public void accept(Command command, Decision[] decisions, int count) {
        if (!track(command, decisions, count)) {
            return;
        }
        long day = epochDay(command.timestampNs);
        if (day != todayEpochDay) {
            todayEpochDay = day;
            today = new KpiCollector(zone, shortAbandonMs);
            if (configInForce != null && configInForce != command.payload) { // unless this command brings it
                Command inForce = new Command();
                inForce.type = CommandType.CONFIG_APPLIED;
                inForce.sequence = -1;
                inForce.timestampNs = command.timestampNs; // in force from the day's first command on
                inForce.payload = configInForce;
                today.accept(inForce, new Decision[0], 0);
            }
            if (announcementInForce != null && command.type != CommandType.ANNOUNCEMENT_SET) {
                today.announcementInForce(announcementInForce, epochNs(LocalDate.ofEpochDay(day).atStartOfDay(zone).toInstant()));
            }
        }
        today.accept(command, decisions, count);
    }

    /** Today's figures at {@code nowNs} (epoch ns), or null when nothing happened yet today. */
    public KpiReport report(long nowNs) {
        return today == null || todayEpochDay != epochDay(nowNs) ? null : today.report();
    }

    /** The sequence of the last command fed (Long.MIN_VALUE before the first). */
    public long lastSequence() {
        return lastSequence;
    }

    /**
     * Notes the sequence, an accepted configuration and the service announcement.
     *
     * @return false when this command was fed before (an earlier sequence, or this one again; the
     *         commands {@link JournalKpis} makes up at an origin share its sequence, not its type)
     */
    private boolean track(Command command, Decision[] decisions, int count) {
        if (command.sequence < lastSequence || command.sequence == lastSequence && command.type == lastType) {
            return false;
        }
        lastSequence = command.sequence;
        lastType = command.type;
        if (rejected(decisions, count)) {
            return true;
        }
        if (command.type == CommandType.CONFIG_APPLIED && command.payload != null) {
            configInForce = command.payload; // a fresh array per command (ring and journal reader alike)
        } else if (command.type == CommandType.ANNOUNCEMENT_SET && configInForce != null) {
            // Rare: an operator's act. Its prompt by name, which the core keeps over a reload.
            var prompts = RoutingConfigCodec.decode(configInForce).prompts();
            announcementInForce = command.input >= 0 && command.input < prompts.size() ? prompts.get(command.input) : null;
        }
        return true;
    }

    private static boolean rejected(Decision[] decisions, int count) {
        for (int i = 0; i < count; i++) {
            if (decisions[i].type == DecisionType.REJECT_COMMAND) {
                return true;
            }
        }
        return false;
    }

    private long epochDay(long epochNs) {
        return Instant.ofEpochSecond(0, epochNs).atZone(zone).toLocalDate().toEpochDay();
    }
}
