package org.loket.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import org.loket.chat.Conversation.Phase;
import org.loket.core.Channel;
import org.loket.core.command.CommandType;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.decision.Decision;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.RejectReason;
import org.loket.core.decision.ReleaseReason;

/**
 * The core's decisions as the hub shows them, in decision order: the chatbot's prompts and the
 * service announcement, queueing, offers and retractions, transfers and their release, escalation
 * (an overflow, the offer to be contacted later), ends and refusals. Each moves the views and tells
 * the citizen and the desktops concerned; the core decides, this only follows. Hub thread.
 */
final class CoreDecisions {

    /** Shown when an escalation step offers a waiting citizen a reply later instead of waiting on. */
    private static final Map<String, String> CALLBACK_OFFER = Map.of(
            "nl", "Het is druk. Wilt u niet langer wachten? Dan neemt een medewerker later contact met u op, per e-mail als u"
                    + " uw adres geeft. U houdt uw plaats in de wachtrij en kunt dit venster sluiten.",
            "en", "It is busy. Would you rather not wait? An agent will get back to you later, by e-mail if you give your"
                    + " address. You keep your place in the queue and may close this window.");

    private static final Map<String, String> CALLBACK_CONFIRMED = Map.of(
            "nl", "Dank u. Een medewerker neemt contact met u op zodra er een vrij is.",
            "en", "Thank you. An agent will get back to you as soon as one is free.");

    private final HubState hub;
    private final Desks desks;
    private final Citizens citizens;

    CoreDecisions(HubState hub, Desks desks, Citizens citizens) {
        this.hub = hub;
        this.desks = desks;
        this.citizens = citizens;
    }

    /** A copy of a decision, in decision order. */
    void onDecision(Decision d) {
        switch (d.type) {
            case ANNOUNCE -> onAnnounce(d);
            case PLAY_PROMPT -> onPrompt(d);
            case QUEUE_CONTACT -> onQueued(d);
            case OFFER_CONTACT -> onOffer(d);
            case RETRACT_OFFER -> onRetract(d);
            case AGENT_STATE -> {
                if (d.agentId >= 0 && d.agentId < hub.agents.length) {
                    desks.wrapUpsTimedOut(hub.agents[d.agentId], d.timestampNs);
                    Conversation c = d.contactId >= 0 ? hub.conversations.get(d.contactId) : null;
                    if (c != null && !c.ours && c.phase == Phase.ENDED && hub.agents[d.agentId].held.contains(c.id)) {
                        desks.closeWrapUp(c, hub.agents[d.agentId]); // a call's wrap-up limit: its code can no longer be recorded
                    }
                    desks.corePresence(hub.agents[d.agentId], d.agentState, d.reason);
                }
            }
            case END_CONTACT -> onEnd(d);
            case TRANSFER_CONTACT -> onTransfer(d);
            case TRANSFER_RELEASED -> onReleased(d);
            case ESCALATE -> onEscalate(d);
            case DEFLECT -> {
                // A slow queue's deflection that lets the contact join offers a callback like a step does;
                // its overflow is followed by QUEUE_CONTACT in the other queue, its close by the final prompt.
                if (d.reason == EscalationStep.Action.OFFER_CALLBACK.code()) {
                    onEscalate(d);
                }
            }
            case CALLBACK_SCHEDULED -> onCallbackScheduled(d);
            case REJECT_COMMAND -> onReject(d);
            default -> { }
        }
    }

    /** The operator's service announcement, before the chatbot's first step: shown, and in the transcript the agent gets. */
    private void onAnnounce(Decision d) {
        Conversation c = hub.conversation(d);
        String text = hub.promptFor(c, d.promptId, Math.max(0, d.languageId));
        c.say("notice", text);
        if (c.ours && c.citizen != null) {
            c.citizen.send(hub.textFrame("announcement", text, Math.max(0, d.languageId)).toString());
        }
    }

