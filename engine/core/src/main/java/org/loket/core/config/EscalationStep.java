package org.loket.core.config;

/**
 * One time-based escalation step of a queue: {@code afterMs} after a contact entered the queue, the
 * step acts on it if it is still waiting. A contact keeps its place (its join time) through every
 * step, an overflow included.
 *
 * @param afterMs         time in the queue after which the step acts; steps of a queue rise strictly
 * @param action          what the step does
 * @param widen           for {@link Action#WIDEN}: agents who meet this also qualify from now on (the
 *                        queue's requirement and earlier widenings still count: a step never narrows)
 * @param overflowQueueId for {@link Action#OVERFLOW}: the queue (same channel) the contact moves to
 * @param promptId        for {@link Action#CLOSE}: the message the contact hears or reads before it ends
 */
public record EscalationStep(long afterMs, Action action, Requirement widen, int overflowQueueId, int promptId) {

    /** What a step does. Codes are journaled (the {@code reason} of an {@code ESCALATE} decision). */
    public enum Action {
        /** Relax levels or add skills: more agents qualify. */
        WIDEN(1),
        /** Move to another queue, keeping the join time; that queue's own steps count from now. */
        OVERFLOW(2),
        /** Offer the waiting citizen a callback (the adapter asks; the contact keeps waiting). */
        OFFER_CALLBACK(3),
        /** End the contact with a message (outcome {@code DEFLECTED}). */
        CLOSE(4);

        private final int code;

        Action(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /**
         * Whether a contact that asked for a callback passes this step without it acting: it was
         * offered a callback already and, having hung up expecting a call, must not be cut off.
         */
        public boolean passedByCallbackContacts() {
            return this == OFFER_CALLBACK || this == CLOSE;
        }

        /** @return the action, or null for an unknown code */
        public static Action ofCode(int code) {
            for (Action a : values()) {
                if (a.code == code) {
                    return a;
                }
            }
            return null;
        }
    }

    public static EscalationStep widen(long afterMs, Requirement requirement) {
        return new EscalationStep(afterMs, Action.WIDEN, requirement, -1, -1);
    }

    public static EscalationStep overflow(long afterMs, int queueId) {
        return new EscalationStep(afterMs, Action.OVERFLOW, null, queueId, -1);
    }

    public static EscalationStep offerCallback(long afterMs) {
        return new EscalationStep(afterMs, Action.OFFER_CALLBACK, null, -1, -1);
    }

    public static EscalationStep close(long afterMs, int promptId) {
        return new EscalationStep(afterMs, Action.CLOSE, null, -1, promptId);
    }
}
