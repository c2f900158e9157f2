package org.loket.host.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loket.core.config.WorkingDays;

class WorkingClockTest {
    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
    private static final long HOUR_MS = 3_600_000L;
    private static final long TWO_DAYS_MS = 48 * HOUR_MS;
    /** Koningsdag 2027 is a Tuesday. */
    private final WorkingClock clock = new WorkingClock(new WorkingDays("Europe/Amsterdam", List.of(java.time.LocalDate.of(2027, 4, 27))));

    private static long at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(AMSTERDAM).toInstant().toEpochMilli();
    }

    @Test
    void shouldRunOnWeekdaysAndStandStillAtTheWeekend() {
        assertThat(clock.workingMs(at("2027-03-01T10:00"), at("2027-03-03T10:00"))).as("Monday to Wednesday").isEqualTo(TWO_DAYS_MS);
        assertThat(clock.workingMs(at("2027-03-05T16:00"), at("2027-03-09T16:00"))).as("Friday to Tuesday").isEqualTo(TWO_DAYS_MS);
        assertThat(clock.workingMs(at("2027-03-06T09:00"), at("2027-03-07T22:00"))).as("within a weekend").isZero();
        assertThat(clock.workingMs(at("2027-03-06T09:00"), at("2027-03-08T01:30"))).as("Saturday to Monday").isEqualTo(90 * 60_000L);
        assertThat(clock.workingMs(at("2027-03-03T10:00"), at("2027-03-01T10:00"))).as("backwards").isZero();

        assertThat(clock.dueMs(at("2027-03-05T16:00"), TWO_DAYS_MS)).isEqualTo(at("2027-03-09T16:00"));
        assertThat(clock.dueMs(at("2027-03-06T12:00"), TWO_DAYS_MS)).as("from a Saturday: two whole working days").isEqualTo(at("2027-03-10T00:00"));
        assertThat(clock.dueMs(at("2027-03-01T10:00"), 0)).isEqualTo(at("2027-03-01T10:00"));
    }

    @Test
    void shouldSkipHolidaysAndKeepTheLocalTimeAcrossSummerTime() {
        // Friday 23 April 16:00 -> Monday 26 (one day) -> Koningsdag (none) -> Wednesday 28 16:00.
        assertThat(clock.dueMs(at("2027-04-23T16:00"), TWO_DAYS_MS)).isEqualTo(at("2027-04-28T16:00"));
        assertThat(clock.workingMs(at("2027-04-26T00:00"), at("2027-04-28T00:00"))).isEqualTo(24 * HOUR_MS);
        // Summer time begins on Sunday 28 March 2027; Friday 16:00 to Tuesday 16:00 is 95 hours of real time, two working days.
        assertThat(clock.workingMs(at("2027-03-26T16:00"), at("2027-03-30T16:00"))).isEqualTo(TWO_DAYS_MS);
        assertThat(clock.dueMs(at("2027-03-26T16:00"), TWO_DAYS_MS)).isEqualTo(at("2027-03-30T16:00"));
        assertThat(new WorkingClock(WorkingDays.WEEKDAYS).workingMs(at("2027-04-26T00:00"), at("2027-04-28T00:00")))
                .as("without the holiday").isEqualTo(TWO_DAYS_MS);
    }
}
