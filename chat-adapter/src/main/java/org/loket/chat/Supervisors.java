package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.loket.core.AgentState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.host.audit.OperatorAudit;
import org.loket.host.gateway.CallMonitoring;
import org.loket.host.gateway.GatewayContext;

/**
 * What a supervisor does on the wallboard page: subscribe (a wall display with the shared token,
 * or signed in by name), and once signed in set or clear the service announcement, set the state
 * of an agent they supervise, and have their own phone rung to listen in on that agent's call.
 * Every action is audited with the supervisor's name. The figures are {@link Wallboard}'s. Hub thread.
 *
 * <p>Sessions. A supervisor who signs in gets a session token: the page keeps it for the browser
 * tab (sessionStorage), so a reload or a lost connection subscribes again without the secret, which
 * the page does not keep. The hub keeps only the token's hash. A session ends
 * <ul>
 *   <li>after {@code chat.supervisor-idle-minutes} (60) without use: an unattended signed-in tab
 *       does not stay able to act. Use is what the supervisor does: the sign-in, a page load
 *       (subscribe with the session), announce, agent-state, listen. A page's pings and its own
 *       reconnects after a lost connection (subscribe with {@code "reconnect": true}) are not: a
 *       page does those by itself, so they would keep an abandoned tab signed in for ever;</li>
 *   <li>in any case {@code chat.supervisor-session-hours} (12) after the sign-in, however busy;</li>
 *   <li>at sign-out, and when the supervisor is no longer in the configuration.</li>
 * </ul>
 * An end is audited ({@code signed-out}, or {@code session-ended} with why), and pages still open
 * on a session that ended are told ({@code session-ended}) and shown nothing more.
 *
 * <p>Sessions survive a restart of Loket: {@link SessionFile} keeps hash, name, sign-in, last use
 * and expiry, written at every sign-in, sign-out and end, and read back at start (ended ones
 * dropped and audited). Last use alone is written at most every {@link #SAVE_USE_EVERY_MS}.
 */
final class Supervisors implements AutoCloseable {
    /**
     * How often last use alone is written. Every action rewriting the file would be waste; a crash
     * loses at most this much of the last use, which only brings an idle end that much closer.
     */
    static final long SAVE_USE_EVERY_MS = 60_000;

    private final HubState hub;
    private final SignIn signIn;
    private final Desks desks;
    /** For the services other gateways offer (the phone channel's {@link CallMonitoring}), looked up when needed. */
    private final GatewayContext context;
    private final OperatorAudit audit;
    private final long idleMs;
    private final long maxMs;
    private final SessionFile file;
    /** Signed-in supervisors' sessions by their token's hash ({@link Citizens#tokenHash}). */
    private final Map<String, Session> sessions = new HashMap<>();
    /** Whether a session was used since the file was last written, and when that was (clock ms). */
    private boolean usedSinceSaved;
    private long savedMs;
    /** The clock sessions expire by; tests set another. */
    LongSupplier clockMs = System::currentTimeMillis;

    /** Who signed in when (epoch ms), and when they last used the session. */
    private static final class Session {
        final String supervisor;
        final long signedInMs;
        long lastUsedMs;

        Session(String supervisor, long signedInMs, long lastUsedMs) {
            this.supervisor = supervisor;
            this.signedInMs = signedInMs;
            this.lastUsedMs = lastUsedMs;
        }
    }

    /** Reads the sessions {@code chat.supervisor-session-file} kept; those that ended meanwhile are dropped and audited. */
    Supervisors(HubState hub, SignIn signIn, Desks desks, GatewayContext context) {
        this.hub = hub;
        this.signIn = signIn;
        this.desks = desks;
        this.context = context;
        this.audit = context.audit();
        this.idleMs = hub.settings.supervisorIdleMinutes() * 60_000L;
        this.maxMs = hub.settings.supervisorSessionHours() * 3_600_000L;
        this.file = new SessionFile(hub.settings.supervisorSessionFile(), hub.counters);
        long nowMs = clockMs.getAsLong();
        boolean dropped = false;
        for (SessionFile.Saved saved : file.load()) {
            Session session = new Session(saved.supervisor(), saved.signedInMs(), saved.lastUsedMs());
            String ended = endedWhy(session, nowMs);
            if (ended == null && saved.expiresMs() <= nowMs) {
                ended = "expired " + java.time.Instant.ofEpochMilli(saved.expiresMs()); // under the settings of then
            }
            if (ended == null) {
                sessions.put(saved.tokenHash(), session);
            } else {
                audit.record("wallboard", saved.supervisor(), "session-ended", "", ended + " (while Loket was stopped)");
                dropped = true;
            }
        }
        if (dropped) {
            save(nowMs);
        }
    }

