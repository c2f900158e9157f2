package org.loket.chat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import org.loket.config.AgentPlan;
import org.loket.config.LoadedConfig;
import org.loket.config.Shift;
import org.loket.host.trace.Adherence;

/**
 * Real-time schedule adherence for the wallboard: what each agent's plan (the configuration's shifts
 * and planned breaks for today's weekday, docs/kpis.md "Schedule adherence") asks at an instant,
 * whether the agent does it, and since when it does not. The rule is the report's
 * ({@link Adherence#planned}, {@link Adherence#adheres}), so a supervisor sees live what
 * {@code loket report --adherence} scores the next day.
 */
final class LiveAdherence {
    /**
     * An instant in the helpdesk's zone.
     *
     * @param date    the local date (its weekday and holidays decide who is rostered)
     * @param msOfDay ms after local midnight
     */
    record Moment(LocalDate date, long msOfDay) {
    }

    /**
     * What one agent's plan asks at a moment.
     *
     * @param shift      today's shift, "HH:MM-HH:MM", or "" when the agent is not rostered today
     * @param planned    work, break or off
     * @param until      when the plan next asks something else, "HH:MM", or "" when nothing more today
     * @param adheres    whether the agent does what the plan asks; null when it asks nothing (off)
     * @param outSinceMs when the agent stopped adhering (the later of its last change of state and the
     *                   plan's last change), 0 unless {@code adheres} is false
     */
    record Now(String shift, Adherence.Planned planned, String until, Boolean adheres, long outSinceMs) {
    }

    private LoadedConfig config;
    private boolean anyShift;

    LiveAdherence(LoadedConfig config) {
        configure(config);
    }

    /** The configuration in force from now on (a reload); agent ids are its own. */
    void configure(LoadedConfig next) {
        config = next;
        anyShift = next.plans().stream().anyMatch(AgentPlan::hasShift);
    }

    /** Whether any agent has a shift: without one there is no schedule to show or to follow by the minute. */
    boolean anyShift() {
        return anyShift;
    }

    /** {@code epochMs} in the configuration's zone. */
    Moment moment(long epochMs) {
        ZonedDateTime local = Instant.ofEpochMilli(epochMs).atZone(config.hours().zone());
        return new Moment(local.toLocalDate(), local.toLocalTime().toNanoOfDay() / 1_000_000L);
    }

    /**
     * @param agent        the agent's id in the configuration in force
     * @param working      logged in and not paused, or holding a contact
     * @param stateSinceMs when what the agent does last changed (epoch ms)
     */
    Now at(Moment moment, int agent, boolean working, long stateSinceMs) {
        AgentPlan plan = config.planOn(agent, moment.date());
        Adherence.Planned planned = Adherence.planned(plan, moment.msOfDay());
        Boolean adheres = Adherence.adheres(planned, working);
        long lastChangeMs = 0;
        String until = "";
        for (long changeMs : Adherence.changesMs(plan)) {
            if (changeMs <= moment.msOfDay()) {
                lastChangeMs = changeMs;
            } else {
                until = Shift.clock((int) (changeMs / 60_000L));
                break;
            }
        }
        long outSinceMs = Boolean.FALSE.equals(adheres) ? Math.max(stateSinceMs, epochOf(moment.date(), lastChangeMs)) : 0;
        String shift = plan == null || !plan.hasShift() ? "" : plan.shift().toString();
        return new Now(shift, planned, until, adheres, outSinceMs);
    }

    /** {@code msOfDay} after local midnight of {@code date}, as epoch ms (summer time as the zone has it). */
    private long epochOf(LocalDate date, long msOfDay) {
        return date.atStartOfDay().plusNanos(msOfDay * 1_000_000L).atZone(config.hours().zone()).toInstant().toEpochMilli();
    }

    /** The planned state's name on the wallboard: "work", "break", "off". */
    static String name(Adherence.Planned planned) {
        return planned.name().toLowerCase(Locale.ROOT);
    }
}
