package org.loket.host.kpi;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import org.loket.core.config.WorkingDays;

/**
 * A clock that runs on working days only (Monday to Friday, except holidays, in the helpdesk's
 * zone) and stands still on the others: what "answered within two working days" measures. A
 * contact that arrives on Friday at 16:00 has used two working days on Tuesday at 16:00; one that
 * arrives on Saturday has used none until Monday 00:00.
 * <p>Time is counted on the local wall clock, so a working day is always 24 hours long (the day
 * summer time begins or ends too), and a threshold of N working days ends at the local time the
 * contact arrived. Immutable.
 */
public final class WorkingClock {
    private static final long DAY_MS = 86_400_000L;
    /** Longest span walked day by day; a contact that waits longer is past any threshold anyway. */
    private static final int MAX_DAYS = 3_660;

    private final ZoneId zone;
    private final Set<LocalDate> holidays;

    public WorkingClock(WorkingDays days) {
        ZoneId zoneId;
        try {
            zoneId = ZoneId.of(days.zone());
        } catch (DateTimeException e) {
            zoneId = ZoneId.of(WorkingDays.WEEKDAYS.zone()); // a journal from a JDK whose time-zone data knew the region
        }
        this.zone = zoneId;
        this.holidays = Set.copyOf(days.holidays());
    }

    /** Working milliseconds from {@code fromMs} to {@code toMs} (epoch); 0 when {@code toMs} is not later. */
    public long workingMs(long fromMs, long toMs) {
        long from = wallMs(fromMs);
        long to = wallMs(toMs);
        long sum = 0;
        long day = Math.floorDiv(from, DAY_MS);
        for (int walked = 0; day * DAY_MS < to && walked < MAX_DAYS; day++, walked++) {
            if (isWorkingDay(day)) {
                sum += Math.min(to, (day + 1) * DAY_MS) - Math.max(from, day * DAY_MS);
            }
        }
        return Math.max(0, sum);
    }

    /** The epoch instant at which {@code workingMs} of working time have passed since {@code fromMs}. */
    public long dueMs(long fromMs, long workingMs) {
        long at = wallMs(fromMs);
        long left = workingMs;
        long day = Math.floorDiv(at, DAY_MS);
        for (int walked = 0; walked < MAX_DAYS; day++, walked++) {
            if (!isWorkingDay(day)) {
                continue;
            }
            long start = Math.max(at, day * DAY_MS);
            long available = (day + 1) * DAY_MS - start;
            if (left <= available) {
                return epochMs(start + left);
            }
            left -= available;
        }
        return Long.MAX_VALUE;
    }

    private boolean isWorkingDay(long epochDay) {
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        DayOfWeek weekday = date.getDayOfWeek();
        return weekday != DayOfWeek.SATURDAY && weekday != DayOfWeek.SUNDAY && !holidays.contains(date);
    }

    /** The local wall-clock time of an epoch instant, as milliseconds of a day-count calendar without time zones. */
    private long wallMs(long epochMs) {
        LocalDateTime local = LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMs), zone);
        return local.toEpochSecond(ZoneOffset.UTC) * 1000 + local.getNano() / 1_000_000;
    }

    private long epochMs(long wallMs) {
        LocalDateTime local = LocalDateTime.ofEpochSecond(Math.floorDiv(wallMs, 1000), (int) Math.floorMod(wallMs, 1000) * 1_000_000,
                ZoneOffset.UTC);
        return local.atZone(zone).toInstant().toEpochMilli();
    }
}
