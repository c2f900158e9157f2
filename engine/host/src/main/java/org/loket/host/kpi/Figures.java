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
 * @param serviceLevel           answeredWithinThreshold / (answered + abandoned - shortAbandoned)
 * @param abandonRate            abandoned / (answered + abandoned)
 * @param asaMs                  mean wait of answered contacts, from joining the queue to the agent's acceptance
 * @param ahtMs                  mean handling time: talk (all agents) plus after-contact work
 * @param longestWaitMs          longest wait of an answered or abandoned contact
 * @param occupancy              time agents held contacts / time agents were available or holding contacts; for a
 *                               queue: handling time of its contacts / (time its qualified agents were staffed x
 *                               their capacity for its channel)
 * @param ivrContainment         selfServed / enteredSelfService
 */
public record Figures(String name, String channel, long offered, long answered, long answeredWithinThreshold,
                      long abandoned, long shortAbandoned, long enteredSelfService, long selfServed,
                      long abandonedInSelfService, long callbacks, long closed, long outsideHours, Double serviceLevel, Double abandonRate, Double asaMs,
                      Double ahtMs, long longestWaitMs, Double occupancy, Double ivrContainment) {
}
