package org.loket.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * When the helpdesk and each of its queues are open, in the helpdesk's local time, and what a
 * contact hears or reads when a queue is closed. The host turns it into journaled
 * {@code QUEUE_HOURS_SET} commands (engine/host {@code hours.HoursSchedule}); the core itself has
 * no time zone.
 *
 * @param zone     the helpdesk's time zone: every time of day and date here is local to it
 * @param helpdesk the hours of every queue without hours of its own
 * @param queues   per queue name, hours that replace the helpdesk's (fields a queue did not give are
 *                 the helpdesk's, already filled in)
 * @param holidays dates on which every queue is closed all day, with their names ("" when none)
 */
public record OpeningHours(ZoneId zone, Hours helpdesk, Map<String, Hours> queues, SortedMap<LocalDate, String> holidays) {
    /** The zone of a configuration that names none. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/Amsterdam");
    /** Open around the clock, every day: what a configuration without {@code hours} means. */
    public static final OpeningHours ALWAYS = new OpeningHours(DEFAULT_ZONE, Hours.ALWAYS, Map.of(), new TreeMap<>());

    public OpeningHours {
        queues = Map.copyOf(queues);
        holidays = Collections.unmodifiableSortedMap(new TreeMap<>(holidays));
    }

    /**
     * The weekly hours of the helpdesk or of one queue, and its messages while closed.
     *
     * @param weekdays      hours Monday to Friday, or null when closed all day
     * @param weekend       hours Saturday and Sunday, or null when closed all day
     * @param closedPrompt  prompt key rendered while closed; null only when these hours never close
     * @param holidayPrompt prompt key rendered on a holiday, or null for {@code closedPrompt}
     * @param openOnHolidays a queue that keeps its weekly hours on holidays (e-mail and webcare take work
     *                      items every day; agents answer them on working days); the helpdesk's are false
     */
    public record Hours(Shift weekdays, Shift weekend, String closedPrompt, String holidayPrompt, boolean openOnHolidays) {
        /** Open all day, every day. */
        public static final Hours ALWAYS = new Hours(Shift.ALL_DAY, Shift.ALL_DAY, null, null, false);

        /** The hours on a day of the week, or null when closed all day. */
        public Shift on(DayOfWeek day) {
            return day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? weekend : weekdays;
        }

        /** Whether these hours ever close in a week (holidays aside). */
        public boolean closeInAWeek() {
            return !Shift.ALL_DAY.equals(weekdays) || !Shift.ALL_DAY.equals(weekend);
        }
    }

    /** The hours of {@code queue} (a queue name): its own, else the helpdesk's. */
    public Hours of(String queue) {
        return queues.getOrDefault(queue, helpdesk);
    }

    /** The helpdesk's hours on {@code date}, or null when closed all day. */
    public Shift on(LocalDate date) {
        return holidays.containsKey(date) ? null : helpdesk.on(date.getDayOfWeek());
    }

    /** The hours of {@code queue} on {@code date}, or null when closed all day (a holiday closes every queue not open on holidays). */
    public Shift on(String queue, LocalDate date) {
        Hours own = of(queue);
        return holidays.containsKey(date) && !own.openOnHolidays() ? null : own.on(date.getDayOfWeek());
    }

    /** The prompt key a contact about to join {@code queue} hears while it is closed on {@code date}. */
    public String closedPrompt(String queue, LocalDate date) {
        Hours hours = of(queue);
        return holidays.containsKey(date) && hours.holidayPrompt() != null ? hours.holidayPrompt() : hours.closedPrompt();
    }
}
