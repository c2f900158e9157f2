package org.loket.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When one rostered agent works, as planned: the hours of its shift, the pauses the shift plans, and
 * the days it works: days of the week less some dates ({@code days}, {@code except}), or dates only
 * ({@code dates}: a one-off shift). Only planned days use it ({@code loket simulate}, {@code compare},
 * {@code erlang}, {@code staff}, adherence in {@code loket report} and on the wallboard); live agents
 * log in themselves. On the configuration's holidays nobody is rostered ({@link LoadedConfig#planOn}).
 *
 * @param shift  from its start to its end, local time ({@link Shift#ALL_DAY} for an agent without shifts)
 * @param breaks its planned pauses, in time order
 * @param days   the days of the week it works, never empty; not read when {@code dates} are given
 * @param dates  when not empty, the only dates it works (a one-off shift: {@code days} do not apply)
 * @param except dates on which it does not work although {@code days} say so; empty when {@code dates} are given
 */
public record AgentPlan(Shift shift, List<PlannedBreak> breaks, Set<DayOfWeek> days, Set<LocalDate> dates, Set<LocalDate> except) {
    /** Every day of the week: a shift that names no {@code days}. */
    public static final Set<DayOfWeek> EVERY_DAY = Set.copyOf(EnumSet.allOf(DayOfWeek.class));
    /** Monday to Friday: {@code days: weekdays}, as the opening hours' {@code weekdays}. */
    public static final Set<DayOfWeek> WEEKDAYS = Set.copyOf(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
    /** Saturday and Sunday: {@code days: weekend}. */
    public static final Set<DayOfWeek> WEEKEND = Set.copyOf(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
    /** An agent without shifts: all day, every day, no breaks. */
    public static final AgentPlan ALL_DAY = new AgentPlan(Shift.ALL_DAY, List.of(), EVERY_DAY);

    public AgentPlan {
        breaks = List.copyOf(breaks);
        days = Set.copyOf(days);
        dates = Set.copyOf(dates);
        except = Set.copyOf(except);
        if (days.isEmpty()) {
            throw new IllegalArgumentException("an agent's plan works on some day of the week");
        }
        if (!dates.isEmpty() && !except.isEmpty()) {
            throw new IllegalArgumentException("a plan on dates has no exceptions: " + dates + " except " + except);
        }
    }

    /** A weekly plan: these days of the week, every week. */
    public AgentPlan(Shift shift, List<PlannedBreak> breaks, Set<DayOfWeek> days) {
        this(shift, breaks, days, Set.of(), Set.of());
    }

    /** Whether this plan has the agent work on {@code date} (holidays aside). */
    public boolean worksOn(LocalDate date) {
        if (!dates.isEmpty()) {
            return dates.contains(date);
        }
        return days.contains(date.getDayOfWeek()) && !except.contains(date);
    }

    /** Whether the agent is rostered for part of the day only (it has a shift), so adherence can score it. */
    public boolean hasShift() {
        return !shift.equals(Shift.ALL_DAY);
    }

    /** Whether it works every day of every week (no {@code days}, {@code dates} or {@code except} written). */
    public boolean everyDay() {
        return dates.isEmpty() && except.isEmpty() && days.equals(EVERY_DAY);
    }

    /**
     * The days as written in a configuration: "weekdays", "weekend", "every day" or "mon,wed,fri",
     * with " except 2027-04-30,..." when dates are left out; "on 2027-03-01,..." for a one-off shift.
     */
    public String daysText() {
        if (!dates.isEmpty()) {
            return "on " + datesText(dates);
        }
        String weekly;
        if (days.equals(EVERY_DAY)) {
            weekly = "every day";
        } else if (days.equals(WEEKDAYS)) {
            weekly = "weekdays";
        } else if (days.equals(WEEKEND)) {
            weekly = "weekend";
        } else {
            weekly = days.stream().sorted().map(AgentPlan::dayName).collect(Collectors.joining(","));
        }
        return except.isEmpty() ? weekly : weekly + " except " + datesText(except);
    }

    private static String datesText(Set<LocalDate> dates) {
        return dates.stream().sorted().map(LocalDate::toString).collect(Collectors.joining(","));
    }

    /** "mon" .. "sun": how {@code days} lists a day. */
    public static String dayName(DayOfWeek day) {
        return day.name().substring(0, 3).toLowerCase(Locale.ROOT);
    }

    /** "08:00-17:00", with " weekdays", the days or the dates when not every day: how reports and diffs name a shift. */
    @Override
    public String toString() {
        return shift + (everyDay() ? "" : " " + daysText());
    }
}