    private void onPrompt(Decision d) {
        Conversation c = hub.conversation(d);
        if (d.nodeId < 0) {
            // A message of no flow node: the queue is closed (an operator's emergency closure or its
            // business hours); the conversation ends after it.
            String text = hub.promptFor(c, d.promptId, Math.max(0, d.languageId));
            c.say("bot", text);
            if (c.ours && c.citizen != null) {
                c.citizen.send(hub.textFrame("bot", text, Math.max(0, d.languageId)).put("final", true).toString());
            }
            return;
        }
        FlowNode node = hub.routing.flowNodes().get(d.nodeId);
        if (c.path.isEmpty() || c.language != Math.max(0, d.languageId)) {
            c.record(TranscriptStore.Kind.LANGUAGE, hub.languageCode(Math.max(0, d.languageId)), 0);
        }
        c.language = Math.max(0, d.languageId);
        hub.languageKnown(c);
        c.node = d.nodeId;
        c.lastInput = -1;
        c.path.add(node.name());
        c.record(TranscriptStore.Kind.PATH, node.name(), 0);
        if (node.kind() == FlowNode.Kind.QUEUE || node.kind() == FlowNode.Kind.INFO) {
            c.topic = node.name();
            c.record(TranscriptStore.Kind.TOPIC, c.topic, 0);
        }
        if (!c.ours) {
            return;
        }
        String text = hub.promptFor(c, node.promptId(), c.language);
        c.say("bot", text);
        ObjectNode frame = citizens.botFrame(c, node, text, (d.flags & Decision.FLAG_FINAL) != 0);
        if (c.citizen != null) {
            c.citizen.send(frame.toString());
        }
    }

    private void onQueued(Decision d) {
        Conversation c = hub.conversation(d);
        if (c.queue >= 0) {
            hub.queues[c.queue].waiting.remove(c);
        }
        if (c.joinedNs < 0) {
            c.joinedNs = d.timestampNs;
        }
        if (c.channel < 0) {
            c.channel = hub.routing.queues().get(d.queueId).channel().code();
        }
        QueueView q = hub.queues[d.queueId];
        c.queue = d.queueId;
        c.priority = d.priority;
        c.rankNs = c.joinedNs - c.priority * q.agingStepNs;
        c.coreEstimateMs = d.score;
        c.coreEstimateAtNs = d.timestampNs;
        if (c.store != null) {
            c.store.append(TranscriptStore.Entry.of(c.id, TranscriptStore.Kind.QUEUED, q.spec.name(), c.priority, c.joinedNs / 1_000_000L));
        }
        boolean fromSelfService = c.phase == Phase.SELF_SERVICE && c.node >= 0;
        c.phase = Phase.WAITING;
        c.lastPrompt = null;
        q.waiting.add(c);
        if (fromSelfService) {
            // The core queues from a QUEUE leaf without a prompt: name the leaf the citizen chose,
            // or say that the menu's fallback took them to a human.
            FlowNode menu = hub.routing.flowNodes().get(c.node);
            int leaf = c.lastInput >= 0 && menu.nextByInput() != null ? menu.nextByInput()[c.lastInput]
                    : leafTo(menu, d.queueId);
            if (leaf >= 0 && hub.routing.flowNodes().get(leaf).kind() == FlowNode.Kind.QUEUE) {
                FlowNode queueLeaf = hub.routing.flowNodes().get(leaf);
                c.path.add(queueLeaf.name());
                c.topic = queueLeaf.name();
                c.record(TranscriptStore.Kind.PATH, queueLeaf.name(), 0);
                c.record(TranscriptStore.Kind.TOPIC, c.topic, 0);
                if (c.ours) {
                    String text = hub.promptFor(c, queueLeaf.promptId(), c.language);
                    c.say("bot", text);
                    if (c.citizen != null) {
                        c.citizen.send(hub.json.createObjectNode().put("type", "bot").put("text", text).put("node", queueLeaf.name())
                                .put("final", false).toString());
                    }
                }
            } else {
                c.topic = "fallback from " + menu.name();
                c.record(TranscriptStore.Kind.TOPIC, c.topic, 0);
            }
            c.node = -1;
        }
        hub.wallboard.changed();
        if (c.citizen != null) {
            c.position = -1;
            citizens.sendPosition(c);
        }
    }

    /**
     * For a contact whose input this gateway did not see (a caller in the IVR): the queue leaf of
     * {@code menu} that leads to {@code queue}, or -1 when none or several do (then the menu's
     * fallback or an unknown choice took the contact there).
     */
    private int leafTo(FlowNode menu, int queue) {
        if (menu.nextByInput() == null) {
            return -1;
        }
        int channel = hub.routing.queues().get(queue).channel().code();
        int found = -1;
        for (int next : menu.nextByInput()) {
            if (next >= 0 && next != found && hub.routing.flowNodes().get(next).kind() == FlowNode.Kind.QUEUE
                    && hub.routing.flowNodes().get(next).queueFor(channel) == queue) {
                if (found >= 0) {
                    return -1;
                }
                found = next;
            }
        }
        return found;
    }

