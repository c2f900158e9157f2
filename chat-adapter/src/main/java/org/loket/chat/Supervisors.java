package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * and expiry ({@code chat.supervisor-session-file}). The bookkeeping is {@link Sessions}', shared
 * with the agents' desktop sessions ({@link AgentSessions}); what counts as use is said here.
 */
final class Supervisors implements Sessions.Owners, AutoCloseable {
    private final HubState hub;
    private final SignIn signIn;
    private final Desks desks;
    /** For the services other gateways offer (the phone channel's {@link CallMonitoring}), looked up when needed. */
    private final GatewayContext context;
    private final OperatorAudit audit;
    /** Signed-in supervisors' sessions, by their token's hash. */
    private final Sessions sessions;
    /** The clock sessions expire by; tests set another. */
    LongSupplier clockMs = System::currentTimeMillis;

    /** Reads the sessions {@code chat.supervisor-session-file} kept; those that ended meanwhile are dropped and audited. */
    Supervisors(HubState hub, SignIn signIn, Desks desks, GatewayContext context) {
        this.hub = hub;
        this.signIn = signIn;
        this.desks = desks;
        this.context = context;
        this.audit = context.audit();
        this.sessions = new Sessions("wallboard", "supervisor", hub.settings.supervisorIdleMinutes() * 60_000L,
                hub.settings.supervisorSessionHours() * 3_600_000L,
                new SessionFile(hub.settings.supervisorSessionFile(), "supervisor", hub.counters), audit::record, this,
                () -> clockMs.getAsLong());
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
        if (!token.isEmpty()) {
            String hash = Citizens.tokenHash(token);
            Sessions.Session session = sessions.live(hash);
            if (session == null) {
                signIn.refuse(peer, "session-ended", "Your sign-in has ended; sign in again.");
                return;
            }
            if (!frame.path("reconnect").asBoolean()) {
                sessions.used(session);
            }
            peer.supervisor = session.owner;
            peer.session = hash;
        } else if (!name.isEmpty()) {
            if (!signIn.check(peer, "wallboard", name, hub.wallboard.isSupervisor(name), frame.path("secret").asText(""), "unauthorised",
                    "Unknown supervisor or wrong secret.")) {
                return;
            }
            String issued = sessions.start(name);
            peer.supervisor = name;
            peer.session = Citizens.tokenHash(issued);
            peer.send(sessions.issued(hub.json.createObjectNode().put("type", "supervisor-session"), issued).toString());
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
        String supervisor = peer.supervisor;
        leave(peer);
        peer.send("{\"type\":\"signed-out\"}");
        if (sessions.signOut(hash, supervisor)) {
            closePages(hash, "You signed out in another tab; sign in again.");
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

    @Override
    public boolean known(String supervisor) {
        return hub.wallboard.isSupervisor(supervisor);
    }

    @Override
    public void ended(String hash, String supervisor, String message) {
        if (message != null) { // else its pages were told by the reload ("removed") and show on, unable to act
            closePages(hash, message);
        }
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
        Sessions.Session session = sessions.live(peer.session);
        if (session == null) {
            if (peer.subscribed) { // its session ended elsewhere (signed out in a copy of the tab) and was not closed here yet
                leave(peer);
                peer.send(hub.error("session-ended", "Your sign-in has ended; sign in again.").toString());
            }
            return null;
        }
        sessions.used(session);
        return peer.supervisor;
    }

    /** Hub thread, every few seconds: ends the sessions that ended, and writes last use now and then ({@link Sessions#sweep}). */
    void sweep() {
        sessions.sweep();
    }

    /** The sessions' file (tests). */
    SessionFile file() {
        return sessions.file();
    }

    /** Writes the sessions as they are and stops the file's writer. After the hub thread stopped. */
    @Override
    public void close() {
        sessions.close();
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
