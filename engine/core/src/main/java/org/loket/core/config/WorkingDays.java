package org.loket.core.config;

import java.time.LocalDate;
import java.util.List;

/**
 * The helpdesk's working days: Monday to Friday in {@code zone}, except {@code holidays}. A queue
 * whose service level is counted in working time ({@link QueueSpec#serviceLevelOnWorkingDays}: "e-mail
 * answered within two working days") stops its clock outside them. Names only, journaled with the
 * configuration so that any reader of a journal counts alike; routing ignores it (the core has no
 * time zone).
 *
 * @param zone     an IANA region id (e.g. {@code Europe/Amsterdam}), as the configuration's hours name it
 * @param holidays dates that are no working day, ascending, distinct
 */
public record WorkingDays(String zone, List<LocalDate> holidays) {
    /** Monday to Friday in Europe/Amsterdam, no holidays: what a configuration without {@code hours} means. */
    public static final WorkingDays WEEKDAYS = new WorkingDays("Europe/Amsterdam", List.of());

    public WorkingDays {
        holidays = holidays.stream().distinct().sorted().toList();
    }
}
