package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.loket.chat.Conversation.Line;
import org.loket.chat.Conversation.Phase;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.AgentSpec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.host.trace.ContactRecord;

/**
 * The agents' desktops: log-in, presence (ready, paused with a reason, logged out, and a logout
 * that waits for the last contact), the state line and the contact cards; the actions on a held
 * contact are {@link ContactActions}'.
 * Agents who work through another gateway (a phone, the admin API) are mirrored from the engine's
 * commands ({@link #mirror}), so the desktop and the wallboard show a phone agent as the core has
 * it. A desktop works on a session ({@link AgentSessions}: the login with the secret gives one,
 * reloads and reconnects come back with it, and every action is checked against it). Hub thread.
 */
final class Desks {
    private final HubState hub;
    private final AgentSessions sessions;
    private final ContactActions actions;

    Desks(HubState hub, AgentSessions sessions) {
        this.hub = hub;
        this.sessions = sessions;
        this.actions = new ContactActions(hub, this);
    }

    /** The agent's desktop closed; the agent stays as they were (a phone may still work). */
    void closed(Peer peer) {
        if (peer.agent >= 0 && hub.agents[peer.agent].desktop == peer) {
            hub.agents[peer.agent].desktop = null;
        }
    }

    /** After a reload: every open desktop gets the new configuration's queues, reasons and codes. */
    void welcomeAll() {
        for (AgentView a : hub.agents) {
            if (a.desktop != null) {
                a.desktop.send(welcome(a).toString());
            }
        }
    }

    /**
     * A desktop's frame: login and ping, then (logged in, on a session that lasts) presence (ready,
     * pause, logout) and the actions on a held contact.
     */
    void onFrame(Peer peer, String type, JsonNode frame) {
        if (type.equals("login")) {
            login(peer, frame);
            return;
        }
        if (type.equals("ping")) {
            peer.send("{\"type\":\"pong\"}");
            return;
        }
        if (peer.agent < 0) {
            hub.counters.authFailures.increment();
            peer.send(hub.error("unauthenticated", "Log in first.").toString());
            return;
        }
        if (!sessions.acting(peer)) {
            return;
        }
        AgentView a = hub.agents[peer.agent];
        switch (type) {
            case "ready" -> {
                if (loggedIn(peer, a)) {
                    changePresence(peer, a, AgentState.READY, PauseReason.UNSPECIFIED);
                }
            }
            case "pause" -> {
                int code = hub.routing.pauseReasonCode(frame.path("reason").asText());
                if (code < 0) {
                    hub.malformed(peer, "pause needs a reason of " + hub.routing.pauseReasons());
                    return;
                }
                if (loggedIn(peer, a)) {
                    changePresence(peer, a, AgentState.PAUSED, code);
                }
            }
            case "logout" -> {
                sessions.signingOut(a, peer); // before the change: shown logged out at once, the session ends at once
                if (!changePresence(peer, a, AgentState.LOGGED_OUT, PauseReason.UNSPECIFIED)) {
                    a.signingOut = null;
                }
            }
            case "accept", "decline", "end", "wrap-up", "transfer", "message", "leave" -> actions.on(peer, a, type, frame);
            default -> hub.malformed(peer, "unknown type '" + type + "'");
        }
    }

    /** A login with the secret or a session ({@link AgentSessions#login}); the desktop shows the agent as the hub has it. */
    private void login(Peer peer, JsonNode frame) {
        int id = sessions.login(peer, frame);
        if (id < 0) {
            return;
        }
        AgentView a = hub.agents[id];
        if (a.desktop != null && a.desktop != peer) {
            a.desktop.send(hub.error("replaced", "You logged in elsewhere.").toString());
            a.desktop.agent = -1;
            a.desktop.session = null;
        }
        a.desktop = peer;
        peer.agent = id;
        if (!loggedIn(peer, a)) {
            return;
        }
        peer.send(welcome(a).toString());
        sendState(a);
        if (hub.wallboard.announcement() != null) {
            peer.send(hub.wallboard.announcementFrame().toString());
        }
        for (long held : a.held) {
            Conversation c = hub.conversations.get(held);
            if (c != null) {
                hub.sendToDesktop(a.id, offerFrame(c, c.phase == Phase.OFFERED ? "offer" : "conversation"));
            }
        }
    }

