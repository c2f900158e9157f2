package org.loket.host.crash;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.Outcome;
import org.loket.host.replay.Replayer;

/** Tallies contacts from the replayed commands and decisions. */
final class Accounting implements Replayer.Listener {
    final Set<Long> arrived = new HashSet<>();
    final Set<Long> ended = new HashSet<>();
    final Set<Long> refused = new HashSet<>();
    final List<Long> endedTwice = new ArrayList<>();
    final List<Long> endedWithoutArrival = new ArrayList<>();
    /** Answered contacts whose agent is still in after-contact work: ended for the citizen, live in the core. */
    final Set<Long> inWrapUp = new HashSet<>();
    private RoutingConfig config;

    @Override
    public void onCommand(Command command) {
        if (command.type == CommandType.CONTACT_ARRIVED) {
            arrived.add(command.contactId);
        } else if (command.type == CommandType.CONFIG_APPLIED && config == null) {
            config = RoutingConfigCodec.decode(command.payload);
        } else if (command.type == CommandType.WRAP_UP_DONE) {
            inWrapUp.remove(command.contactId);
        }
    }

    @Override
    public void onDecision(Decision d) {
        if (d.type == DecisionType.END_CONTACT) {
            if (!ended.add(d.contactId)) {
                endedTwice.add(d.contactId);
            }
            if (!arrived.contains(d.contactId)) {
                endedWithoutArrival.add(d.contactId);
            }
            if (d.outcome == Outcome.ANSWERED && config.queues().get(d.queueId).maxWrapUpMs() > 0) {
                inWrapUp.add(d.contactId);
            }
        } else if (d.type == DecisionType.AGENT_STATE && d.contactId >= 0) {
            inWrapUp.remove(d.contactId); // the queue's wrap-up limit ended it
        } else if (d.type == DecisionType.REJECT_COMMAND && d.commandType == CommandType.CONTACT_ARRIVED.code()) {
            refused.add(d.contactId);
        }
    }

    /** Contacts neither ended nor refused, and answered ones still in wrap-up: those a core that applied the journal holds live. */
    int live() {
        Set<Long> open = new HashSet<>(arrived);
        open.removeAll(ended);
        open.removeAll(refused);
        return open.size() + inWrapUp.size();
    }
}
