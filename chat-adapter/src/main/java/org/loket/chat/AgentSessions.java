package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.LongSupplier;
import org.loket.core.AgentState;

/**
 * Agents' desktop sessions. A login with the agent's name and secret gets a session token
 * ({@code agent-session}); the page keeps it for the browser tab (sessionStorage) and forgets the
 * secret at once, so a reload or a lost connection logs in again with the token. The hub keeps only
 * the token's hash ({@link Sessions}, shared with the supervisors' wallboard sessions). A login with
 * the secret ends the agent's other sessions (a tab left signed in at another desk acts no more).
 *
 * <p>A session ends
 * <ul>
 *   <li>at sign-out: the agent's own "Log out" on the desktop, once the logout took effect (at
 *       once, or when the last contact is done: until then the desktop works on, so the agent
 *       finishes them);</li>
 *   <li>when the agent is logged out by anyone else (a supervisor on the wallboard, the agent's
 *       phone, the admin API), once that logout took effect, in the same way: every session of
 *       the agent ends, so no page logs the agent in again with its token (a reload, a reconnect,
 *       a tab left open); the agent logs in with the secret to work again. Not when the phone
 *       logged the agent out by no longer answering (a network blip, not an unregistration): the
 *       desktop stays signed in and says the phone is unreachable, a reload or reconnect does not
 *       log the agent in, and the phone logs it in again when it is back. The page is told who
 *       when the hub knows ("Supervisor chat-lead logged you out"), and a page that was away at
 *       the time hears it when it comes back. A session the hub restores at a restart ends at the
 *       start when the core has its agent logged out (a logout whose end the file had not taken
 *       yet);</li>
 *   <li>after {@code chat.agent-idle-minutes} (60) without use. Use is what the agent does on the
 *       desktop (the login, a page load with the session, every presence change and action on a
 *       contact), and being at work at an open desktop on the session: ready for offers, or holding
 *       a contact (offered, talking, in wrap-up, staying with a warm transfer), which counts as use
 *       at every sweep, because an agent waiting for the next chat is working though it clicks
 *       nothing. A ready agent who left is paused by the core when an offer rings out (no-answer),
 *       and its idle time runs from then. Pings and the page's own reconnects ({@code "reconnect":
 *       true}) are not use; neither is a paused or logged-out agent's open page;</li>
 *   <li>in any case {@code chat.agent-session-hours} (12: a shift and a margin) after the login;</li>
 *   <li>when the agent is no longer in the configuration.</li>
 * </ul>
 *
 * <p>What an end does to the agent's routing state: nothing but the logout that ended it. An idle end,
 * the hours' end and a login elsewhere take the desktop's hands off the agent, exactly as a desktop
 * whose connection drops: the agent stays as the core has it (a phone may still work for it), the
 * contacts it holds stay held and come back on the desktop at the next login (with the secret), and
 * an offer nobody answers rings out back to its queue. So no contact is lost, and no journaled
 * state changes without someone asking for it. Audited via {@code desktop}: {@code signed-in},
 * {@code signed-out}, {@code session-ended} with why; kept across a restart in
 * {@code chat.agent-session-file}. Hub thread.
 */
final class AgentSessions implements Sessions.Owners {
    private final HubState hub;
    private final SignIn signIn;
    private final Sessions sessions;
    /** The clock sessions expire by; tests set another. */
    LongSupplier clockMs = System::currentTimeMillis;

    /** Reads the sessions {@code chat.agent-session-file} kept; those that ended meanwhile are dropped and audited. */
    AgentSessions(HubState hub, SignIn signIn) {
        this.hub = hub;
        this.signIn = signIn;
        // The audit off the hub thread (the sign-in's writer, in order with the desktop's lockouts): a
        // shift's start brings hundreds of logins, and the hub should not wait on a synced write for each.
        this.sessions = new Sessions("desktop", "agent", hub.settings.agentIdleMinutes() * 60_000L,
                hub.settings.agentSessionHours() * 3_600_000L, new SessionFile(hub.settings.agentSessionFile(), "agent", hub.counters),
                signIn::audited, this, () -> clockMs.getAsLong());
    }

    /**
     * A desktop's login: with {@code agent} and {@code secret} (through the sign-in's lockout; a new
     * session, its token sent as {@code agent-session}), or with {@code session}, a token given
     * before ({@code reconnect}: the page's own, not use).
     *
     * @return the agent's id, its session the peer's; -1 when refused (the peer was answered)
     */
    int login(Peer peer, JsonNode frame) {
        String token = frame.path("session").asText("");
        if (!token.isEmpty()) {
            String hash = Citizens.tokenHash(token);
            Sessions.Session session = sessions.live(hash);
            Integer id = session == null ? null : hub.agentIds.get(session.owner);
            if (id == null) {
                String ended = sessions.endedMessage(hash);
                signIn.refuse(peer, "session-ended", ended != null ? ended : "Your sign-in has ended; log in again.");
                return -1;
            }
            if (!frame.path("reconnect").asBoolean()) {
                sessions.used(session);
            }
            peer.session = hash;
            return id;
        }
        String name = frame.path("agent").asText("");
        Integer id = hub.agentIds.get(name);
        if (!signIn.check(peer, "desktop", name, id != null, frame.path("secret").asText(""), "login-refused",
                "Unknown agent or wrong secret.")) {
            return -1;
        }
        String issued = sessions.start(name);
        peer.session = Citizens.tokenHash(issued);
        sessions.endOthers(name, peer.session, "logged in again", "You logged in elsewhere; log in again to work here.");
        peer.send(sessions.issued(hub.json.createObjectNode().put("type", "agent-session"), issued).toString());
        return id;
    }

