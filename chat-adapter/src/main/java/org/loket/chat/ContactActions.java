package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.loket.chat.Conversation.Phase;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.QueueSpec;

/**
 * What an agent does with a contact it holds, from its desktop: accept or decline an offer, write,
 * end, transfer (cold, warm or as an introduction, to a queue or a named agent, with a note),
 * leave a warm transfer or an introduction, record the wrap-up code. Each action checks that the
 * agent holds the contact in the right phase, publishes the core's command and, once published,
 * moves the hub's view of the contact. Hub thread.
 */
final class ContactActions {
    private final HubState hub;
    private final Desks desks;

    ContactActions(HubState hub, Desks desks) {
        this.hub = hub;
        this.desks = desks;
    }

    /**
     * An agent's action on a contact it holds. Another gateway's call takes only transfer, leave
     * and wrap-up here: it is answered, rejected and hung up on the phone.
     */
    void on(Peer peer, AgentView a, String type, JsonNode frame) {
        long contactId;
        try {
            contactId = Long.parseLong(frame.path("contact").asText(""));
        } catch (NumberFormatException e) {
            hub.malformed(peer, "'contact' must be a contact id");
            return;
        }
        Conversation c = hub.conversations.get(contactId);
        if (c == null || !a.held.contains(contactId)) {
            refuse(peer, contactId, "not-yours", "You do not hold contact " + contactId + ".");
            return;
        }
        if (!c.ours && c.channel == Channel.VOICE.code() && !type.equals("transfer") && !type.equals("leave") && !type.equals("wrap-up")) {
            // The phone rings and talks: its answer, rejection and hang-up reach the core through the
            // telephony adapter; the same from here would leave the call and the core disagreeing.
            // A transfer (and leaving a warm one) is the core's, and the telephony adapter moves the caller.
            refuse(peer, contactId, "on-phone", "Contact " + contactId + " is a call: answer, reject and hang up on your phone.");
            return;
        }
        switch (type) {
            case "accept" -> accept(peer, a, c);
            case "decline" -> decline(peer, a, c);
            case "message" -> message(peer, a, c, frame);
            case "end" -> end(peer, c);
            case "transfer" -> transfer(peer, a, c, frame);
            case "leave" -> leave(peer, a, c);
            case "wrap-up" -> wrapUp(peer, a, c, frame);
            default -> hub.malformed(peer, "unknown type '" + type + "'");
        }
    }

    private void accept(Peer peer, AgentView a, Conversation c) {
        if (c.phase != Phase.OFFERED) {
            refuse(peer, c.id, "not-offered", "Contact " + c.id + " is not offered to you.");
            return;
        }
        if (hub.publish(hub.command(CommandType.OFFER_ACCEPTED, c.id, a.id), peer)) {
            c.phase = Phase.CONNECTED;
            c.joiningAgent = a.id;
            hub.sendToDesktop(a.id, desks.offerFrame(c, "conversation"));
            desks.shown(a);
        }
    }

    /**
     * The core's answer to an {@code OFFER_ACCEPTED} (in journal order, after its decisions): when
     * it is the accept this hub published for {@code c}, the citizen (and an introducer) now hear
     * that the agent joined, with the lines the agent wrote meanwhile; when the core refused it (the
     * offer had timed out and was retracted), nobody joined and those lines are dropped: the desk
     * got the refusal and the retraction.
     */
    void acceptAnswered(Conversation c, int agentId, boolean refused) {
        if (c.joiningAgent != agentId) {
            return;
        }
        c.joiningAgent = -1;
        List<String> held = c.heldAgentLines;
        c.heldAgentLines = null;
        if (refused || c.phase != Phase.CONNECTED || c.agent != agentId) {
            return;
        }
        c.say("system", "agent joined");
        if (c.citizen != null) {
            c.citizen.send("{\"type\":\"agent-joined\"}");
        }
        AgentView a = hub.agents[agentId];
        desks.joinedIntroduction(c, a);
        if (held != null) {
            held.forEach(text -> deliverAgentLine(a, c, text));
        }
    }

    private void decline(Peer peer, AgentView a, Conversation c) {
        if (c.phase != Phase.OFFERED) {
            refuse(peer, c.id, "not-offered", "Contact " + c.id + " is not offered to you.");
            return;
        }
        if (hub.publish(hub.command(CommandType.OFFER_DECLINED, c.id, a.id), peer)) {
            desks.returnToWaiting(c, a, true); // the desktop takes the offer away on this answer, not on the click
        }
    }

    private void message(Peer peer, AgentView a, Conversation c, JsonNode frame) {
        String text = hub.text(peer, frame, "text");
        if (text == null) {
            return;
        }
        if (c.phase != Phase.CONNECTED && c.stayingAgent != a.id) {
            refuse(peer, c.id, "not-connected", "Contact " + c.id + " is not connected.");
            return;
        }
        if (c.joiningAgent == a.id) {
            // not yet taken by the core: the citizen reads it after "agent joined", or never
            if (c.heldAgentLines == null) {
                c.heldAgentLines = new ArrayList<>(2);
            }
            c.heldAgentLines.add(text);
            return;
        }
        deliverAgentLine(a, c, text);
    }

    /** An agent's line to the transcript, the citizen, a colleague reading along and the outbound webhook. */
    private void deliverAgentLine(AgentView a, Conversation c, String text) {
        c.sayAsAgent(a.name, text);
        if (c.citizen != null) {
            c.citizen.send(hub.json.createObjectNode().put("type", "message").put("from", "agent").put("text", text).toString());
        }
        // A three-party chat (an introduction): the other agent reads along.
        int colleague = a.id == c.stayingAgent ? (c.phase == Phase.CONNECTED ? c.agent : -1) : c.stayingAgent;
        if (colleague >= 0 && colleague != a.id) {
            hub.sendToDesktop(colleague, hub.json.createObjectNode().put("type", "message").put("contact", Long.toString(c.id))
                    .put("from", "colleague").put("text", a.name + ": " + text));
        }
        hub.toWebhook(c, "reply", n -> n.put("text", text));
    }