    private void onOffer(Decision d) {
        Conversation c = hub.conversation(d);
        if (c.queue >= 0) {
            hub.queues[c.queue].waiting.remove(c);
        }
        if (c.queue != d.queueId || c.joinedNs < 0) {
            c.queue = d.queueId;
            if (c.joinedNs < 0) {
                c.joinedNs = d.timestampNs;
            }
        }
        if (c.channel < 0) {
            c.channel = hub.routing.queues().get(d.queueId).channel().code();
        }
        QueueView q = hub.queues[d.queueId];
        if (q.lastOfferNs >= 0) {
            double intervalMs = (d.timestampNs - q.lastOfferNs) / 1e6;
            q.offerIntervalMs = q.offerIntervalMs < 0 ? intervalMs : 0.8 * q.offerIntervalMs + 0.2 * intervalMs;
        }
        q.lastOfferNs = d.timestampNs;
        c.phase = Phase.OFFERED;
        c.agent = d.agentId;
        c.lastOfferNs = d.timestampNs;
        c.introducing = (d.flags & Decision.FLAG_INTRODUCE) != 0;
        AgentView a = hub.agents[d.agentId];
        a.held.add(c.id);
        desks.shown(a);
        hub.sendToDesktop(a.id, desks.offerFrame(c, "offer").put("callback", (d.flags & Decision.FLAG_CALLBACK) != 0)
                .put("introduce", (d.flags & Decision.FLAG_INTRODUCE) != 0)); // the first agent stays on to introduce the caller
    }

    /**
     * An escalation step acted on a waiting contact. An overflow moves it to the other queue in the
     * place its join time gives it (wallboard, positions, agent views follow); a callback step offers
     * our waiting chat citizen a reply later. A widening changes nothing anyone sees here; a close
     * step's message and end follow as their own decisions.
     */
    private void onEscalate(Decision d) {
        Conversation c = hub.conversations.get(d.contactId);
        EscalationStep.Action action = EscalationStep.Action.ofCode(d.reason);
        if (c == null || action == null) {
            return;
        }
        if (action == EscalationStep.Action.OVERFLOW && d.queueId >= 0 && d.queueId < hub.queues.length && d.queueId != c.queue) {
            if (c.queue >= 0) {
                hub.queues[c.queue].waiting.remove(c);
            }
            QueueView q = hub.queues[d.queueId];
            c.queue = d.queueId;
            c.rankNs = c.joinedNs - c.priority * q.agingStepNs;
            if (c.phase == Phase.WAITING) {
                q.waiting.add(c);
            }
            c.say("system", "moved to " + q.spec.name());
            hub.wallboard.changed();
            if (c.citizen != null && c.phase == Phase.WAITING) {
                c.position = -1;
                citizens.sendPosition(c);
            }
        } else if (action == EscalationStep.Action.OFFER_CALLBACK && c.ours && c.channel == Channel.CHAT.code()
                && c.phase == Phase.WAITING && !c.callback) {
            c.callbackOffered = true;
            hub.counters.callbackOffers.increment();
            String text = CALLBACK_OFFER.getOrDefault(hub.languageCode(c.language), CALLBACK_OFFER.get("en"));
            c.say("bot", text);
            if (c.citizen != null) {
                c.citizen.send(hub.json.createObjectNode().put("type", "callback-offer").put("text", text).toString());
            }
        }
    }

    private void onCallbackScheduled(Decision d) {
        Conversation c = hub.conversations.get(d.contactId);
        if (c == null || !c.ours) {
            return;
        }
        c.callback = true;
        c.record(TranscriptStore.Kind.CALLBACK, null, 0);
        String text = CALLBACK_CONFIRMED.getOrDefault(hub.languageCode(c.language), CALLBACK_CONFIRMED.get("en"));
        c.say("bot", text);
        if (c.citizen != null) {
            c.citizen.send(hub.json.createObjectNode().put("type", "callback-scheduled").put("text", text).toString());
        }
    }

    private void onRetract(Decision d) {
        desks.returnToWaiting(hub.conversation(d), d.agentId >= 0 && d.agentId < hub.agents.length ? hub.agents[d.agentId] : null, true);
    }