    /**
     * Logs a logged-out agent in (ready): at the desktop's login, and when an agent who logged out
     * on an open desktop asks to be ready or paused (the core refuses a logged-out agent's state
     * change, and the desktop would otherwise show a presence the core does not have).
     *
     * @return whether the agent is logged in now (false: the login could not be published)
     */
    private boolean loggedIn(Peer peer, AgentView a) {
        if (a.presence != AgentState.LOGGED_OUT.code()) {
            return true;
        }
        if (!hub.publish(hub.command(CommandType.AGENT_LOGGED_IN, Command.NONE, a.id), peer)) {
            return false;
        }
        presence(a, AgentState.READY.code(), PauseReason.UNSPECIFIED);
        return true;
    }

    /** What a desktop needs to know of the configuration in force: capacity, queues, pause reasons, wrap-up codes. */
    private ObjectNode welcome(AgentView a) {
        AgentSpec spec = hub.routing.agents().get(a.id);
        ObjectNode welcome = hub.json.createObjectNode().put("type", "welcome").put("agent", a.name);
        ObjectNode capacity = welcome.putObject("capacity");
        for (Channel ch : Channel.values()) {
            capacity.put(ch.name().toLowerCase(Locale.ROOT), spec.capacityPerChannel()[ch.code()]);
        }
        ArrayNode queueNames = welcome.putArray("queues");
        ObjectNode queueChannels = welcome.putObject("queueChannels"); // a transfer stays in its channel
        hub.routing.queues().forEach(q -> {
            queueNames.add(q.name());
            queueChannels.put(q.name(), q.channel().name().toLowerCase(Locale.ROOT));
        });
        ArrayNode reasons = welcome.putArray("pauseReasons");
        hub.routing.pauseReasons().forEach(reasons::add);
        ArrayNode codes = welcome.putArray("wrapUpCodes");
        hub.routing.wrapUpCodes().forEach(codes::add);
        return welcome;
    }

    /**
     * Publishes an agent's presence (from its desktop or a supervisor's wallboard) and shows it at
     * once as the core will have it: a logout while the agent holds contacts is pending (paused with
     * {@link PauseReason#LOGOUT_PENDING} until the core logs it out after the last one). The core may
     * still refuse it: {@link #mirror} then shows the presence the core has again.
     *
     * @return whether it was published
     */
    boolean changePresence(Peer peer, AgentView a, AgentState state, int reason) {
        Command o = hub.command(CommandType.AGENT_STATE_CHANGED, Command.NONE, a.id);
        o.agentState = state.code();
        if (state == AgentState.PAUSED) {
            o.reason = reason;
        }
        if (!hub.publish(o, peer)) {
            return false;
        }
        if (state == AgentState.LOGGED_OUT && peer != null && peer.kind == Peer.Kind.WALLBOARD) {
            a.loggedOutBy = peer.supervisor; // before it is shown: the agent's desktop sessions end saying who
        }
        if (state == AgentState.LOGGED_OUT && holdsForTheCore(a)) {
            presence(a, AgentState.PAUSED.code(), PauseReason.LOGOUT_PENDING);
        } else {
            presence(a, state.code(), reason);
        }
        return true;
    }

    // ------------------------------------------------------------------ what the desktop and the wallboard show

    /**
     * The core's presence for the agent (its {@code AGENT_STATE}, a read of the core): shown at
     * once unless commands of the hub's own are in flight (then {@link #mirror} shows it when they
     * are back).
     */
    void corePresence(AgentView a, int presence, int reason) {
        a.corePresence = presence;
        a.coreReason = reason;
        if (a.ownInFlight == 0) {
            presence(a, presence, reason);
        }
    }

    /**
     * The agent's presence as the hub shows it (the core's, or ahead of it by the hub's own
     * commands); the desktop hears of it, and a logout ends the agent's desktop sessions
     * ({@link AgentSessions#presenceShown}).
     */
    void presence(AgentView a, int presence, int reason) {
        boolean loggedOutNow = presence == AgentState.LOGGED_OUT.code() && a.presence != AgentState.LOGGED_OUT.code();
        a.presence = presence;
        a.reason = reason;
        if (!shown(a)) {
            sendState(a);
        }
        sessions.presenceShown(a, loggedOutNow);
    }

