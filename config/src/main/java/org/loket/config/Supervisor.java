package org.loket.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A team lead or quality coach who may listen in on agents' calls from their own phone (its
 * endpoint is named after them, as agents' are, and always authenticates). Not part of the core's
 * configuration: monitoring changes nothing in routing.
 *
 * @param name     unique among supervisors and agents (it names the phone endpoint)
 * @param monitors the configuration's {@code monitors} as written: roster groups, {@code team:NAME}, {@code all}
 * @param agents   the names of the agents whose calls they may monitor (what {@code monitors} names in the roster)
 * @param modes  what they may do on such a call
 */
public record Supervisor(String name, List<String> monitors, Set<String> agents, Set<Mode> modes) {
    public Supervisor {
        monitors = List.copyOf(monitors);
        agents = Set.copyOf(agents);
        modes = Set.copyOf(modes);
    }

    /** How a supervisor joins an agent's call. */
    public enum Mode {
        /** Hears both sides; nobody hears the supervisor. */
        LISTEN,
        /** Hears both sides and speaks to the agent only (coaching); the caller does not hear it. */
        WHISPER,
        /** Hears and speaks to both (takes part in the conversation). */
        BARGE;

        /** The name used in the configuration and in the monitoring log. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @return the mode with this {@link #label}, or null */
        public static Mode ofLabel(String label) {
            for (Mode mode : values()) {
                if (mode.label().equals(label)) {
                    return mode;
                }
            }
            return null;
        }
    }

    /** Whether this supervisor may join {@code agent}'s call in {@code mode}. */
    public boolean may(String agent, Mode mode) {
        return modes.contains(mode) && agents.contains(agent);
    }
}
