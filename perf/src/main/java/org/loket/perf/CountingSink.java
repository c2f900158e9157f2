package org.loket.perf;

import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionSink;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.OfferReason;
import org.loket.core.decision.RejectReason;

/**
 * A decision sink for benchmarks: counts decisions by type and offers by reason, and remembers the
 * last offer (so a cycle can accept it) and the last rejection (so a failed check can say why).
 * Allocation-free: primitive fields only.
 */
public final class CountingSink implements DecisionSink {
    private final long[] byCode = new long[16];
    private long offersLongestIdle;
    private long offersBestWaiting;
    private long lastOfferContact = -1;
    private int lastOfferAgent = -1;
    private int lastRejectReason = -1;
    private int lastRejectCommandType = -1;

    @Override
    public void onDecision(Decision decision) {
        DecisionType type = decision.type;
        byCode[type.code()]++;
        if (type == DecisionType.OFFER_CONTACT) {
            lastOfferContact = decision.contactId;
            lastOfferAgent = decision.agentId;
            if (decision.reason == OfferReason.LONGEST_IDLE_AGENT) {
                offersLongestIdle++;
            } else if (decision.reason == OfferReason.BEST_WAITING_CONTACT) {
                offersBestWaiting++;
            }
        } else if (type == DecisionType.REJECT_COMMAND) {
            lastRejectReason = decision.reason;
            lastRejectCommandType = decision.commandType;
        }
    }

    public long count(DecisionType type) {
        return byCode[type.code()];
    }

    public long offers() {
        return count(DecisionType.OFFER_CONTACT);
    }

    public long offersLongestIdle() {
        return offersLongestIdle;
    }

    public long offersBestWaiting() {
        return offersBestWaiting;
    }

    public long rejects() {
        return count(DecisionType.REJECT_COMMAND);
    }

    public long lastOfferContact() {
        return lastOfferContact;
    }

    public int lastOfferAgent() {
        return lastOfferAgent;
    }

    /** Every count, for failure messages (allocates; never on the measured path). */
    public String summary() {
        StringBuilder s = new StringBuilder();
        for (DecisionType type : DecisionType.values()) {
            s.append(type).append('=').append(count(type)).append(' ');
        }
        s.append("offersLongestIdle=").append(offersLongestIdle).append(" offersBestWaiting=").append(offersBestWaiting);
        if (lastRejectReason >= 0) {
            s.append(" lastReject=").append(RejectReason.name(lastRejectReason)).append(" (command type code ")
                    .append(lastRejectCommandType).append(')');
        }
        return s.toString();
    }
}
