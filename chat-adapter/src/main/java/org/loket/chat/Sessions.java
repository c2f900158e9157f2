package org.loket.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;

/**
 * Sign-in sessions of one kind of user: supervisors on the wallboard ({@link Supervisors}), agents on
 * the desktop ({@link AgentSessions}). A sign-in with name and secret gets a random token
 * ({@link Citizens#newToken}); the page keeps the token for its browser tab and the hub keeps only
 * its hash ({@link Citizens#tokenHash}), so neither the page nor Loket's files hold the secret or a
 * token that works. A session ends
 * <ul>
 *   <li>{@code idleMs} after its last use ({@link #used}; what counts as use is the owner's to say,
 *       and {@link Owners#working} may count time as use);</li>
 *   <li>in any case {@code maxMs} after the sign-in, however used;</li>
 *   <li>at sign-out ({@link #signOut}), and when its owner is no longer in the configuration
 *       ({@link Owners#known});</li>
 *   <li>when the owners end it ({@link #endOthers}, {@link #endWhere}): a sign-in elsewhere, an
 *       agent logged out by someone else.</li>
 * </ul>
 * Every sign-in, sign-out and end is audited ({@code signed-in}, {@code signed-out},
 * {@code session-ended} with why) under the owners' {@code via}, and the owners close the pages of
 * an ended session ({@link Owners#ended}); what those pages were told is remembered for a while
 * ({@link #endedMessage}), for a page that was away.
 *
 * <p>Sessions survive a restart of Loket through a {@link SessionFile}: written at every sign-in,
 * sign-out and end, the last use alone at most every {@link #SAVE_USE_EVERY_MS}; read back at
 * construction, where those that ended meanwhile are dropped and audited. Hub thread only.
 */
final class Sessions implements AutoCloseable {
    /**
     * How often last use alone is written. Every action rewriting the file would be waste; a crash
     * loses at most this much of the last use, which only brings an idle end that much closer.
     */
    static final long SAVE_USE_EVERY_MS = 60_000;
    /** How many ended sessions' messages are remembered for pages that come back: a floor's worth, a few hundred kB at most. */
    static final int REMEMBERED_ENDS = 4_096;

    /** Where sign-ins and ends are recorded: the operators' audit, at once or through a writer of its own. */
    interface Audit {
        void record(String via, String actor, String action, String target, String detail);
    }

    /** What the sessions ask of the part whose users they are. Hub thread. */
    interface Owners {
        /** Whether {@code owner} may still sign in (is in the configuration in force). */
        boolean known(String owner);

        /** Whether the session {@code hash} of {@code owner} is at work now, which counts as use (checked every sweep). */
        default boolean working(String hash, String owner) {
            return false;
        }

        /**
         * The session {@code hash} of {@code owner} ended (already audited and dropped): its pages
         * are to be told and act no more.
         *
         * @param message for the page, or null when the owner left the configuration (its pages were told by the reload)
         */
        void ended(String hash, String owner, String message);
    }

    /** Who signed in when (epoch ms), and when they last used the session. */
    static final class Session {
        final String owner;
        final long signedInMs;
        long lastUsedMs;

        private Session(String owner, long signedInMs, long lastUsedMs) {
            this.owner = owner;
            this.signedInMs = signedInMs;
            this.lastUsedMs = lastUsedMs;
        }
    }

