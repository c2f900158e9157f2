package org.loket.config;

import java.time.DayOfWeek;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When one rostered agent works, as planned: the hours of its shift, the pauses the shift plans, and
 * the days of the week it works. Only planned days use it ({@code loket simulate}, {@code compare},
 * {@code erlang}, {@code staff}, and adherence in {@code loket report}); live agents log in
 * themselves. On the configuration's holidays nobody is rostered ({@link LoadedConfig#planOn}).
 *
 * @param shift  from its start to its end, local time ({@link Shift#ALL_DAY} for an agent without shifts)
 * @param breaks its planned pauses, in time order
 * @param days   the days of the week it works, never empty
 */
public record AgentPlan(Shift shift, List<PlannedBreak> breaks, Set<DayOfWeek> days) {
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
        if (days.isEmpty()) {
            throw new IllegalArgumentException("an agent's plan works on some day of the week");
        }
    }

    /** Whether this plan has the agent work on {@code day} (holidays aside). */
    public boolean worksOn(DayOfWeek day) {
        return days.contains(day);
    }

    /** Whether the agent is rostered for part of the day only (it has a shift), so adherence can score it. */
    public boolean hasShift() {
        return !shift.equals(Shift.ALL_DAY);
    }

    /** The days as written in a configuration: "weekdays", "weekend", "every day" or "mon,wed,fri". */
    public String daysText() {
        if (days.equals(EVERY_DAY)) {
            return "every day";
        }
        if (days.equals(WEEKDAYS)) {
            return "weekdays";
        }
        if (days.equals(WEEKEND)) {
            return "weekend";
        }
        return days.stream().sorted().map(AgentPlan::dayName).collect(Collectors.joining(","));
    }

    /** "mon" .. "sun": how {@code days} lists a day. */
    public static String dayName(DayOfWeek day) {
        return day.name().substring(0, 3).toLowerCase(Locale.ROOT);
    }

    /** "08:00-17:00", with " weekdays" or the days when not every day: how reports and diffs name a shift. */
    @Override
    public String toString() {
        return shift + (days.equals(EVERY_DAY) ? "" : " " + daysText());
    }
}