    /**
     * Recomputes what the wallboard shows for the agent: a held contact wins over presence.
     *
     * @return whether it changed (the agent's desktop was told)
     */
    boolean shown(AgentView a) {
        int shown = a.presence;
        boolean offered = false;
        boolean busy = false;
        boolean wrapUp = false;
        for (long id : a.held) {
            Conversation c = hub.conversations.get(id);
            if (c != null) {
                offered |= c.phase == Phase.OFFERED;
                busy |= c.phase == Phase.CONNECTED || c.stayingAgent == a.id;
                wrapUp |= c.phase == Phase.WRAP_UP || c.phase == Phase.ENDED;
            }
        }
        if (offered) {
            shown = AgentState.OFFERED.code();
        } else if (busy) {
            shown = AgentState.BUSY.code();
        } else if (wrapUp) {
            shown = AgentState.WRAP_UP.code();
        }
        hub.wallboard.changed();
        if (shown == a.shown) {
            return false;
        }
        a.shown = shown;
        a.shownSinceMs = System.currentTimeMillis();
        sendState(a);
        return true;
    }

    /**
     * The desktop's state line: the agent's presence and, while they hold a contact, what it is
     * doing ({@code activity}: offered, busy, wrap_up; empty otherwise), whichever gateway it came
     * through (a call answered on the phone shows "busy" here too); {@code voiceOff} while the core
     * offers the agent no calls (its phone stopped answering).
     */
    void sendState(AgentView a) {
        hub.sendToDesktop(a.id, hub.json.createObjectNode().put("type", "state")
                .put("state", AgentState.ofCode(a.presence).name().toLowerCase(Locale.ROOT))
                .put("reason", hub.routing.pauseReasonName(a.reason))
                .put("activity", a.shown == a.presence ? "" : AgentState.ofCode(a.shown).name().toLowerCase(Locale.ROOT))
                .put("logoutPending", a.logoutPending())
                .put("voiceOff", a.voiceOff));
    }

    /** What the desktop shows of a contact: channel, queue, the self-service path and topic, transcript, notes. */
    ObjectNode offerFrame(Conversation c, String type) {
        ObjectNode f = hub.json.createObjectNode().put("type", type).put("contact", Long.toString(c.id))
                .put("channel", c.channel < 0 ? "voice" : HubState.channelName(c.channel))
                .put("queue", c.queue < 0 ? "" : hub.routing.queues().get(c.queue).name())
                .put("topic", c.topic == null ? "" : c.topic)
                .put("language", hub.languageCode(c.language))
                .put("waitedSeconds", c.joinedNs < 0 || c.lastOfferNs < 0 ? 0 : (c.lastOfferNs - c.joinedNs) / 1_000_000_000L);
        if (c.replyTo != null) {
            f.put("replyTo", c.replyTo);
        }
        if (c.ours && c.channel == Channel.CHAT.code()) {
            f.put("citizenOnline", c.citizen != null); // a web chat whose page is gone may come back (resume)
        }
        ArrayNode path = f.putArray("path");
        c.path.forEach(path::add);
        ArrayNode lines = f.putArray("transcript");
        if (c.transcript != null) {
            for (Line line : c.transcript) {
                ObjectNode l = lines.addObject().put("from", line.from()).put("text", line.text());
                if (line.agent() != null) {
                    l.put("agent", line.agent()); // the desktop marks a colleague's lines
                }
            }
        }
        ArrayNode notes = f.putArray("notes");
        if (c.notes != null) {
            c.notes.forEach(notes::add);
        }
        if (c.subject != null) {
            f.put("subject", c.subject).put("from", c.from == null ? "" : c.from);
        }
        if (c.introducing && c.stayingAgent >= 0 && c.phase == Phase.CONNECTED) {
            f.put("introducedBy", hub.agents[c.stayingAgent].name); // on the call too until they leave; this agent may leave it back to them
        }
        if (c.queue >= 0) {
            f.put("offerTimeoutSeconds", hub.routing.queues().get(c.queue).offerTimeoutMs() / 1000);
        }
        earlierContacts(c, f);
        return f;
    }

