package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
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
 * <p>A supervisor who signs in gets a session token: the page keeps it for the browser tab
 * (sessionStorage), so a reload or a lost connection subscribes again without the secret, which
 * the page does not keep. The hub keeps only the token's hash; sign-out, {@link #SESSION_MS}, a
 * restart of Loket, or the supervisor's removal from the configuration ends the session.
 */
final class Supervisors {
    /** How long a supervisor's session lasts from its sign-in: a working day. */
    static final long SESSION_MS = 12 * 3_600_000L;

    private final HubState hub;
    private final SignIn signIn;
    private final Desks desks;
    /** For the services other gateways offer (the phone channel's {@link CallMonitoring}), looked up when needed. */
    private final GatewayContext context;
    private final OperatorAudit audit;
    /** Signed-in supervisors' sessions by their token's hash ({@link Citizens#tokenHash}). */
    private final Map<String, Session> sessions = new HashMap<>();
    /** The clock sessions expire by; tests set another. */
    LongSupplier clockMs = System::currentTimeMillis;

    /** Who signed in, and until when (epoch ms). */
    private record Session(String supervisor, long expiresMs) {
    }

    Supervisors(HubState hub, SignIn signIn, Desks desks, GatewayContext context) {
        this.hub = hub;
        this.signIn = signIn;
        this.desks = desks;
        this.context = context;
        this.audit = context.audit();
    }

    /** A wallboard page's frame: subscribe, then (signed in) announce, agent-state, listen; sign-out, ping. */
    void onFrame(Peer peer, String type, JsonNode frame) {
        switch (type) {
            case "subscribe" -> subscribe(peer, frame);
            case "sign-out" -> signOut(peer);
            case "announce" -> announce(peer, frame);
            case "agent-state" -> supervisorSetsPresence(peer, frame);
            case "listen" -> ringSupervisorsPhone(peer, frame);
            case "ping" -> peer.send("{\"type\":\"pong\"}");
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
            Session session = sessions.get(hash);
            if (session == null || session.expiresMs() <= nowMs || !hub.wallboard.isSupervisor(session.supervisor())) {
                sessions.remove(hash);
                signIn.refuse(peer, "session-ended", "Your sign-in has ended; sign in again.");
                return;
            }
            peer.supervisor = session.supervisor();
            peer.session = hash;
        } else if (!name.isEmpty()) {
            if (!signIn.check(peer, "wallboard", name, hub.wallboard.isSupervisor(name), frame.path("secret").asText(""), "unauthorised",
                    "Unknown supervisor or wrong secret.")) {
                return;
            }
            sessions.values().removeIf(s -> s.expiresMs() <= nowMs);
            String issued = Citizens.newToken();
            peer.supervisor = name;
            peer.session = Citizens.tokenHash(issued);
            sessions.put(peer.session, new Session(name, nowMs + SESSION_MS));
            audit.record("wallboard", name, "signed-in", "", "");
            peer.send(hub.json.createObjectNode().put("type", "supervisor-session").put("token", issued)
                    .put("expiresInSeconds", SESSION_MS / 1000).toString());
        } else if (!SignIn.secretMatches(hub.settings.supervisorToken(), frame.path("token").asText(""))) {
            signIn.refuse(peer, "unauthorised", "Wrong supervisor token.");
            return;
        }
        peer.subscribed = true;
        hub.wallboard.subscribe(peer);
    }

    /** The page signs out: its session ends (a signed-in supervisor's), and it shows nothing until it subscribes again. */
    private void signOut(Peer peer) {
        if (peer.session != null) {
            sessions.remove(peer.session);
            peer.session = null;
        }
        if (peer.supervisor != null) {
            audit.record("wallboard", peer.supervisor, "signed-out", "", "");
            peer.supervisor = null;
        }
        peer.subscribed = false;
        hub.wallboard.unsubscribe(peer);
        peer.send("{\"type\":\"signed-out\"}");
    }

    /**
     * A signed-in supervisor sets the service announcement ({@code prompt}: a prompt's name) or clears
     * it ({@code prompt} null or absent): the same journaled command as the admin API's, logged with
     * who gave it. A view-only page may not.
     */
    private void announce(Peer peer, JsonNode frame) {
        if (!peer.subscribed || peer.supervisor == null) {
            peer.send(hub.error("forbidden", "Sign in as a supervisor to set the service announcement.").toString());
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
            audit.record("wallboard", peer.supervisor, prompt == null ? "announcement-cleared" : "announcement-set",
                    prompt == null ? "" : prompt, "");
        }
    }

    /**
     * A signed-in supervisor makes one of the agents it supervises ({@code monitors}) ready, paused
     * with a reason, or logged out ({@code state}: ready, paused, logged-out), as the admin API does:
     * an agent left not-ready after an offer rang out, one who forgot to log out. Logged with who.
     */
    private void supervisorSetsPresence(Peer peer, JsonNode frame) {
        if (!peer.subscribed || peer.supervisor == null) {
            peer.send(hub.error("forbidden", "Sign in as a supervisor to change an agent's state.").toString());
            return;
        }
        String name = frame.path("agent").asText("");
        Integer id = hub.agentIds.get(name);
        if (id == null || !hub.wallboard.supervises(peer.supervisor, name)) {
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
            audit.record("wallboard", peer.supervisor, "agent-state", name,
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
        if (!peer.subscribed || peer.supervisor == null) {
            peer.send(hub.error("forbidden", "Sign in as a supervisor to listen in on calls.").toString());
            return;
        }
        String agent = frame.path("agent").asText("");
        String mode = frame.path("mode").asText("listen");
        if (!hub.wallboard.supervises(peer.supervisor, agent)) {
            peer.send(hub.error("forbidden", "You do not supervise an agent named '" + agent + "'.").toString());
            return;
        }
        Optional<CallMonitoring> phones = context.service(CallMonitoring.class);
        if (phones.isEmpty()) {
            peer.send(hub.error("no-phone", "No phone channel runs in this Loket.").toString());
            return;
        }
        String supervisor = peer.supervisor;
        Thread.ofVirtual().name("chat-monitor-" + supervisor).start(() -> {
            String refused = phones.get().ring(supervisor, agent, mode);
            audit.record("wallboard", supervisor, "monitor-" + mode, agent, refused == null ? "phone rung" : "refused: " + refused);
            peer.send(refused == null
                    ? hub.json.createObjectNode().put("type", "ringing").put("agent", agent).put("mode", mode).toString()
                    : hub.error("monitor-refused", refused).toString());
        });
    }
}
