package org.loket.core.decision;

/**
 * The core's out-port. Called on the core's thread, once per decision, in decision order.
 * The {@link Decision} instance is reused: copy what you keep before returning. An implementation
 * must not block, must not call back into the core, and must not throw.
 */
@FunctionalInterface
public interface DecisionSink {
    void onDecision(Decision decision);
}
