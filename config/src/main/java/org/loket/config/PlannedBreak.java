package org.loket.config;

/**
 * A pause one agent's shift plans (a break, a training, a meeting): the agent pauses with
 * {@code reason} for {@code when}'s length, starting at {@code when}'s start or, when a contact
 * holds it then, as soon as it is free. Only planned days use them ({@code loket simulate},
 * {@code loket compare}); live agents pause themselves.
 *
 * @param when   from the planned start to the planned end, minutes after midnight, local time
 * @param reason one of the configuration's {@code pauseReasons}
 */
public record PlannedBreak(Shift when, String reason) {
    /** The pause's length in milliseconds. */
    public long lengthMs() {
        return when.endMs() - when.startMs();
    }

    @Override
    public String toString() {
        return when + " " + reason;
    }
}
