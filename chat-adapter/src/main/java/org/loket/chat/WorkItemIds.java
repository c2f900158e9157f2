package org.loket.chat;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.loket.core.Channel;

/**
 * The work items this gateway has, by the gateway's key ({@code channel}, {@code externalId}), so a
 * repeated {@code POST /api/v1/work-items} (a mail gateway's retry after a timeout: at-least-once
 * delivery) gets the id Loket already gave instead of making a second contact.
 *
 * <p>Two parts, both bounded: the live items (as many as the core holds; an item leaves when it
 * ends) and the recently ended ones, kept {@link #ENDED_KEEP_MS} after their end and at most
 * {@link #MAX_ENDED} of them (the oldest end goes first). After a restart the live ones come back with
 * their conversations and the recently ended ones from the transcript store ({@link HubRestart}),
 * within the store's retention. Hub thread.
 */
final class WorkItemIds {
    /** How long after its end a work item's key still answers with its id: a gateway's retries are over by then. */
    static final long ENDED_KEEP_MS = 7L * 24 * 3_600_000;
    /** Ended items kept at most (about 150 bytes each): a week of a busy mailbox. */
    static final int MAX_ENDED = 100_000;

    private final Map<String, Long> live = new HashMap<>();
    /** Ended items in the order they ended: key, and the id with its end time. */
    private final LinkedHashMap<String, Ended> ended = new LinkedHashMap<>();
    private final int maxEnded;

    private record Ended(long id, long endedMs) {
    }

    WorkItemIds() {
        this(MAX_ENDED);
    }

    /** @param maxEnded ended items kept at most (tests make it small) */
    WorkItemIds(int maxEnded) {
        this.maxEnded = maxEnded;
    }

    /** The key of a work item: its channel and the gateway's id ({@code externalId} is 1..200 characters). */
    static String key(int channel, String externalId) {
        return channel + ":" + externalId;
    }

    /**
     * The id Loket gave the item with this key, live or ended within {@link #ENDED_KEEP_MS} before
     * {@code nowMs}; -1 when there is none.
     */
    long find(Channel channel, String externalId, long nowMs) {
        String key = key(channel.code(), externalId);
        Long id = live.get(key);
        if (id != null) {
            return id;
        }
        forgetOld(nowMs);
        Ended e = ended.get(key);
        return e == null ? -1 : e.id();
    }

    /** A work item was made (or restored live after a restart) with contact id {@code id}. */
    void live(int channel, String externalId, long id) {
        String key = key(channel, externalId);
        ended.remove(key);
        live.put(key, id);
    }

    /**
     * Work item {@code id} ended at {@code endedMs} (or was refused at the door): its key answers
     * with its id for {@link #ENDED_KEEP_MS} more. An end of an item that is no longer the key's
     * live one (a newer item reused the key after the window) changes nothing.
     */
    void ended(int channel, String externalId, long id, long endedMs) {
        String key = key(channel, externalId);
        Long current = live.get(key);
        if (current != null && current != id) {
            return;
        }
        live.remove(key);
        ended.remove(key); // re-inserted: the order is that of the ends
        ended.put(key, new Ended(id, endedMs));
        forgetOld(endedMs);
    }

    /** Live items and ended ones remembered (tests, the stats). */
    int liveCount() {
        return live.size();
    }

    int endedCount() {
        return ended.size();
    }

    private void forgetOld(long nowMs) {
        for (Iterator<Ended> it = ended.values().iterator(); it.hasNext(); ) {
            Ended e = it.next();
            if (ended.size() <= maxEnded && nowMs - e.endedMs() < ENDED_KEEP_MS) {
                return; // in end order: the rest is newer
            }
            it.remove();
        }
    }
}
