package org.loket.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Set;

/**
 * When the helpdesk is open, in local time. The simulator and the trace generator use it; routing
 * by hours (closure messages per queue) belongs to the core's business-hours policy.
 *
 * @param weekdays hours Monday to Friday
 * @param weekend  hours Saturday and Sunday, or null when closed
 * @param holidays dates on which the helpdesk is closed all day
 */
public record OpeningHours(Shift weekdays, Shift weekend, Set<LocalDate> holidays) {
    /** Open around the clock, every day: what a configuration without {@code hours} means. */
    public static final OpeningHours ALWAYS = new OpeningHours(Shift.ALL_DAY, Shift.ALL_DAY, Set.of());

    public OpeningHours {
        holidays = Set.copyOf(holidays);
    }

    /** The hours on {@code date}, or null when closed all day. */
    public Shift on(LocalDate date) {
        if (holidays.contains(date)) {
            return null;
        }
        DayOfWeek day = date.getDayOfWeek();
        return day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? weekend : weekdays;
    }
}
