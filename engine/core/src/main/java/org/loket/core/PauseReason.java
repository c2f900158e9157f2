package org.loket.core;

/**
 * Reason codes for a paused agent. Codes below {@link #FIRST_OPERATOR_CODE} are the core's own;
 * codes from it upwards are defined by the operator's configuration (break, training, meeting...).
 */
public final class PauseReason {
    /** No reason given. */
    public static final int UNSPECIFIED = 0;
    /** The agent did not answer an offer in time (redirect on no answer). */
    public static final int NO_ANSWER = 1;
    /**
     * The agent asked to log out while it still held contacts: paused (nothing new is offered) until
     * the last of them is done, then logged out by the core. Any other state change cancels it.
     */
    public static final int LOGOUT_PENDING = 2;
    /**
     * The agent's phone is in a call Loket did not make (the fallback queue's while Loket was down,
     * or the agent's own): nothing is offered until the phone is free. The telephony adapter sets it
     * and makes the agent ready again; the core treats it as any other pause.
     */
    public static final int PHONE_IN_USE = 3;
    /** First code available to the operator's configuration. */
    public static final int FIRST_OPERATOR_CODE = 16;

    private PauseReason() {
    }
}
