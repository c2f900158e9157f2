package org.loket.host.pipeline;

import org.loket.core.command.Command;
import org.loket.core.decision.Decision;

/**
 * One preallocated ring slot: the command, the decisions the core made for it (filled by the core
 * stage, read by egress), and the publish time for latency. Decision holders are kept and grown
 * only when a command causes more decisions than ever before, so steady state allocates nothing.
 */
final class RingEvent {
    final Command command = new Command();
    Decision[] decisions = newDecisions(2);
    int decisionCount;
    /** {@link System#nanoTime()} at publish (or the intended publish time under a paced load); not journaled. */
    long publishNanoTime;

    void addDecision(Decision decision) {
        if (decisionCount == decisions.length) {
            Decision[] bigger = newDecisions(decisions.length * 2);
            System.arraycopy(decisions, 0, bigger, 0, decisions.length);
            decisions = bigger;
        }
        decisions[decisionCount++].copyFrom(decision);
    }

    private static Decision[] newDecisions(int size) {
        Decision[] array = new Decision[size];
        for (int i = 0; i < size; i++) {
            array[i] = new Decision();
        }
        return array;
    }
}
