package org.loket.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.loket.chat.Conversation.Line;
import org.loket.chat.Conversation.Phase;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.FlowNode;
import org.loket.core.routing.RoutingCore;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.kpi.TodayKpis;
import org.loket.host.trace.CitizenHistory;

/**
 * What the hub takes back after a restart: this gateway's conversations the core still holds,
 * from the transcript store; other gateways' contacts (calls) agents hold, from the core, and
 * their self-service paths from the journal; agents' presence and the announcement from the core;
 * today's figures and the citizens' history from the journal. Hub thread.
 */
final class HubRestart {

    /**
     * Where the core has a live contact after its recovery: its {@link ContactState} code, queue and
     * agent (ids of the configuration in force, -1 for none).
     */
    record LiveContact(int state, int queue, int agent, int stayingAgent) {
    }

    /**
     * What the hub takes from the core after a restart and again once it is in egress: every agent's
     * presence and pause reason, by name, and the prompt of the service announcement in force (null:
     * none). Read on the core thread.
     */
    record CoreView(List<String> names, int[] presence, int[] reason, boolean[] voiceOff, String announcement) {
        static CoreView of(RoutingCore core) {
            int n = core.agentCount();
            int[] presence = new int[n];
            int[] reason = new int[n];
            boolean[] voiceOff = new boolean[n];
            for (int a = 0; a < n; a++) {
                presence[a] = core.agentPresence(a).code();
                reason[a] = core.agentPauseReason(a);
                voiceOff[a] = !core.agentChannelOn(a, org.loket.core.Channel.VOICE);
            }
            String announcement = core.announcementPrompt() < 0 ? null : core.config().prompts().get(core.announcementPrompt());
            return new CoreView(core.config().agents().stream().map(AgentSpec::name).toList(), presence, reason, voiceOff, announcement);
        }
    }

    private final HubState hub;
    private final Desks desks;
    private final Citizens citizens;

    HubRestart(HubState hub, Desks desks, Citizens citizens) {
        this.hub = hub;
        this.desks = desks;
        this.citizens = citizens;
    }