    /** A wallboard page's frame: subscribe, then (signed in) announce, agent-state, listen; sign-out, ping. */
    void onFrame(Peer peer, String type, JsonNode frame) {
        switch (type) {
            case "subscribe" -> subscribe(peer, frame);
            case "sign-out" -> signOut(peer);
            case "announce" -> announce(peer, frame);
            case "agent-state" -> supervisorSetsPresence(peer, frame);
            case "listen" -> ringSupervisorsPhone(peer, frame);
            case "ping" -> peer.send("{\"type\":\"pong\"}"); // not use: pages ping by themselves
            default -> hub.malformed(peer, "unknown type '" + type + "'");
        }
    }

    /**
     * A wall display shows the shared token; a supervisor signs in by name and secret (and may act),
     * and is given a session token ({@code supervisor-session}), or comes back with that token.
     */
    private void subscribe(Peer peer, JsonNode frame) {
        String name = frame.path("supervisor").asText("");
        String token = frame.path("session").asText("");
        long nowMs = clockMs.getAsLong();
        if (!token.isEmpty()) {
            String hash = Citizens.tokenHash(token);
            Session session = live(hash, nowMs);
            if (session == null) {
                signIn.refuse(peer, "session-ended", "Your sign-in has ended; sign in again.");
                return;
            }
            if (!frame.path("reconnect").asBoolean()) {
                used(session, nowMs);
            }
            peer.supervisor = session.supervisor;
            peer.session = hash;
        } else if (!name.isEmpty()) {
            if (!signIn.check(peer, "wallboard", name, hub.wallboard.isSupervisor(name), frame.path("secret").asText(""), "unauthorised",
                    "Unknown supervisor or wrong secret.")) {
                return;
            }
            String issued = Citizens.newToken();
            peer.supervisor = name;
            peer.session = Citizens.tokenHash(issued);
            sessions.put(peer.session, new Session(name, nowMs, nowMs));
            audit.record("wallboard", name, "signed-in", "", "");
            save(nowMs);
            peer.send(hub.json.createObjectNode().put("type", "supervisor-session").put("token", issued)
                    .put("expiresInSeconds", Math.min(idleMs, maxMs) / 1000).put("idleSeconds", idleMs / 1000)
                    .put("maxSeconds", maxMs / 1000).toString());
        } else if (!sharedTokenMatches(peer, frame.path("token").asText(""))) {
            return;
        }
        peer.subscribed = true;
        hub.wallboard.subscribe(peer);
    }

    /**
     * A wall display's shared token, through the sign-in's lockout per address (as the HTTP API's
     * bearer tokens): an address that sent {@code chat.lockout-failures} wrong ones is refused
     * without a check for {@code chat.lockout-minutes}; other addresses carry on. Answered when wrong.
     */
    private boolean sharedTokenMatches(Peer peer, String given) {
        CredentialGuard guard = signIn.guard();
        switch (guard.attempt(ChatSettings.SUPERVISOR_TOKEN, peer.address,
                () -> SignIn.secretMatches(hub.settings.supervisorToken(), given), hub.counters)) {
            case ACCEPTED -> {
                return true;
            }
            case LOCKED -> signIn.refuse(peer, "locked", "Too many wrong tokens from your address: try again in " + guard.lockMinutes() + " minutes.");
            default -> signIn.refuse(peer, "unauthorised", "Wrong supervisor token.");
        }
        return false;
    }