    private void onTransfer(Decision d) {
        Conversation c = hub.conversation(d);
        String note = c.pendingNotes == null ? null : c.pendingNotes.poll();
        if (note != null) {
            // before the offer that follows in the same command: the next agent's offer shows it
            if (c.notes == null) {
                c.notes = new ArrayList<>();
            }
            c.notes.add(note);
            c.record(TranscriptStore.Kind.NOTE, note, 0);
        }
        boolean warm = (d.flags & Decision.FLAG_WARM) != 0;
        if (d.agentId >= 0 && d.agentId < hub.agents.length) {
            AgentView a = hub.agents[d.agentId];
            if (warm) {
                c.stayingAgent = a.id; // the card stays on the desktop: the agent talks on until released
            } else {
                a.held.remove(c.id);
            }
            hub.sendToDesktop(a.id, hub.json.createObjectNode().put("type", "transferred").put("contact", Long.toString(c.id))
                    .put("queue", hub.routing.queues().get(d.queueId).name()).put("warm", warm)
                    .put("introduce", (d.flags & Decision.FLAG_INTRODUCE) != 0));
            desks.shown(a);
        }
        c.agent = -1;
        c.say("system", "transferred to " + hub.routing.queues().get(d.queueId).name() + (warm ? " (warm)" : ""));
        if (c.citizen != null) {
            c.citizen.send(hub.json.createObjectNode().put("type", "transferring").put("warm", warm).toString());
        }
    }

    /**
     * The first agent of a warm transfer is free of the conversation: the next agent took it, it
     * ended, or they left; or the agent who took an introduction left it, and the first has it again,
     * in the queue it was in before (the decision's).
     */
    private void onReleased(Decision d) {
        if (d.agentId < 0 || d.agentId >= hub.agents.length) {
            return;
        }
        AgentView a = hub.agents[d.agentId];
        Conversation c = hub.conversations.get(d.contactId);
        if (c != null && d.reason == ReleaseReason.RETURNED && c.stayingAgent >= 0) {
            AgentView introducer = hub.agents[c.stayingAgent];
            c.agent = introducer.id;
            if (d.queueId >= 0 && d.queueId < hub.queues.length) {
                c.queue = d.queueId; // back in the queue it was in before the introduction: the card names it again
            }
            c.stayingAgent = -1;
            c.introducing = false;
            c.say("system", a.name + " left; back with " + introducer.name);
            if (c.citizen != null) {
                c.citizen.send("{\"type\":\"agent-left\",\"returned\":true}"); // the first agent is still with them
            }
            hub.sendToDesktop(introducer.id, desks.offerFrame(c, "conversation").put("returnedBy", a.name)); // a plain conversation card again
            desks.shown(introducer);
        }
        if (c != null && c.stayingAgent == a.id) {
            c.stayingAgent = -1;
            c.introducing = false;
            if (d.reason == ReleaseReason.LEFT) {
                c.say("system", "the first agent left; waiting for a colleague");
                if (c.citizen != null) {
                    c.citizen.send("{\"type\":\"agent-left\"}");
                }
            } else if (d.reason == ReleaseReason.INTRODUCED && c.agent >= 0 && c.agent != a.id && c.phase == Phase.CONNECTED) {
                hub.sendToDesktop(c.agent, desks.offerFrame(c, "conversation")); // the introduced agent's card: theirs alone now
                c.say("system", a.name + " left after the introduction");
                if (c.citizen != null) {
                    c.citizen.send("{\"type\":\"agent-left\",\"introduced\":true}"); // the colleague stays with them
                }
            }
        }
        if (c == null || c.agent != a.id) { // offered back and accepted: the agent keeps it
            a.held.remove(d.contactId);
            hub.sendToDesktop(a.id, hub.json.createObjectNode().put("type", "released").put("contact", Long.toString(d.contactId))
                    .put("reason", ReleaseReason.name(d.reason).toLowerCase(Locale.ROOT).replace('_', '-')));
        }
        desks.shown(a);
    }

