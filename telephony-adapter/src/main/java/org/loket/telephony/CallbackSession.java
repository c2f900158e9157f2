package org.loket.telephony;

import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.loket.core.command.CommandType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's leg of a callback: Asterisk originated a call to the agent, the agent answered, and
 * the dialplan hands the answered channel here. Tells the core the offer was accepted, rings the
 * citizen through the callback trunk, and tells the core when the conversation ends.
 */
final class CallbackSession {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackSession.class);

    private final TelephonyGateway gateway;
    private final AgiChannel channel;

    CallbackSession(TelephonyGateway gateway, AgiChannel channel) {
        this.gateway = gateway;
        this.channel = channel;
    }

    void run(String[] args) throws AgiException {
        Calls calls = gateway.calls();
        long contactId;
        int agentId;
        try {
            contactId = Long.parseLong(args[0]);
            // The agent's name (endpoint), resolved now: a reload since the originate may have moved its id.
            agentId = gateway.directory().agent(args[1].trim());
            if (agentId < 0) {
                throw new IllegalArgumentException("no call-taking agent '" + args[1] + "'");
            }
        } catch (RuntimeException e) {
            calls.counters.agiErrors.incrementAndGet();
            LOG.warn("callback request without a contact and agent id: {}", String.join(",", args == null ? new String[0] : args));
            return;
        }
        Calls.Callback callback = calls.callbacks.get(contactId);
        if (callback == null) {
            calls.counters.callbacksFailed.incrementAndGet();
            LOG.warn("callback {}: no number known (Loket restarted since the request?)", contactId);
            calls.publish(Calls.Out.offer(CommandType.OFFER_DECLINED, contactId, agentId));
            return;
        }
        if (!gateway.settings().mayCallBack(callback.number())) {
            // Kept before telephony.callbackNumbers was narrowed (a number taken now was checked when offered):
            // never dialled; the callback ends as abandoned, so it is neither lost nor offered round the floor.
            calls.counters.callbacksFailed.incrementAndGet();
            LOG.warn("callback {}: caller {}'s number is not one telephony.callbackNumbers allows; not dialled", contactId, callback.pseudonym());
            calls.publish(Calls.Out.of(CommandType.CONTACT_ABANDONED, contactId)); // its END_CONTACT forgets the number
            return;
        }
        calls.publish(Calls.Out.offer(CommandType.OFFER_ACCEPTED, contactId, agentId));
        try {
            LOG.info("callback {}: agent {} calls back caller {}", contactId, gateway.directory().agentName(agentId), callback.pseudonym());
            channel.exec("Dial", "PJSIP/" + callback.number() + "@" + gateway.settings().callbackEndpoint() + ",30");
            String status = channel.getVariable("DIALSTATUS");
            if ("ANSWER".equals(status)) {
                calls.counters.answered.incrementAndGet();
            } else {
                calls.counters.callbacksFailed.incrementAndGet();
                LOG.info("callback {}: caller {} did not answer ({})", contactId, callback.pseudonym(), status);
            }
            channel.setVariable(CallSession.DONE_VARIABLE, "1");
        } finally {
            calls.publish(Calls.Out.of(CommandType.CONTACT_ENDED, contactId));
        }
    }
}