    /** The page signs out: its session ends (a signed-in supervisor's), and it shows nothing until it subscribes again. */
    private void signOut(Peer peer) {
        String hash = peer.session;
        if (peer.supervisor != null) {
            audit.record("wallboard", peer.supervisor, "signed-out", "", "");
        }
        leave(peer);
        peer.send("{\"type\":\"signed-out\"}");
        if (hash != null && sessions.remove(hash) != null) {
            closePages(hash, "You signed out in another tab; sign in again.");
            save(clockMs.getAsLong());
        }
    }

    /** The peer no longer shows the wallboard nor acts. */
    private void leave(Peer peer) {
        peer.session = null;
        peer.supervisor = null;
        peer.subscribed = false;
        hub.wallboard.unsubscribe(peer);
    }

    /** Pages still open on the session {@code hash}, which ended: told why, and they show nothing more. */
    private void closePages(String hash, String message) {
        for (Peer page : hub.wallboard.pages()) {
            if (hash.equals(page.session)) {
                leave(page);
                page.send(hub.error("session-ended", message).toString());
            }
        }
    }

    /** Why the session has ended by {@code nowMs}, or null while it lasts. */
    private String endedWhy(Session session, long nowMs) {
        if (!hub.wallboard.isSupervisor(session.supervisor)) {
            return "no longer a supervisor";
        }
        if (nowMs >= session.signedInMs + maxMs) {
            return maxMs / 3_600_000 + " h after the sign-in";
        }
        if (nowMs >= session.lastUsedMs + idleMs) {
            return "idle " + idleMs / 60_000 + " min";
        }
        return null;
    }

    /** The session of {@code hash} if it lasts; one that ended is ended now (audited, pages told, written). */
    private Session live(String hash, long nowMs) {
        Session session = hash == null ? null : sessions.get(hash);
        if (session == null) {
            return null;
        }
        String why = endedWhy(session, nowMs);
        if (why == null) {
            return session;
        }
        sessions.remove(hash);
        ended(hash, session, why);
        save(nowMs);
        return null;
    }

    private void ended(String hash, Session session, String why) {
        audit.record("wallboard", session.supervisor, "session-ended", "", why);
        if (why.startsWith("no longer")) {
            return; // its pages were told by the reload ("removed") and show on, unable to act
        }
        closePages(hash, why.startsWith("idle") ? "Signed out after " + idleMs / 60_000 + " minutes without an action; sign in again."
                : "Signed out " + maxMs / 3_600_000 + " hours after signing in; sign in again.");
    }

    private void used(Session session, long nowMs) {
        session.lastUsedMs = nowMs;
        usedSinceSaved = true;
    }

    /**
     * The supervisor signed in on this page, its session checked and counted as used; null when
     * there is none (the page was answered: {@code refusal}, or told its session ended).
     */
    private String actor(Peer peer, String refusal) {
        if (!peer.subscribed || peer.supervisor == null) {
            peer.send(hub.error("forbidden", refusal).toString());
            return null;
        }
        long nowMs = clockMs.getAsLong();
        Session session = live(peer.session, nowMs);
        if (session == null) {
            if (peer.subscribed) { // its session ended elsewhere (signed out in a copy of the tab) and was not closed here yet
                leave(peer);
                peer.send(hub.error("session-ended", "Your sign-in has ended; sign in again.").toString());
            }
            return null;
        }
        used(session, nowMs);
        return peer.supervisor;
    }