    /**
     * The citizen's earlier contacts (a caller or sender known by pseudonym; a web chat has none),
     * newest first: when, how, where, how it ended, with whom and the wrap-up code. Never the
     * pseudonym itself, nor any text.
     *
     * @return whether there were any (then {@code f} has them)
     */
    boolean earlierContacts(Conversation c, ObjectNode f) {
        List<ContactRecord> earlier = hub.earlierContacts(c.id);
        if (earlier.isEmpty()) {
            return false;
        }
        ArrayNode list = f.put("earlierDays", hub.settings.citizenHistoryDays()).putArray("earlier");
        for (ContactRecord r : earlier) {
            list.addObject().put("arrivedAt", r.arrivedAt()).put("channel", r.channel())
                    .put("queue", !r.lastQueue().isEmpty() ? r.lastQueue() : !r.queue().isEmpty() ? r.queue() : r.entry())
                    .put("outcome", r.outcome()).put("waitMs", r.waitMs()).put("agent", r.agent())
                    .put("wrapUpCode", r.wrapUpCode()).put("transfers", r.transfers()).put("callback", r.callback());
        }
        return true;
    }

    /** When the service announcement changed from {@code before}, every agent's desktop shows the new one (or none). */
    void announcementToDesktops(String before) {
        if (Objects.equals(before, hub.wallboard.announcement())) {
            return;
        }
        String frame = hub.wallboard.announcementFrame().toString();
        for (AgentView a : hub.agents) {
            if (a.desktop != null) {
                a.desktop.send(frame);
            }
        }
    }

    /**
     * An agent's command from any source, in journal order, moves the hub's views as it moved the
     * core (refused ones move nothing). The hub's own were applied when published: as many commands
     * as it has in flight for the agent are skipped (if another source's command comes back before
     * the hub's own, that one is skipped instead and the hub's own applied). Presence is not
     * counted so: the core's ({@link AgentView#corePresence}) follows every accepted command, and
     * once none of the hub's own is in flight any more the agent shows it. So a command of the
     * desk's own that the core refused (a phone logged the agent out meanwhile) is undone, with the
     * refusal the desktop got just before.
     */
    void mirror(Command command, Decision[] decisions) {
        if (command.agentId < 0 || command.agentId >= hub.agents.length) {
            return;
        }
        if (command.type == CommandType.AGENT_CHANNEL_SET && command.channel == Channel.VOICE.code() && !refused(decisions)) {
            voiceOff(hub.agents[command.agentId], command.input == 0);
            return;
        }
        if (!AgentView.mirrored(command.type)) {
            return;
        }
        AgentView a = hub.agents[command.agentId];
        boolean own = a.ownInFlight > 0;
        if (own) {
            a.ownInFlight--;
        }
        boolean refused = refused(decisions);
        if (!refused) {
            follow(a, command, decisions, own);
        }
        if (command.type == CommandType.OFFER_ACCEPTED && hub.conversations.get(command.contactId) instanceof Conversation c) {
            actions.acceptAnswered(c, command.agentId, refused);
        }
        if (a.ownInFlight == 0 && (a.presence != a.corePresence || a.reason != a.coreReason)) {
            presence(a, a.corePresence, a.coreReason);
        }
    }

    /** The core offers the agent calls again, or none: the desktop's state line says so. */
    void voiceOff(AgentView a, boolean off) {
        if (a.voiceOff != off) {
            a.voiceOff = off;
            sendState(a);
            hub.wallboard.changed();
        }
    }

    private static boolean refused(Decision[] decisions) {
        for (Decision d : decisions) {
            if (d.type == DecisionType.REJECT_COMMAND) {
                return true;
            }
        }
        return false;
    }

    /** An accepted command: the core's presence of the agent, and (another source's) what it did to a contact held here. */
    private void follow(AgentView a, Command command, Decision[] decisions, boolean own) {
        switch (command.type) {
            case AGENT_LOGGED_IN -> {
                a.corePresence = AgentState.READY.code(); // the core takes a login only from a logged-out agent
                a.coreReason = PauseReason.UNSPECIFIED;
            }
            case AGENT_STATE_CHANGED -> {
                if (command.agentState == AgentState.LOGGED_OUT.code() && logoutKeptPending(decisions, a.id)) {
                    return; // the agent holds contacts: the core's AGENT_STATE said so (corePresence)
                }
                a.corePresence = command.agentState;
                a.coreReason = command.agentState == AgentState.PAUSED.code() ? Math.max(PauseReason.UNSPECIFIED, command.reason)
                        : PauseReason.UNSPECIFIED;
            }
            default -> {
                if (!own) {
                    contactMoved(a, command);
                }
            }
        }
    }