    private void end(Peer peer, Conversation c) {
        if (c.phase != Phase.CONNECTED) {
            refuse(peer, c.id, "not-connected", "Contact " + c.id + " is not connected.");
            return;
        }
        hub.publish(hub.command(CommandType.CONTACT_ENDED, c.id, Command.NONE), peer);
    }

    /**
     * To a queue of the contact's channel, optionally to a named agent of the roster (the core
     * offers it to them if they can take it now); warm (the agent stays until the next accepts) or
     * an introduction (a three-way call or chat until the first agent leaves); never warm for a work
     * item. The note travels with the contact once the core has moved it.
     */
    private void transfer(Peer peer, AgentView a, Conversation c, JsonNode frame) {
        Integer queue = hub.queueIds.get(frame.path("queue").asText(""));
        if (queue == null) {
            malformed(peer, c.id, "transfer needs a queue of " + hub.queueIds.keySet());
            return;
        }
        QueueSpec to = hub.routing.queues().get(queue);
        QueueSpec from = c.queue < 0 ? null : hub.routing.queues().get(c.queue);
        if (from != null && to.channel() != from.channel()) {
            refuse(peer, c.id, "wrong-channel", "Contact " + c.id + " can only go to a " + from.channel().name().toLowerCase(Locale.ROOT)
                    + " queue, not " + to.name() + ".");
            return;
        }
        String note = frame.path("note").asText("");
        if (note.length() > hub.settings.maxTextChars()) {
            hub.counters.oversizedTexts.increment();
            refuse(peer, c.id, "too-long", "The note is longer than " + hub.settings.maxTextChars() + " characters");
            return;
        }
        if (c.phase != Phase.CONNECTED || c.agent != a.id) {
            refuse(peer, c.id, "not-connected", "Contact " + c.id + " is not connected.");
            return;
        }
        boolean introduce = frame.path("introduce").asBoolean(false);
        boolean warm = introduce || frame.path("warm").asBoolean(false);
        if (warm && (to.deferrable() || from != null && from.deferrable())) {
            refuse(peer, c.id, "cold-only", "Contact " + c.id + " is a work item: it is transferred cold.");
            return;
        }
        String targetName = frame.path("agent").asText("").trim();
        Integer target = targetName.isEmpty() ? null : hub.agentIds.get(targetName);
        if (!targetName.isEmpty() && target == null) {
            malformed(peer, c.id, "transfer names no agent '" + targetName + "' of the roster");
            return;
        }
        Command o = hub.command(CommandType.TRANSFER_REQUESTED, c.id, a.id);
        o.queueId = queue;
        o.input = target == null ? Command.NONE : target;
        o.reason = introduce ? Command.TRANSFER_INTRODUCE : warm ? Command.TRANSFER_WARM : Command.NONE;
        if (hub.publish(o, peer)) {
            if (c.pendingNotes == null) {
                c.pendingNotes = new ArrayDeque<>(1);
            }
            c.pendingNotes.add(a.name + " → " + to.name() + (target == null ? "" : " (" + targetName + ")")
                    + (note.isBlank() ? "" : ": " + note));
        }
    }

    /** The agent who stays after a warm transfer, or the one who took an introduction (back to the first). */
    private void leave(Peer peer, AgentView a, Conversation c) {
        boolean joined = c.introducing && c.stayingAgent >= 0 && c.agent == a.id && c.phase == Phase.CONNECTED;
        if (c.stayingAgent != a.id && !joined) {
            refuse(peer, c.id, "not-staying", "You do not stay with contact " + c.id + " after a warm transfer,"
                    + " nor were you introduced to it.");
            return;
        }
        hub.publish(hub.command(CommandType.TRANSFER_LEFT, c.id, a.id), peer); // TRANSFER_RELEASED closes the card
    }

    /**
     * The code of the agent's after-contact work: ends the core's wrap-up, or is only recorded
     * (webhook, desktop) when the core's part already ended (a queue without wrap-up time, a
     * wrap-up past its limit).
     */
    private void wrapUp(Peer peer, AgentView a, Conversation c, JsonNode frame) {
        List<String> wrapUpCodes = hub.routing.wrapUpCodes();
        int code = wrapUpCodes.indexOf(frame.path("code").asText(""));
        if (code < 0) {
            malformed(peer, c.id, "wrap-up needs a code of " + wrapUpCodes);
            return;
        }
        if (c.phase == Phase.WRAP_UP) {
            Command o = hub.command(CommandType.WRAP_UP_DONE, c.id, a.id);
            o.reason = code;
            if (!hub.publish(o, peer)) {
                return;
            }
        } else if (c.phase != Phase.ENDED) {
            refuse(peer, c.id, "not-ended", "End contact " + c.id + " before its wrap-up.");
            return;
        }
        hub.toWebhook(c, "wrap-up", n -> n.put("code", wrapUpCodes.get(code)));
        desks.closeWrapUp(c, a);
    }

    /** Tells the desk why its action on {@code contact} was not taken: the desktop shows it on that contact's card. */
    private void refuse(Peer peer, long contact, String code, String message) {
        peer.send(hub.error(code, message).put("contact", Long.toString(contact)).toString());
    }

    private void malformed(Peer peer, long contact, String why) {
        hub.counters.malformedFrames.increment();
        refuse(peer, contact, "malformed", why);
    }
}
