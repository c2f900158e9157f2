package org.loket.telephony;

import java.util.Locale;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.action.GetVarAction;
import org.asteriskjava.manager.response.GetVarResponse;
import org.asteriskjava.manager.response.ManagerResponse;

/**
 * What an agent's phone (or the leg an offer dialled to it, {@link AmiProbe}) is doing, as far as a
 * restart of Loket needs to know, in four answers; from Asterisk's {@code DEVICE_STATE(PJSIP/endpoint)}
 * for the conversations watched after a restart ({@link AmiLink#inCall}).
 */
enum PhoneState {
    /** In a call: in use, busy, on hold, or ringing while in use. */
    IN_CALL,
    /** Ringing and in no call. */
    RINGING,
    /** Not in use, unavailable, or no such device. */
    FREE,
    /** Asterisk could not be asked, or answered a state this does not know. */
    UNKNOWN;

    /** The state of a device state as Asterisk names it ({@code INUSE}, {@code NOT_INUSE}...); null is {@link #UNKNOWN}. */
    static PhoneState of(String deviceState) {
        if (deviceState == null) {
            return UNKNOWN;
        }
        return switch (deviceState.trim().toUpperCase(Locale.ROOT)) {
            case "INUSE", "BUSY", "ONHOLD", "RINGINUSE" -> IN_CALL;
            case "RINGING" -> RINGING;
            case "NOT_INUSE", "UNAVAILABLE", "INVALID" -> FREE;
            default -> UNKNOWN;
        };
    }

    /**
     * Asks Asterisk over a logged-in AMI connection (a {@code GetVar} without a channel; per-call
     * device state events are off, see {@code AsteriskConfigWriter.QUIET_EVENTS}).
     *
     * @return {@link #UNKNOWN} when the AMI did not answer
     */
    static PhoneState of(ManagerConnection connection, String endpoint) {
        try {
            ManagerResponse response = connection.sendAction(new GetVarAction("DEVICE_STATE(PJSIP/" + endpoint + ")"), 3_000);
            String state = response instanceof GetVarResponse g ? g.getValue() : response.getAttribute("Value");
            return "Success".equalsIgnoreCase(response.getResponse()) ? of(state) : UNKNOWN;
        } catch (Exception e) {
            return UNKNOWN;
        }
    }
}
