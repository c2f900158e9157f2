package org.loket.core.config;

/**
 * What a queue does with a contact about to join it when it is full or its estimated wait is too
 * long: say so and end ({@link EscalationStep.Action#CLOSE}, outcome {@code DEFLECTED}), send it to
 * another queue ({@link EscalationStep.Action#OVERFLOW}, whose own deflection does not apply again),
 * or let it join and offer a callback at once ({@link EscalationStep.Action#OFFER_CALLBACK}).
 *
 * @param maxWaiting contacts waiting in the queue at which it counts as full; 0 = no limit
 * @param maxEwtMs   estimated wait above which it deflects; 0 = no limit. An estimate needs a known
 *                   handling time; with no agent staffed the wait counts as endless
 * @param action     CLOSE, OVERFLOW or OFFER_CALLBACK
 * @param queueId    for OVERFLOW: the queue (same channel)
 * @param promptId   for CLOSE: the message
 */
public record Deflection(int maxWaiting, long maxEwtMs, EscalationStep.Action action, int queueId, int promptId) {
    /** Never deflects. */
    public static final Deflection NONE = new Deflection(0, 0, EscalationStep.Action.CLOSE, -1, -1);

    public boolean active() {
        return maxWaiting > 0 || maxEwtMs > 0;
    }
}
