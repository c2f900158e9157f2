package org.loket.host.kpi;

/**
 * Key figures of a set of contacts (a queue, a channel, an interval or all), with the definitions of
 * {@code docs/kpis.md}. Ratios are null when their denominator is zero.
 *
 * @param name                   queue or channel name, "total", or the interval's start
 * @param channel                the queue's channel, or null
 * @param offered                contacts that joined a queue (counted once, in their first queue)
 * @param answered               offered contacts an agent accepted
 * @param answeredWithinThreshold answered within their queue's service-level threshold
 * @param abandoned              offered contacts that left before an agent accepted (short ones included)
 * @param shortAbandoned         abandoned within {@link KpiReport#shortAbandonMs()}; excluded from service level
 * @param enteredSelfService     contacts that reached an IVR or chatbot menu
 * @param selfServed             contacts self-service answered (an information leaf)
 * @param abandonedInSelfService contacts that left during self-service
 * @param callbacks              contacts that asked to be called back (they keep their place; not abandons)
 * @param closed                 contacts turned away by an operator's emergency closure (they heard its message)
 * @param outsideHours           contacts turned away because their queue's business hours (or a holiday) closed it
 * @param deflected              contacts the queue's own policy ended with a message (an escalation step's close, a
 *                               full queue): not abandons; those that had joined a queue count against the service level
 * @param otherOutcomes          contacts that ended with an outcome this version of the report does not know
 * @param serviceLevel           answeredWithinThreshold / (answered + abandoned - shortAbandoned + deflected after joining)
 * @param serviceLevelTarget     the service level these contacts' queues aim at: each contact in the service level's
 *                               denominator weighs in with its first queue's {@code serviceLevelPercent}, so a queue's
 *                               row holds its own target and a mix of queues (totals, channels, intervals) the level it
 *                               would have if every queue met its target exactly; null with no such contact
 * @param abandonRate            abandoned / (answered + abandoned)
 * @param asaMs                  mean wait of answered contacts, from joining the queue to the agent's acceptance
 * @param ahtMs                  mean handling time: talk (all agents) plus after-contact work
 * @param longestWaitMs          longest wait of an answered or abandoned contact
 * @param occupancy              time agents held contacts / time agents were available or holding contacts; for a
 *                               queue: handling time of its contacts / (time its qualified agents were staffed x
 *                               their capacity for its channel)
 * @param ivrContainment         selfServed / enteredSelfService
 * @param escalation             escalation steps that acted, counted in the queue whose step it was
 * @param transfers              transfers by agents ("no wrong door"): per queue out of and into it
 * @param waitEstimate           the core's estimated wait when a contact joined its first queue against
 *                               the wait it had until an agent accepted it (answered contacts with an estimate)
 * @param wrapUpCodes            answered contacts by the wrap-up code their agent recorded (the name in the
 *                               configuration in force at the time, {@code code-N} for one it did not name);
 *                               contacts whose wrap-up ended without a code are not in it
 * @param repeats                contacts of citizens the adapters could recognise (a caller number, a sender address),
 *                               linked by their pseudonyms: repeat contacts and first-contact resolution
 * @param announcement           contacts that heard the operator's service announcement, and what became of them
 */