    /**
     * After a restart, before the server accepts connections: brings back this gateway's
     * conversations the core still holds, from their stored entries, so a citizen who resumes with
     * their token and the agent who holds the contact see the whole conversation (transcript, path,
     * topic, notes). Where the contact is (phase, queue, agent) comes from the core; agents'
     * presence too, and the contacts of other gateways (calls) agents hold, so the wallboard shows
     * them busy or in wrap-up. A resumed citizen gets {@code chat.resume-seconds} from now to come back.
     * Contacts the core no longer holds stay on disk only. The work items' keys come back too: the
     * recently ended ones, then the live ones, so a gateway's retry after the restart gets the id it
     * had ({@link WorkItemIds}). Hub thread.
     *
     * @param fromStore the stored entries of the live contacts, and the work items ended within
     *                  {@link WorkItemIds#ENDED_KEEP_MS}
     * @param view the core's presences (by name) and announcement
     * @return how many conversations were restored
     */
    int restore(Map<Long, LiveContact> live, TranscriptStore.Restart fromStore, CoreView view) {
        resync(view);
        for (TranscriptStore.EndedWorkItem e : fromStore.endedWorkItems()) {
            if (!live.containsKey(e.contactId())) {
                hub.workItems.ended(e.channel(), e.externalId(), e.contactId(), e.endedMs());
            }
        }
        Map<Long, List<TranscriptStore.Entry>> stored = fromStore.live();
        for (Map.Entry<Long, LiveContact> e : live.entrySet()) {
            LiveContact where = e.getValue();
            Phase phase = where.state() == ContactState.OFFERED.code() ? Phase.OFFERED
                    : where.state() == ContactState.CONNECTED.code() ? Phase.CONNECTED
                    : where.state() == ContactState.WRAP_UP.code() ? Phase.WRAP_UP : null;
            if (phase == null || stored.containsKey(e.getKey()) || where.agent() < 0 || where.agent() >= hub.agents.length
                    || where.queue() < 0 || where.queue() >= hub.queues.length || hub.conversations.containsKey(e.getKey())) {
                continue;
            }
            Conversation c = new Conversation(e.getKey(), hub.routing.queues().get(where.queue()).channel().code(), false);
            c.phase = phase;
            c.queue = where.queue();
            c.agent = where.agent();
            hub.conversations.put(c.id, c);
            hub.agents[c.agent].held.add(c.id);
            desks.shown(hub.agents[c.agent]);
        }
        long nowMs = System.currentTimeMillis();
        int restored = 0;
        for (Map.Entry<Long, List<TranscriptStore.Entry>> e : stored.entrySet()) {
            LiveContact where = live.get(e.getKey());
            List<TranscriptStore.Entry> entries = e.getValue();
            if (where == null || entries.isEmpty() || entries.get(0).kind() != TranscriptStore.Kind.OPENED
                    || hub.conversations.containsKey(e.getKey())) {
                continue;
            }
            Conversation c = rebuilt(e.getKey(), entries);
            c.phase = switch (ContactState.ofCode(where.state())) {
                case SELF_SERVICE -> Phase.SELF_SERVICE;
                case WAITING -> Phase.WAITING;
                case OFFERED -> Phase.OFFERED;
                case CONNECTED -> Phase.CONNECTED;
                case WRAP_UP -> Phase.WRAP_UP;
                case NONE -> Phase.ENDED;
            };
            if (c.phase == Phase.ENDED) {
                continue;
            }
            if (c.externalId != null) {
                hub.workItems.live(c.channel, c.externalId, c.id);
            }
            c.queue = where.queue() < hub.queues.length ? where.queue() : -1;
            c.agent = where.agent() < hub.agents.length ? where.agent() : -1;
            if (c.queue >= 0) {
                QueueView q = hub.queues[c.queue];
                c.rankNs = c.joinedNs - c.priority * q.agingStepNs;
                if (c.phase == Phase.WAITING) {
                    q.waiting.add(c);
                }
            }
            if (c.agent >= 0) {
                hub.agents[c.agent].held.add(c.id);
                desks.shown(hub.agents[c.agent]);
            }
            if (where.stayingAgent() >= 0 && where.stayingAgent() < hub.agents.length) {
                c.stayingAgent = where.stayingAgent(); // a warm transfer's first agent stays on its desktop
                c.introducing = c.phase == Phase.CONNECTED; // only an introduction keeps them after an acceptance
                hub.agents[c.stayingAgent].held.add(c.id);
                desks.shown(hub.agents[c.stayingAgent]);
            }
            if (c.phase == Phase.SELF_SERVICE && c.node >= 0) {
                FlowNode node = hub.routing.flowNodes().get(c.node);
                citizens.botFrame(c, node, hub.promptFor(c, node.promptId(), c.language), false);
            }
            if (c.tokenHash != null) {
                hub.byToken.put(c.tokenHash, c);
                c.expiresMs = nowMs + hub.settings.resumeSeconds() * 1000L;
            }
            hub.conversations.put(c.id, c);
            restored++;
        }
        hub.wallboard.changed();
        return restored;
    }

    /** A conversation of ours from its stored entries (the first is its {@code OPENED}). */
    private Conversation rebuilt(long id, List<TranscriptStore.Entry> entries) {
        TranscriptStore.Entry opened = entries.get(0);
        Conversation c = new Conversation(id, Channel.valueOf(opened.who().toUpperCase(Locale.ROOT)).code(), true);
        c.tokenHash = opened.text();
        c.subject = opened.subject();
        c.from = opened.from();
        c.externalId = opened.externalId();
        c.transcript = new ArrayList<>();
        for (TranscriptStore.Entry e : entries) {
            switch (e.kind()) {
                case LINE -> {
                    if (c.transcript.size() < Conversation.MAX_TRANSCRIPT_LINES) {
                        c.transcript.add(new Line(e.who(), e.text(), e.atMs(), e.from()));
                    }
                    if (c.body == null && c.externalId != null) {
                        c.body = e.text();
                    }
                }
                case PATH -> {
                    c.path.add(e.text());
                    c.node = hub.flowNode(e.text());
                }
                case TOPIC -> c.topic = e.text();
                case LANGUAGE -> c.language = Math.max(0, hub.routing.languages().indexOf(e.text()));
                case NOTE -> {
                    if (c.notes == null) {
                        c.notes = new ArrayList<>();
                    }
                    c.notes.add(e.text());
                }
                case REPLY_TO -> c.replyTo = e.text();
                case CALLBACK -> {
                    c.callbackOffered = true;
                    c.callback = true;
                }
                case QUEUED -> {
                    if (c.joinedNs < 0) {
                        c.joinedNs = e.atMs() * 1_000_000L;
                    }
                    c.priority = (int) e.value();
                    c.node = -1;
                }
                default -> { }
            }
        }
        c.store = hub.store;
        return c;
    }