    /**
     * Hub thread, every few seconds: ends the sessions that ended (idle, at their maximum, their
     * supervisor removed), and writes last use once {@link #SAVE_USE_EVERY_MS} passed since the file
     * was written.
     */
    void sweep() {
        long nowMs = clockMs.getAsLong();
        boolean changed = false;
        for (var it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Session> e = it.next();
            String why = endedWhy(e.getValue(), nowMs);
            if (why != null) {
                it.remove();
                ended(e.getKey(), e.getValue(), why);
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
        sessions.forEach((hash, s) -> saved.add(new SessionFile.Saved(hash, s.supervisor, s.signedInMs, s.lastUsedMs,
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

    /**
     * A signed-in supervisor sets the service announcement ({@code prompt}: a prompt's name) or clears
     * it ({@code prompt} null or absent): the same journaled command as the admin API's, logged with
     * who gave it. A view-only page may not.
     */
    private void announce(Peer peer, JsonNode frame) {
        String supervisor = actor(peer, "Sign in as a supervisor to set the service announcement.");
        if (supervisor == null) {
            return;
        }
        JsonNode given = frame.path("prompt");
        String prompt = given.isTextual() && !given.asText().isEmpty() ? given.asText() : null;
        int promptId = prompt == null ? -1 : hub.routing.prompts().indexOf(prompt);
        if (prompt != null && promptId < 0) {
            hub.malformed(peer, "unknown prompt '" + prompt + "'");
            return;
        }
        Command c = hub.command(CommandType.ANNOUNCEMENT_SET, -1, -1);
        c.input = promptId;
        if (hub.publish(c, peer)) {
            audit.record("wallboard", supervisor, prompt == null ? "announcement-cleared" : "announcement-set",
                    prompt == null ? "" : prompt, "");
        }
    }

    /**
     * A signed-in supervisor makes one of the agents it supervises ({@code monitors}) ready, paused
     * with a reason, or logged out ({@code state}: ready, paused, logged-out), as the admin API does:
     * an agent left not-ready after an offer rang out, one who forgot to log out. Logged with who.
     */
    private void supervisorSetsPresence(Peer peer, JsonNode frame) {
        String supervisor = actor(peer, "Sign in as a supervisor to change an agent's state.");
        if (supervisor == null) {
            return;
        }
        String name = frame.path("agent").asText("");
        Integer id = hub.agentIds.get(name);
        if (id == null || !hub.wallboard.supervises(supervisor, name)) {
            peer.send(hub.error("forbidden", "You do not supervise an agent named '" + name + "'.").toString());
            return;
        }
        String state = frame.path("state").asText("");
        int reason = PauseReason.UNSPECIFIED;
        AgentState to = switch (state) {
            case "ready" -> AgentState.READY;
            case "paused" -> AgentState.PAUSED;
            case "logged-out" -> AgentState.LOGGED_OUT;
            default -> null;
        };
        if (to == AgentState.PAUSED) {
            reason = hub.routing.pauseReasonCode(frame.path("reason").asText());
        }
        if (to == null || reason < PauseReason.UNSPECIFIED) {
            hub.malformed(peer, "agent-state needs state ready, paused (with a reason of " + hub.routing.pauseReasons() + ") or logged-out");
            return;
        }
        if (desks.changePresence(peer, hub.agents[id], to, reason)) {
            audit.record("wallboard", supervisor, "agent-state", name,
                    to == AgentState.PAUSED ? state + " " + hub.routing.pauseReasonName(reason) : state);
        }
    }

    /**
     * A signed-in supervisor asks to listen to (whisper to, barge into: {@code mode}) the call of an
     * agent it supervises: the phone channel rings the supervisor's own phone, which then joins as
     * if it had dialled the code ({@link CallMonitoring}; every check and the monitoring record
     * there). The answer ({@code ringing}, or an error saying why not) comes when the phone system
     * took the request, from a virtual thread: the hub does not wait for it.
     */
    private void ringSupervisorsPhone(Peer peer, JsonNode frame) {
        String supervisor = actor(peer, "Sign in as a supervisor to listen in on calls.");
        if (supervisor == null) {
            return;
        }
        String agent = frame.path("agent").asText("");
        String mode = frame.path("mode").asText("listen");
        if (!hub.wallboard.supervises(supervisor, agent)) {
            peer.send(hub.error("forbidden", "You do not supervise an agent named '" + agent + "'.").toString());
            return;
        }
        Optional<CallMonitoring> phones = context.service(CallMonitoring.class);
        if (phones.isEmpty()) {
            peer.send(hub.error("no-phone", "No phone channel runs in this Loket.").toString());
            return;
        }
        Thread.ofVirtual().name("chat-monitor-" + supervisor).start(() -> {
            String refused = phones.get().ring(supervisor, agent, mode);
            audit.record("wallboard", supervisor, "monitor-" + mode, agent, refused == null ? "phone rung" : "refused: " + refused);
            peer.send(refused == null
                    ? hub.json.createObjectNode().put("type", "ringing").put("agent", agent).put("mode", mode).toString()
                    : hub.error("monitor-refused", refused).toString());
        });
    }
}