public record Figures(String name, String channel, long offered, long answered, long answeredWithinThreshold,
                      long abandoned, long shortAbandoned, long enteredSelfService, long selfServed,
                      long abandonedInSelfService, long callbacks, long closed, long outsideHours, long deflected, long otherOutcomes,
                      Double serviceLevel, Double serviceLevelTarget, Double abandonRate, Double asaMs,
                      Double ahtMs, long longestWaitMs, Double occupancy, Double ivrContainment, Escalation escalation,
                      Transfers transfers, WaitEstimate waitEstimate, java.util.Map<String, Long> wrapUpCodes,
                      Repeats repeats, Announcement announcement) {
    public Figures {
        wrapUpCodes = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(wrapUpCodes));
    }

    /** Whether the service level fell short of its target (false when either is unknown). */
    public boolean underTarget() {
        // Both are ratios of the same denominator; the tolerance absorbs the division's rounding.
        return serviceLevel != null && serviceLevelTarget != null && serviceLevel < serviceLevelTarget - 1e-9;
    }

    /**
     * Contacts of known citizens, linked across contacts by the pseudonym the adapter journaled
     * (withheld numbers, web chats and trace rows without one are unknown and in none of these).
     * Within {@link KpiCollector#REPEAT_WINDOW_MS} (7 days), as far back and forward as the report reads.
     *
     * @param known                  contacts whose citizen is known
     * @param repeated               of these, contacts whose citizen's previous contact arrived within the window before
     * @param afterAbandon           of those, contacts whose previous contact had been abandoned (redials)
     * @param answeredKnown          answered contacts whose citizen is known
     * @param unresolved             of these, contacts after whose end the citizen contacted again within the window
     * @param firstContactResolution 1 - unresolved / answeredKnown, or null without answered known contacts
     */
    public record Repeats(long known, long repeated, long afterAbandon, long answeredKnown, long unresolved,
                          Double firstContactResolution) {
    }

    /**
     * Contacts told the operator's service announcement when they arrived (voice and chat; decision
     * {@code ANNOUNCE}), and how they ended: did it keep them out of the queue, did those who queued
     * anyway give up more often than everyone? Counted where the contacts count (first queue, or the
     * queue of the menu they self-served under; the interval they joined a queue or arrived in).
     *
     * @param heard                  contacts told the announcement
     * @param selfServed             of these, contacts that ended at an information leaf
     * @param abandonedInSelfService of these, contacts that left during self-service (the announcement included)
     * @param offered                of these, contacts that joined a queue anyway
     * @param answered               of those, answered
     * @param abandoned              of those, abandoned (short abandons included)
     * @param leftBeforeQueue        (selfServed + abandonedInSelfService) / heard, or null when nobody heard it
     * @param abandonRate            abandoned / (answered + abandoned) of these contacts, or null: compare with the row's own
     */
    public record Announcement(long heard, long selfServed, long abandonedInSelfService, long offered, long answered,
                               long abandoned, Double leftBeforeQueue, Double abandonRate) {
    }

    /**
     * Predicted against actual wait.
     *
     * @param estimated       answered contacts that joined with a known estimate
     * @param meanAbsErrorMs  mean of |actual - estimated|, or null without estimates
     * @param biasMs          mean of actual - estimated (positive: waits were longer than said), or null
     * @param withinHalf      share of estimates within 50% (or 30 s) of the actual wait, or null
     */
    public record WaitEstimate(long estimated, Double meanAbsErrorMs, Double biasMs, Double withinHalf) {
    }

    /**
     * What escalation steps did. Per queue: the steps of that queue (an overflow also counts as
     * {@code overflowedIn} in its target); in totals, channels and intervals: the steps that acted on
     * the contacts counted there.
     *
     * @param widened                WIDEN steps that acted (more agents qualified)
     * @param overflowedOut          OVERFLOW steps that moved a contact out of the queue
     * @param overflowedIn           contacts another queue's step moved into this one
     * @param callbackOffers         callbacks a step offered (not to contacts already to be called back)
     * @param callbackOffersAccepted contacts that asked for a callback after a step offered one
     * @param closed                 CLOSE steps that ended a contact (outcome DEFLECTED)
     */
    public record Escalation(long widened, long overflowedOut, long overflowedIn, long callbackOffers,
                             long callbackOffersAccepted, long closed) {
    }

    /**
     * Transfers by agents. Per queue: those out of it (the contact was in it when its agent
     * transferred it) and into it; in totals, channels and intervals both are the transfers of the
     * contacts counted there. A transferred contact is offered once, in its first queue.
     *
     * @param out transfers out of the queue
     * @param in  transfers into the queue
     */
    public record Transfers(long out, long in) {
    }
}