    /**
     * The core's announcement, and its presences read after the hub's mirror was already fed (see
     * {@code ChatGateway.resyncFromCore}): where the hub's view differs, the core wins, except for
     * an agent with commands of the hub's own in flight. Those were applied when published and may
     * be newer than the read (a desk that paused while the core was asked): the read is the core's
     * presence the mirror follows on from ({@link AgentView#corePresence}), shown once they are back.
     */
    void resync(CoreView view) {
        String announced = hub.wallboard.announcement();
        hub.wallboard.announcementRead(view.announcement());
        desks.announcementToDesktops(announced);
        Map<String, AgentView> byName = new HashMap<>();
        for (AgentView a : hub.agents) {
            byName.put(a.name, a);
        }
        for (int i = 0; i < view.names().size(); i++) {
            AgentView a = byName.get(view.names().get(i));
            int reason = view.presence()[i] == AgentState.PAUSED.code() ? view.reason()[i] : PauseReason.UNSPECIFIED;
            if (a != null && (a.corePresence != view.presence()[i] || a.coreReason != reason
                    || a.presence != view.presence()[i] || a.reason != reason)) {
                desks.corePresence(a, view.presence()[i], reason);
            }
            if (a != null) {
                desks.voiceOff(a, view.voiceOff()[i]);
            }
        }
    }

    /** Hub thread: the other gateways' contacts (calls) restored without their self-service path. */
    Set<Long> callsWithoutPath() {
        Set<Long> ids = new HashSet<>();
        hub.conversations.values().forEach(c -> {
            if (!c.ours && c.path.isEmpty()) {
                ids.add(c.id);
            }
        });
        return ids;
    }

    /** Hub thread: restored calls get their path from the journal; the agent holding one sees it. */
    void callPathsRead(Map<Long, CallPaths.Path> paths) {
        paths.forEach((id, path) -> {
            Conversation c = hub.conversations.get(id);
            if (c == null || c.ours || !c.path.isEmpty()) {
                return;
            }
            c.path.addAll(path.nodes());
            c.topic = path.topic();
            if (c.agent >= 0 && c.phase != Phase.OFFERED) {
                hub.sendToDesktop(c.agent, desks.offerFrame(c, "conversation"));
            }
        });
    }

    /**
     * Hub thread: today's figures and the citizens' history read from the journal up to the first
     * command this hub was fed; the commands fed since follow into both, and both replace the
     * live-only ones. {@code seededHistory} is null when the history is off.
     */
    void journalSeeded(TodayKpis kpis, CitizenHistory seededHistory) {
        JournalKpis.Visitor alsoFed = seededHistory == null ? (command, decisions, count) -> { } : seededHistory::accept;
        if (!hub.wallboard.todaySeeded(kpis, alsoFed) || seededHistory == null) {
            return;
        }
        hub.history = seededHistory;
        // Offers made since the start went out before the history was read: their cards get it now.
        for (Conversation c : hub.conversations.values()) {
            if (c.agent >= 0 && (c.phase == Phase.OFFERED || c.phase == Phase.CONNECTED)) {
                ObjectNode f = hub.json.createObjectNode().put("type", "earlier").put("contact", Long.toString(c.id));
                if (desks.earlierContacts(c, f)) {
                    hub.sendToDesktop(c.agent, f);
                }
            }
        }
    }
}
