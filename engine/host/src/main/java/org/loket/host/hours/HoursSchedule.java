package org.loket.host.hours;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.loket.config.LoadedConfig;
import org.loket.config.OpeningHours;
import org.loket.config.Shift;
import org.loket.core.config.RoutingConfig;

/**
 * When each queue of a configuration opens and closes, as instants: the configuration's hours,
 * holidays and closed prompts in its time zone, summer time included. The host turns the
 * transitions into journaled {@code QUEUE_HOURS_SET} commands (live: {@link HoursPublisher}; the
 * simulator: {@code DaySimulator}), so the core needs no time zone and replay no tz data.
 *
 * <p>A queue is open on a date from the instant its local clock reaches the opening time until the
 * instant it reaches the closing time (24:00 is the next midnight). A time the clock skips (spring
 * forward) is reached when the clock jumps past it; a time the clock shows twice (fall back) is
 * reached the first time. Pure and immutable; thread-safe.
 */
public final class HoursSchedule {
    /**
     * From {@code epochMs} on, queue {@code queueId} is closed with prompt {@code promptId}, or open
     * when {@code promptId} is -1 (the {@code input} of a {@code QUEUE_HOURS_SET}).
     */
    public record Transition(long epochMs, int queueId, int promptId) {
        public boolean opens() {
            return promptId < 0;
        }
    }

    private final OpeningHours hours;
    private final ZoneId zone;
    private final List<String> queueNames;
    private final List<String> prompts;

    /**
     * @throws IllegalArgumentException when a closed prompt of the hours is not a prompt of the
     *     configuration (the config loader refuses such a configuration)
     */
    public HoursSchedule(LoadedConfig config) {
        this.hours = config.hours();
        this.zone = hours.zone();
        RoutingConfig routing = config.routing();
        this.queueNames = routing.queues().stream().map(q -> q.name()).toList();
        this.prompts = routing.prompts();
        for (OpeningHours.Hours h : hours.queues().values()) {
            checkPrompt(h);
        }
        checkPrompt(hours.helpdesk());
    }

    private void checkPrompt(OpeningHours.Hours h) {
        for (String key : new String[] {h.closedPrompt(), h.holidayPrompt()}) {
            if (key != null && !prompts.contains(key)) {
                throw new IllegalArgumentException("the hours name prompt '" + key + "', which the configuration lacks");
            }
        }
    }

    public ZoneId zone() {
        return zone;
    }

    /** The number of queues. */
    public int queues() {
        return queueNames.size();
    }

    /** The prompt queue {@code queue} renders at {@code epochMs} because of its hours, or -1 when they have it open. */
    public int promptAt(int queue, long epochMs) {
        String name = queueNames.get(queue);
        LocalDate date = Instant.ofEpochMilli(epochMs).atZone(zone).toLocalDate();
        Shift open = hours.on(name, date);
        if (open != null && epochMs >= epochMs(date, open.startMinute()) && epochMs < epochMs(date, open.endMinute())) {
            return -1;
        }
        String key = hours.closedPrompt(name, date);
        if (key == null) {
            throw new IllegalStateException("queue '" + name + "' is closed on " + date + " but its hours name no closed prompt");
        }
        return prompts.indexOf(key);
    }

    /** Per queue, {@link #promptAt} at {@code epochMs}. */
    public int[] stateAt(long epochMs) {
        int[] state = new int[queueNames.size()];
        for (int q = 0; q < state.length; q++) {
            state[q] = promptAt(q, epochMs);
        }
        return state;
    }

    /**
     * Every change of a queue's state at an instant {@code t} with {@code fromMs < t <= toMs}, in
     * time order (queues in id order at the same instant). {@link #stateAt stateAt(fromMs)} and these
     * describe the whole range. A change of closed prompt (evening, then a holiday at midnight) is a
     * transition too.
     */
    public List<Transition> transitions(long fromMs, long toMs) {
        List<Transition> result = new ArrayList<>();
        if (toMs <= fromMs) {
            return result;
        }
        LocalDate first = Instant.ofEpochMilli(fromMs).atZone(zone).toLocalDate();
        LocalDate last = Instant.ofEpochMilli(toMs).atZone(zone).toLocalDate();
        for (int q = 0; q < queueNames.size(); q++) {
            // The state changes only where the local date changes or a day's hours begin or end.
            TreeSet<Long> candidates = new TreeSet<>();
            for (LocalDate date = first; !date.isAfter(last); date = date.plusDays(1)) {
                candidates.add(epochMs(date, 0));
                Shift open = hours.on(queueNames.get(q), date);
                if (open != null) {
                    candidates.add(epochMs(date, open.startMinute()));
                    candidates.add(epochMs(date, open.endMinute()));
                }
            }
            int state = promptAt(q, fromMs);
            for (long t : candidates.subSet(fromMs, false, toMs, true)) {
                int next = promptAt(q, t);
                if (next != state) {
                    result.add(new Transition(t, q, next));
                    state = next;
                }
            }
        }
        result.sort(Comparator.comparingLong(Transition::epochMs).thenComparingInt(Transition::queueId));
        return result;
    }

    /** The instant {@code minuteOfDay} (0..1440) of {@code date} in this schedule's zone. */
    long epochMs(LocalDate date, int minuteOfDay) {
        return epochMs(date.atStartOfDay().plusMinutes(minuteOfDay), zone);
    }

    /**
     * The instant a local clock in {@code zone} shows {@code local}: for a time the clock skips, the
     * instant it jumps past it; for a time it shows twice, the first. Non-decreasing in {@code local},
     * so local times of a trace keep their order.
     */
    public static long epochMs(LocalDateTime local, ZoneId zone) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isGap()) {
            return transition.getInstant().toEpochMilli();
        }
        return ZonedDateTime.ofLocal(local, zone, null).toInstant().toEpochMilli();
    }
}
