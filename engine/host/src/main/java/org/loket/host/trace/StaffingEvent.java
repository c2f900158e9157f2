package org.loket.host.trace;

import java.util.Locale;

/**
 * One change of an agent's presence on a recorded day (a row of a staffing file,
 * {@code docs/trace-format.md}): the simulator follows these for the agents they name instead of
 * the roster's shifts.
 *
 * @param line     line of the CSV file it came from, 0 when extracted
 * @param atMs     ms after the day's local midnight
 * @param agent    the agent's name in the configuration
 * @param presence what the agent did
 * @param reason   a pause's reason (the configuration's pause reason name), or empty
 */
public record StaffingEvent(int line, long atMs, String agent, Presence presence, String reason) {
    /** What an agent did. */
    public enum Presence {
        LOGIN, READY, PAUSE, LOGOUT;

        /** The file's word for it. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