    /** Another source's accepted command on a contact the agent holds here (its phone answered, rejected, wrapped up). */
    private void contactMoved(AgentView a, Command command) {
        Conversation c = command.contactId >= 0 ? hub.conversations.get(command.contactId) : null;
        boolean heldHere = c != null && c.agent == a.id && a.held.contains(c.id);
        switch (command.type) {
            case OFFER_ACCEPTED -> {
                if (heldHere && c.phase == Phase.OFFERED) { // the agent answered the phone
                    c.phase = Phase.CONNECTED;
                    hub.sendToDesktop(a.id, offerFrame(c, "conversation"));
                    joinedIntroduction(c, a);
                    shown(a);
                }
            }
            case OFFER_DECLINED -> {
                if (heldHere && c.phase == Phase.OFFERED) { // the phone rejected the call: back in its queue
                    returnToWaiting(c, a, true);
                }
            }
            case WRAP_UP_DONE -> {
                if (heldHere && (c.phase == Phase.WRAP_UP || c.phase == Phase.ENDED)) { // e.g. *57 from the phone
                    closeWrapUp(c, a);
                }
            }
            default -> { }
        }
    }

    /**
     * Whether the core counts a contact against the agent: offered, talking, in the core's wrap-up,
     * or staying with a warm transfer. A chat that ended and only waits for its wrap-up code here
     * is not one (the core logs such an agent out at once).
     */
    private boolean holdsForTheCore(AgentView a) {
        for (long id : a.held) {
            Conversation c = hub.conversations.get(id);
            if (c != null && (c.stayingAgent == a.id || c.agent == a.id
                    && (c.phase == Phase.OFFERED || c.phase == Phase.CONNECTED || c.phase == Phase.WRAP_UP))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code decisions} hold the core's answer to a logout that must wait: the agent paused as pending. */
    private static boolean logoutKeptPending(Decision[] decisions, int agent) {
        for (Decision d : decisions) {
            if (d.type == DecisionType.AGENT_STATE && d.agentId == agent && d.reason == PauseReason.LOGOUT_PENDING) {
                return true;
            }
        }
        return false;
    }

    /** {@code a} took the contact: when it was an introduction, the agent who introduces it hears who joined. */
    void joinedIntroduction(Conversation c, AgentView a) {
        if (c.introducing && c.stayingAgent >= 0) {
            hub.sendToDesktop(c.stayingAgent, hub.json.createObjectNode().put("type", "joined").put("contact", Long.toString(c.id)).put("agent", a.name));
        }
    }

    /** The agent's part in the contact is over (wrap-up recorded or ended elsewhere): off the desktop. */
    void closeWrapUp(Conversation c, AgentView a) {
        c.phase = Phase.ENDED;
        a.held.remove(c.id);
        hub.sendToDesktop(a.id, hub.json.createObjectNode().put("type", "closed").put("contact", Long.toString(c.id)));
        shown(a);
        if (!c.ours) {
            hub.conversations.remove(c.id); // another gateway's contact: nothing more to show of it
        }
    }

    /** An offer ended without an answer (retracted, declined): the contact waits in its queue again. */
    void returnToWaiting(Conversation c, AgentView offeredTo, boolean tellDesktop) {
        if (offeredTo != null) {
            offeredTo.held.remove(c.id);
            if (tellDesktop) {
                hub.sendToDesktop(offeredTo.id, hub.json.createObjectNode().put("type", "retracted").put("contact", Long.toString(c.id)));
            }
            shown(offeredTo);
        }
        c.agent = -1;
        c.phase = Phase.WAITING;
        if (c.queue >= 0) {
            hub.queues[c.queue].waiting.add(c);
        }
    }

    /**
     * The core ended after-contact work that ran past its queue's limit (it says so with an
     * AGENT_STATE): those contacts no longer need a WRAP_UP_DONE; the desktop still records a code.
     */
    void wrapUpsTimedOut(AgentView a, long nowNs) {
        for (long id : a.held) {
            Conversation c = hub.conversations.get(id);
            if (c != null && c.phase == Phase.WRAP_UP && c.queue >= 0
                    && nowNs - c.endedNs >= hub.routing.queues().get(c.queue).maxWrapUpMs() * 1_000_000L) {
                c.phase = Phase.ENDED;
            }
        }
    }
}