    private final String via;
    /** What an owner is ("supervisor", "agent"): the file's lines and the end of one no longer in the configuration say so. */
    private final String ownerNoun;
    private final long idleMs;
    private final long maxMs;
    private final SessionFile file;
    private final Audit audit;
    private final Owners owners;
    private final LongSupplier clockMs;
    /** Sessions by their token's hash. */
    private final Map<String, Session> sessions = new HashMap<>();
    /** What the pages of the last sessions that ended were told, by token hash, oldest first ({@link #endedMessage}). */
    private final Map<String, String> endedMessages = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED_ENDS;
        }
    };
    /** Whether a session was used since the file was last written, and when that was (clock ms). */
    private boolean usedSinceSaved;
    private long savedMs;

    /**
     * Reads the sessions {@code file} kept; those that ended meanwhile are dropped and audited.
     *
     * @param via       the audit's interface: {@code wallboard}, {@code desktop}
     * @param ownerNoun what an owner is: {@code supervisor}, {@code agent}
     * @param clockMs   the clock sessions expire by (epoch ms)
     */
    Sessions(String via, String ownerNoun, long idleMs, long maxMs, SessionFile file, Audit audit, Owners owners, LongSupplier clockMs) {
        this.via = via;
        this.ownerNoun = ownerNoun;
        this.idleMs = idleMs;
        this.maxMs = maxMs;
        this.file = file;
        this.audit = audit;
        this.owners = owners;
        this.clockMs = clockMs;
        long nowMs = clockMs.getAsLong();
        boolean dropped = false;
        for (SessionFile.Saved saved : file.load()) {
            Session session = new Session(saved.owner(), saved.signedInMs(), saved.lastUsedMs());
            String ended = endedWhy(session, nowMs);
            if (ended == null && saved.expiresMs() <= nowMs) {
                ended = "expired " + Instant.ofEpochMilli(saved.expiresMs()); // under the settings of then
            }
            if (ended == null) {
                sessions.put(saved.tokenHash(), session);
            } else {
                audit.record(via, saved.owner(), "session-ended", "", ended + " (while Loket was stopped)");
                dropped = true;
            }
        }
        if (dropped) {
            save(nowMs);
        }
    }

    long idleMs() {
        return idleMs;
    }

    long maxMs() {
        return maxMs;
    }

    /** A sign-in of {@code owner} (its secret checked): audited and kept. @return the new session's token, for the page alone */
    String start(String owner) {
        long nowMs = clockMs.getAsLong();
        String token = Citizens.newToken();
        sessions.put(Citizens.tokenHash(token), new Session(owner, nowMs, nowMs));
        audit.record(via, owner, "signed-in", "", "");
        save(nowMs);
        return token;
    }

    /** {@code frame}, the answer to a sign-in, with the new session's token and how long it lasts unused and at most. */
    ObjectNode issued(ObjectNode frame, String token) {
        return frame.put("token", token).put("expiresInSeconds", Math.min(idleMs, maxMs) / 1000).put("idleSeconds", idleMs / 1000)
                .put("maxSeconds", maxMs / 1000);
    }

    /** The session of {@code hash} if it lasts; one that ended is ended now (audited, its pages told, written). Null for none. */
    Session live(String hash) {
        Session session = hash == null ? null : sessions.get(hash);
        if (session == null) {
            return null;
        }
        long nowMs = clockMs.getAsLong();
        String why = endedWhy(session, nowMs);
        if (why == null) {
            return session;
        }
        sessions.remove(hash);
        ended(hash, session, why);
        save(nowMs);
        return null;
    }

    /** The owner did something with the session: its idle time starts again. */
    void used(Session session) {
        session.lastUsedMs = clockMs.getAsLong();
        usedSinceSaved = true;
    }

    /**
     * The page signed out: the session {@code hash} ends (its other pages are the caller's to tell).
     *
     * @param actor who signed out, audited; null when the page was no longer signed in (nothing to audit)
     * @return whether there was such a session
     */
    boolean signOut(String hash, String actor) {
        if (actor != null) {
            audit.record(via, actor, "signed-out", "", "");
        }
        if (hash == null || sessions.remove(hash) == null) {
            return false;
        }
        save(clockMs.getAsLong());
        return true;
    }

    /**
     * Ends every session of {@code owner} but {@code kept} (null: all of them), audited with
     * {@code why}, their pages told {@code message}.
     */
    void endOthers(String owner, String kept, String why, String message) {
        endWhere((hash, sessionOwner) -> sessionOwner.equals(owner) && !hash.equals(kept), why, message);
    }

    /** Ends every session {@code which} (token hash, owner) picks, audited with {@code why}, their pages told {@code message}. */
    void endWhere(BiPredicate<String, String> which, String why, String message) {
        boolean changed = false;
        for (var it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Session> e = it.next();
            if (which.test(e.getKey(), e.getValue().owner)) {
                it.remove();
                audit.record(via, e.getValue().owner, "session-ended", "", why);
                told(e.getKey(), e.getValue().owner, message);
                changed = true;
            }
        }
        if (changed) {
            save(clockMs.getAsLong());
        }
    }

    /**
     * What the pages of the session {@code hash} were told when it ended, while the hub remembers
     * (the last {@link #REMEMBERED_ENDS} ends), or null: a page that was away then (a dropped
     * connection) hears why when it comes back with the token.
     */
    String endedMessage(String hash) {
        return hash == null ? null : endedMessages.get(hash);
    }

    /** The owners close the session's pages with {@code message} (null: no page is told), which is remembered for a page that comes back. */
    private void told(String hash, String owner, String message) {
        if (message != null) {
            endedMessages.put(hash, message);
        }
        owners.ended(hash, owner, message);
    }

    /** Why the session has ended by {@code nowMs}, or null while it lasts. */
    private String endedWhy(Session session, long nowMs) {
        if (!owners.known(session.owner)) {
            return "no longer " + article(ownerNoun) + " " + ownerNoun;
        }
        if (nowMs >= session.signedInMs + maxMs) {
            return maxMs / 3_600_000 + " h after the sign-in";
        }
        if (nowMs >= session.lastUsedMs + idleMs) {
            return "idle " + idleMs / 60_000 + " min";
        }
        return null;
    }

    private static String article(String noun) {
        return "aeiou".indexOf(noun.charAt(0)) >= 0 ? "an" : "a";
    }

    private void ended(String hash, Session session, String why) {
        audit.record(via, session.owner, "session-ended", "", why);
        told(hash, session.owner, why.startsWith("no longer") ? null
                : why.startsWith("idle") ? "Signed out after " + idleMs / 60_000 + " minutes without an action; sign in again."
                : "Signed out " + maxMs / 3_600_000 + " hours after signing in; sign in again.");
    }

    /**
     * Hub thread, every few seconds: counts sessions at work as used ({@link Owners#working}), ends
     * the sessions that ended (idle, at their maximum, their owner removed), and writes last use once
     * {@link #SAVE_USE_EVERY_MS} passed since the file was written.
     */
    void sweep() {
        long nowMs = clockMs.getAsLong();
        boolean changed = false;
        for (var it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Session> e = it.next();
            Session session = e.getValue();
            if (owners.working(e.getKey(), session.owner)) {
                session.lastUsedMs = nowMs;
                usedSinceSaved = true;
            }
            String why = endedWhy(session, nowMs);
            if (why != null) {
                it.remove();
                ended(e.getKey(), session, why);
                changed = true;
            }
        }
        if (changed || usedSinceSaved && nowMs - savedMs >= SAVE_USE_EVERY_MS) {
            save(nowMs);
        }
    }

    /** Hands the sessions to the file, oldest sign-in first. */
    private void save(long nowMs) {
        List<SessionFile.Saved> saved = new ArrayList<>(sessions.size());
        sessions.forEach((hash, s) -> saved.add(new SessionFile.Saved(hash, s.owner, s.signedInMs, s.lastUsedMs,
                Math.min(s.lastUsedMs + idleMs, s.signedInMs + maxMs))));
        saved.sort(Comparator.comparingLong(SessionFile.Saved::signedInMs).thenComparing(SessionFile.Saved::tokenHash));
        file.save(saved);
        savedMs = nowMs;
        usedSinceSaved = false;
    }

    /** The sessions' file (tests). */
    SessionFile file() {
        return file;
    }

    /** Writes the sessions as they are and stops the file's writer. After the hub thread stopped. */
    @Override
    public void close() {
        if (usedSinceSaved) {
            save(clockMs.getAsLong());
        }
        file.close();
    }
}