    /**
     * Before a logged-in desktop's action: whether its session lasts (then the action is use). If
     * not, the page is told and logged in no more.
     */
    boolean acting(Peer peer) {
        Sessions.Session session = sessions.live(peer.session);
        if (session != null) {
            sessions.used(session);
            return true;
        }
        if (peer.agent >= 0) { // its session ended without its page being closed here (a removed agent's was told "removed")
            leave(peer);
            peer.send(hub.error("session-ended", "Your sign-in has ended; log in again.").toString());
        }
        return false;
    }

    /** The desktop {@code peer} asks to log out: its session ends once the agent is logged out ({@link #presenceShown}). */
    void signingOut(AgentView a, Peer peer) {
        a.signingOut = peer.session;
    }

    /**
     * The agent's presence as the hub shows it changed ({@code loggedOutNow}: to logged out). A
     * sign-out waiting for its logout ends its session once the agent is logged out, and is dropped
     * when the agent works on instead (ready or paused again, or the core refused the logout). A
     * logout the desktop did not ask for ends every session of the agent. (A phone that stops
     * answering logs nobody out: it switches the agent's voice off, {@link AgentView#voiceOff}.)
     *
     * <p>The hub shows a logout as soon as it knows of it: a supervisor's when it publishes it, the
     * phone's and the admin API's when the core's decision comes back, a pending one when the core
     * says it took effect. So a reconnect or reload with the token that the hub takes after that
     * moment is refused, and one taken before it is ended with the others: neither logs the agent
     * in again.
     */
    void presenceShown(AgentView a, boolean loggedOutNow) {
        String hash = a.signingOut;
        if (hash != null && !a.logoutPending()) {
            a.signingOut = null;
            if (a.presence == AgentState.LOGGED_OUT.code()) {
                sessions.signOut(hash, a.name);
                Peer page = a.desktop;
                if (page != null && hash.equals(page.session)) {
                    leave(page);
                    page.send("{\"type\":\"signed-out\"}");
                }
                loggedOutNow = false; // the desktop's own
            }
        }
        if (loggedOutNow) {
            String by = a.loggedOutBy;
            sessions.endOthers(a.name, null, by != null ? "logged out by supervisor " + by : "logged out elsewhere",
                    by != null ? "Supervisor " + by + " logged you out; log in again to work."
                            : "You were logged out elsewhere (by your phone, a supervisor or the admin API); log in again to work.");
        }
        if (!a.logoutPending()) {
            a.loggedOutBy = null; // done, or the agent works on
        }
    }

    /**
     * After a restart, once the agents show the presence the core recovered: a restored session
     * whose agent the core has logged out ends (its logout came after the file was last written,
     * or before Loket ended sessions at a logout), so its token does not log the agent in again.
     */
    void restored() {
        sessions.endWhere((hash, agent) -> {
            Integer id = hub.agentIds.get(agent);
            return id != null && hub.agents[id].presence == AgentState.LOGGED_OUT.code();
        }, "logged out (found at the start)", "You are logged out; log in again to work.");
    }

    /** The page shows the agent no more; the agent stays as it is (as when a desktop closes). */
    private void leave(Peer page) {
        if (page.agent >= 0 && page.agent < hub.agents.length && hub.agents[page.agent].desktop == page) {
            hub.agents[page.agent].desktop = null;
        }
        page.agent = -1;
        page.session = null;
    }

    @Override
    public boolean known(String agent) {
        return hub.agentIds.containsKey(agent);
    }

    /** At an open desktop on the session, ready for offers or holding a contact. */
    @Override
    public boolean working(String hash, String agent) {
        Integer id = hub.agentIds.get(agent);
        AgentView a = id == null ? null : hub.agents[id];
        return a != null && a.desktop != null && hash.equals(a.desktop.session)
                && a.shown != AgentState.PAUSED.code() && a.shown != AgentState.LOGGED_OUT.code();
    }

    @Override
    public void ended(String hash, String agent, String message) {
        Integer id = hub.agentIds.get(agent);
        Peer page = id == null ? null : hub.agents[id].desktop;
        if (page != null && hash.equals(page.session) && message != null) {
            leave(page);
            page.send(hub.error("session-ended", message).toString());
        }
    }

    /** The sessions: the hub sweeps them every few seconds and closes them at the stop ({@link Sessions}); tests read the file. */
    Sessions sessions() {
        return sessions;
    }
}