    private void onEnd(Decision d) {
        Conversation c = hub.conversations.get(d.contactId);
        int queue = d.queueId; // today's figures move with this contact's command (onCommand marks the wallboard)
        if (c == null) {
            return;
        }
        if (c.queue >= 0) {
            hub.queues[c.queue].waiting.remove(c);
        }
        c.outcome = d.outcome;
        c.endedMs = System.currentTimeMillis();
        c.endedNs = d.timestampNs;
        boolean wrapUp = d.outcome == Outcome.ANSWERED && queue >= 0 && hub.routing.queues().get(queue).maxWrapUpMs() > 0;
        c.phase = wrapUp ? Phase.WRAP_UP : Phase.ENDED;
        if (d.agentId >= 0 && d.agentId < hub.agents.length) {
            AgentView a = hub.agents[d.agentId];
            if (d.outcome == Outcome.ANSWERED && (c.ours || wrapUp)) {
                // the desktop asks for a wrap-up code; the contact stays on it until then (a call's
                // until its wrap-up ends: recorded here or from the phone, or its limit)
                hub.sendToDesktop(a.id, hub.json.createObjectNode().put("type", "ended").put("contact", Long.toString(c.id)));
            } else {
                a.held.remove(c.id);
                hub.sendToDesktop(a.id, hub.json.createObjectNode().put("type", "closed").put("contact", Long.toString(c.id)));
            }
            desks.shown(a);
        }
        if (!c.ours) {
            if (!wrapUp) {
                hub.conversations.remove(c.id);
            }
            return;
        }
        c.say("system", "ended: " + Outcome.name(d.outcome));
        c.record(TranscriptStore.Kind.ENDED, Outcome.name(d.outcome), d.outcome);
        if (c.externalId != null) {
            hub.workItems.ended(c.channel, c.externalId, c.id, c.endedMs);
        }
        if (c.citizen != null) {
            c.citizen.send(hub.json.createObjectNode().put("type", "ended").put("outcome", Outcome.name(d.outcome)).toString());
        }
        hub.toWebhook(c, "outcome", n -> n.put("outcome", Outcome.name(d.outcome)));
    }

    /** The desktop's words for the core's refusal of an agent's command. */
    private static String refusal(CommandType type, int reason) {
        String what = type == null ? "command" : switch (type) {
            case AGENT_LOGGED_IN -> "log-in";
            case AGENT_STATE_CHANGED -> "change of state";
            case OFFER_ACCEPTED -> "accept";
            case OFFER_DECLINED -> "decline";
            case CONTACT_ENDED -> "end";
            case TRANSFER_REQUESTED -> "transfer";
            case TRANSFER_LEFT -> "leave";
            case WRAP_UP_DONE -> "wrap-up";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
        String why = switch (reason) {
            case RejectReason.ILLEGAL_TRANSITION -> "not possible in the state the engine has";
            case RejectReason.WRONG_AGENT -> "another agent has the contact now";
            case RejectReason.UNKNOWN_CONTACT -> "the contact has ended";
            case RejectReason.WRONG_CHANNEL -> "a contact goes only to a queue of its own channel";
            default -> RejectReason.name(reason);
        };
        return "Not done: your " + what + " was refused (" + why + "). The desktop shows what the engine has.";
    }

    private void onReject(Decision d) {
        Conversation c = d.contactId >= 0 ? hub.conversations.get(d.contactId) : null;
        if (c != null && c.pendingNotes != null && d.commandType == CommandType.TRANSFER_REQUESTED.code()) {
            c.pendingNotes.poll(); // not transferred: its note does not travel
        }
        boolean ourAgent = d.agentId >= 0 && d.agentId < hub.agents.length && hub.agents[d.agentId].desktop != null;
        if ((c == null || !c.ours) && !ourAgent) {
            return;
        }
        hub.counters.rejectedByCore.increment();
        CommandType type = CommandType.ofCode(d.commandType);
        ObjectNode frame = hub.json.createObjectNode().put("type", "refused")
                .put("command", type == null ? "unknown" : type.name().toLowerCase(Locale.ROOT))
                .put("reason", RejectReason.name(d.reason));
        if (c != null) {
            frame.put("contact", Long.toString(c.id));
        }
        if (ourAgent) {
            // What the desk showed at once did not happen: the mirror shows the agent's presence as
            // the core has it when this command comes back (right after its decisions), and the
            // contact's own decisions came before this refusal.
            hub.sendToDesktop(d.agentId, frame.put("message", refusal(type, d.reason)));
        }
        if (c != null && c.ours && type == CommandType.CONTACT_ARRIVED) {
            // refused at the door: the journal holds the refusal with its reason
            c.record(TranscriptStore.Kind.ENDED, "refused: " + RejectReason.name(d.reason), -1);
            c.phase = Phase.ENDED;
            c.endedMs = System.currentTimeMillis();
            if (c.externalId != null) {
                hub.workItems.ended(c.channel, c.externalId, c.id, c.endedMs); // a retry is refused no differently
            }
            if (c.citizen != null) {
                c.citizen.send(frame.toString());
            }
            if (c.tokenHash != null) {
                hub.byToken.remove(c.tokenHash);
            }
            hub.conversations.remove(c.id);
        }
    }
}
