package org.loket.host.trace;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.loket.core.command.Command;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.host.trace.ContactFollower.Followed;

/**
 * A known citizen's earlier contacts, for the agent who takes their next one ("no wrong door": the
 * citizen does not tell their story again): per pseudonym the adapter journaled with the arrival
 * ({@code Command.citizenPseudonym}: a caller's number, an e-mail or social sender), their contacts
 * of the last {@code window} (docs/domain.md's first-contact-resolution window is 7 days), as
 * {@link ContactRecord}s: at most {@code maxPerCitizen} before any contact of theirs. Web chats have no pseudonym and no history.
 * <p>Fed like the KPI collectors: every command with its decisions, in journal order (live from a
 * gateway's {@code onCommand}, or read from the journal after a restart). Memory is bounded by the
 * window: contacts older than it are dropped as the stream's time passes them. Not thread-safe.
 */
public final class CitizenHistory {
    /** docs/domain.md's repeat-contact window. */
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
    public static final int DEFAULT_MAX_PER_CITIZEN = 10;

    private final ContactFollower follower;
    private final long windowNs;
    private final int maxPerCitizen;
    /** Per pseudonym, their contacts in the window, oldest first. */
    private final Map<Long, ArrayDeque<Followed>> byCitizen = new HashMap<>();
    /** Every followed contact by arrival: the window's end drops them from the head. */
    private final ArrayDeque<Followed> byArrival = new ArrayDeque<>();
    private long nowNs = Long.MIN_VALUE;

    /**
     * @param config the configuration in force before the first command, or null when the stream brings it
     */
    public CitizenHistory(ZoneId zone, RoutingConfig config, Duration window, int maxPerCitizen) {
        if (window.isNegative() || window.isZero() || maxPerCitizen < 1) {
            throw new IllegalArgumentException("a citizen history needs a positive window and room for a contact: " + window + ", " + maxPerCitizen);
        }
        this.follower = new ContactFollower(zone, config, arrival -> arrival.citizenPseudonym != Command.UNKNOWN_CITIZEN);
        this.windowNs = window.toNanos();
        this.maxPerCitizen = maxPerCitizen;
    }

    /** Feeds one command with the decisions it caused (journal order). */
    public void accept(Command command, Decision[] decisions, int count) {
        nowNs = Math.max(nowNs, command.timestampNs);
        Followed arrived = follower.accept(command, decisions, count);
        if (arrived != null) {
            ArrayDeque<Followed> theirs = byCitizen.computeIfAbsent(arrived.citizen, k -> new ArrayDeque<>(4));
            theirs.addLast(arrived);
            if (theirs.size() > maxPerCitizen + 1) { // this one and as many before it as are shown
                theirs.pollFirst(); // byArrival lets go of it when the window passes it
            }
            byArrival.addLast(arrived);
        }
        for (Followed oldest = byArrival.peekFirst(); oldest != null && nowNs - oldest.arrivedNs > windowNs; oldest = byArrival.peekFirst()) {
            byArrival.pollFirst();
            follower.forget(oldest.contactId);
            ArrayDeque<Followed> theirs = byCitizen.get(oldest.citizen);
            if (theirs != null && theirs.peekFirst() == oldest) {
                theirs.pollFirst();
                if (theirs.isEmpty()) {
                    byCitizen.remove(oldest.citizen);
                }
            }
        }
    }

    /**
     * The contacts the citizen of {@code contactId} made before it within the window, newest first,
     * as they stand now (one still open says {@code open}); empty when that contact's citizen is
     * unknown or the contact arrived before this history began.
     */
    public List<ContactRecord> before(long contactId) {
        Followed contact = follower.get(contactId);
        ArrayDeque<Followed> theirs = contact == null ? null : byCitizen.get(contact.citizen);
        if (theirs == null) {
            return List.of();
        }
        List<ContactRecord> earlier = new ArrayList<>();
        for (Iterator<Followed> newestFirst = theirs.descendingIterator(); newestFirst.hasNext(); ) {
            Followed other = newestFirst.next();
            if (other != contact && other.arrivedNs <= contact.arrivedNs) {
                earlier.add(follower.record(other));
            }
        }
        return earlier;
    }

    /** Citizens with a contact in the window. */
    public int citizens() {
        return byCitizen.size();
    }
}
