package org.loket.host.pipeline;

import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionSink;

/**
 * The core keeps the sink it was built with; the host points this one where decisions must go
 * now (recovery, then the ring). Switched only while the core is not running.
 */
final class SwitchableSink implements DecisionSink {
    private DecisionSink target = d -> { };

    void target(DecisionSink target) {
        this.target = target;
    }

    @Override
    public void onDecision(Decision decision) {
        target.onDecision(decision);
    }
}
