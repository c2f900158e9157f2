package org.loket.host.trace;

/**
 * One contact of a recorded day as the journal tells it: {@code loket trace extract --contacts-out},
 * for supervisors' and researchers' own analysis (columns in docs/trace-format.md, "Contact
 * records"). Citizens appear only by their pseudonym; times are local.
 *
 * @param contactId     the trace row's id ({@code j} and the journal's contact id)
 * @param citizen       the citizen's pseudonym (16 hex digits), or empty when unknown (web chat)
 * @param channel       voice, chat, email or social
 * @param entry         where it arrived, or empty
 * @param language      its language, or empty
 * @param arrivedAt     local date and time of arrival, to the millisecond
 * @param selfServiceMs from arrival to joining a queue (or to the end, when it never joined one)
 * @param queue         the first queue it joined, or was turned away at; empty when none
 * @param lastQueue     the queue it was in when it ended (another after a transfer or an overflow; the one before
 *                      an introduction that was given back to its first agent)
 * @param waitMs        from joining its queue until an agent took it, or until it ended unanswered; -1 when never queued
 * @param agent         the agent who took it first, or empty
 * @param talkMs        time connected to agents
 * @param wrapUpMs      the after-contact work of the agent who ended it
 * @param wrapUpCode    the wrap-up code that agent gave, or empty
 * @param transfers     transfers by agents to another queue or agent
 * @param callback      whether it asked for (and kept its place for) a callback
 * @param outcome       answered, abandoned, abandoned_in_self_service, self_served, closed, outside_hours, deflected,
 *                      or open (still live when the journal ends)
 * @param endedAt       local date and time of its end, or empty when open
 */
public record ContactRecord(String contactId, String citizen, String channel, String entry, String language, String arrivedAt,
                            long selfServiceMs, String queue, String lastQueue, long waitMs, String agent, long talkMs, long wrapUpMs,
                            String wrapUpCode, int transfers, boolean callback, String outcome, String endedAt) {
}
