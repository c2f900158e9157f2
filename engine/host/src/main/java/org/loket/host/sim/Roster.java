package org.loket.host.sim;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.loket.config.AgentPlan;
import org.loket.config.LoadedConfig;
import org.loket.config.PlannedBreak;
import org.loket.config.Shift;
import org.loket.core.Channel;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;

/**
 * A configuration's planned day: which rostered agents stay home, and when the others are on seat
 * (on shift and not on a planned break). What the simulator staffs a day with, and what
 * {@link ErlangStaffing} counts.
 */
final class Roster {
    private Roster() {
    }

    /**
     * The rostered agents who stay home: of each shift's agents rostered on the settings' date (those
     * in {@code notRostered}, e.g. named by a staffing file, are not counted), {@code absenceShare} of
     * them rounded, the ones with the lowest {@link DaySimulator.Settings#absenceDraw} for their name.
     */
    static Set<Integer> absent(LoadedConfig loaded, DaySimulator.Settings settings, Set<Integer> notRostered) {
        Set<Integer> absent = new TreeSet<>();
        if (settings.absenceShare() == 0) {
            return absent;
        }
        Map<Shift, List<Integer>> byShift = new LinkedHashMap<>();
        for (int a = 0; a < loaded.routing().agents().size(); a++) {
            AgentPlan plan = loaded.planOn(a, settings.date());
            if (plan != null && !notRostered.contains(a)) {
                byShift.computeIfAbsent(plan.shift(), s -> new ArrayList<>()).add(a);
            }
        }
        for (List<Integer> agents : byShift.values()) {
            agents.sort(Comparator.comparingLong((Integer a) -> settings.absenceDraw(name(loaded, a))).thenComparing(a -> name(loaded, a)));
            absent.addAll(agents.subList(0, (int) Math.round(agents.size() * settings.absenceShare())));
        }
        return absent;
    }

    /**
     * Minutes of {@code [fromMinute, toMinute)} on {@code date} the agent is on shift and not on a
     * planned break, as planned (0 on a day it is not rostered).
     */
    static int onSeatMinutes(LoadedConfig loaded, int agent, LocalDate date, int fromMinute, int toMinute) {
        AgentPlan plan = loaded.planOn(agent, date);
        if (plan == null) {
            return 0;
        }
        int minutes = overlap(plan.shift(), fromMinute, toMinute);
        for (PlannedBreak planned : plan.breaks()) {
            minutes -= overlap(planned.when(), fromMinute, toMinute);
        }
        return minutes;
    }

    /** Whether the agent takes contacts of {@code channel} in some queue (qualifies for one of that channel, with room for it). */
    static boolean servesChannel(RoutingConfig routing, AgentSpec agent, Channel channel) {
        for (QueueSpec queue : routing.queues()) {
            if (queue.channel() == channel && queue.servedAtAllBy(agent, routing)) {
                return true;
            }
        }
        return false;
    }

    private static int overlap(Shift span, int fromMinute, int toMinute) {
        return Math.max(0, Math.min(span.endMinute(), toMinute) - Math.max(span.startMinute(), fromMinute));
    }

    private static String name(LoadedConfig loaded, int agent) {
        return loaded.routing().agents().get(agent).name();
    }
}
