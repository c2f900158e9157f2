package org.loket.telephony;

import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The next agent's leg of a warm transfer: Loket originated a call to the agent while the caller
 * talked on with the first agent, the agent answered, and the dialplan ({@code loket-warm}) hands
 * the answered channel here. The caller's session hears of it ({@link CallSession#warmAnswered}:
 * the core is told the offer was accepted, and the caller leaves the first agent's bridge), and this
 * session keeps the agent's channel in a silent wait until the caller's {@code Bridge()} takes it.
 * An introduction instead joins the agent to the caller's call with the first agent
 * ({@code BridgeAdd}: a three-way call). Asterisk 22 keeps that bridge when the first agent hangs
 * up, so the agent stays in it with the caller, and {@code BridgeAdd} returns when the call ends or
 * the caller is passed on (the leg is then hung up); only a bridge that broke up while the caller's
 * session still wants this leg ({@link CallSession#awaitsLeg}) leads to the wait for its bridge.
 * When this agent hangs up first, the bridge keeps the caller and the first agent, and the call is
 * the first agent's again ({@link CallSession#joinedAgentHungUp}).
 */
final class WarmLegSession {
    private static final Logger LOG = LoggerFactory.getLogger(WarmLegSession.class);
    /** How long the answered agent waits for the caller's bridge (a Redirect and a new AGI session take milliseconds). */
    private static final int WAIT_SECONDS = 30;

    private final TelephonyGateway gateway;
    private final AgiChannel channel;

    WarmLegSession(TelephonyGateway gateway, AgiChannel channel) {
        this.gateway = gateway;
        this.channel = channel;
    }

    /** Whether this leg's channel is still up: {@code CHANNEL STATUS} is refused (511, a hang-up) on a dead one. */
    private boolean alive() {
        try {
            channel.getChannelStatus();
            return true;
        } catch (AgiException e) {
            return false;
        }
    }

    /** @param args the contact id and the agent's endpoint name, as the originate set them */
    void run(String[] args) throws AgiException {
        Calls calls = gateway.calls();
        if (args == null || args.length < 2) {
            calls.counters.agiErrors.incrementAndGet();
            LOG.warn("warm transfer leg without a contact and agent: {}", args == null ? "" : String.join(",", args));
            return;
        }
        long contactId;
        try {
            contactId = Long.parseLong(args[0].trim());
        } catch (NumberFormatException e) {
            calls.counters.agiErrors.incrementAndGet();
            LOG.warn("warm transfer leg with contact '{}': not a contact id", args[0]);
            return;
        }
        String endpoint = args[1].trim();
        CallSession call = calls.byContact.get(contactId);
        CallSession.LegRole role = call == null ? CallSession.LegRole.LOST : call.warmAnswered(endpoint);
        if (role == CallSession.LegRole.LOST) {
            calls.counters.warmLegsLost.incrementAndGet();
            LOG.info("call {}: {} answered a warm transfer the call no longer waits for; hung up", contactId, endpoint);
            return; // the dialplan hangs up
        }
        int result;
        if (role == CallSession.LegRole.JOIN) {
            boolean hungUp;
            try {
                // Into the bridge of the caller and the first agent; back when it breaks up or this agent hangs up.
                // BridgeAdd says 0 either way (asterisk-java reads past Asterisk's HANGUP line), so while the
                // introduction is still on, a command Asterisk refuses on a dead channel tells which.
                result = channel.exec("BridgeAdd", call.channelName());
                hungUp = result < 0 || call.introducerOnTheLine() && !alive();
            } catch (AgiException e) {
                hungUp = true;
            }
            if (hungUp) {
                // While the introducer is still on, the call is theirs again.
                gateway.joinedAgentHungUp(call, endpoint);
                return;
            }
            if (!call.awaitsLeg(endpoint)) {
                return; // the call went on without this leg (it ended, or was passed on): hung up
            }
        }
        try {
            // Silence until the caller's Bridge() takes this channel away (the wait then ends as a hang-up).
            result = channel.exec("Wait", Integer.toString(WAIT_SECONDS));
        } catch (AgiException e) {
            return; // taken by the bridge, or the agent hung up: the caller's session sees which
        }
        if (result >= 0) {
            calls.counters.warmLegsLost.incrementAndGet();
            LOG.warn("call {}: {} answered a warm transfer but the caller did not come within {} s", contactId, endpoint, WAIT_SECONDS);
        }
    }
}
