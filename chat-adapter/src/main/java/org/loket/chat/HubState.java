package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.loket.config.ChatbotTexts;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CommandPublisher;
import org.loket.host.trace.CitizenHistory;
import org.loket.host.trace.ContactRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the chat hub's parts share, owned by the hub thread: the configuration in force with its
 * indexes and texts, the views of agents and queues, the conversations, the wallboard and the
 * citizens' history, and the ways to answer a peer and to publish a command. The parts that act on
 * it ({@link Citizens}, {@link Desks}, {@link Supervisors}, {@link CoreDecisions}, {@link HubRestart})
 * are wired by {@link ChatHub}; they read and change these fields directly, since one thread owns
 * them all.
 */
final class HubState {
    private static final Logger LOG = LoggerFactory.getLogger(HubState.class);
    /** Copies the hub's reused command into the ring slot; the host stamps sequence and time afterwards. */
    private static final CommandFiller<Command> FILL = (slot, command) -> slot.copyFrom(command);

    final ChatSettings settings;
    final ChatCounters counters;
    final ObjectMapper json = new ObjectMapper();
    /** Where this gateway's conversations are kept durably (its own thread writes). */
    final TranscriptStore store;
    private final CommandPublisher publisher;
    private final Webhook webhook;
    /** The command being published; reused. */
    private final Command out = new Command();

    /** The configuration in force and its texts; replaced by {@link #configApplied}. */
    RoutingConfig routing;
    Map<String, Map<String, String>> promptTexts;
    /** The chatbot's own wording of prompts and its buttons' labels. */
    ChatbotTexts chatbot;
    final Map<String, Integer> agentIds = new HashMap<>();
    final Map<String, Integer> queueIds = new HashMap<>();
    /** Entry ids of the web chat and work items, or -1 when a reload removed the entry (the core refuses such contacts). */
    int chatEntry;
    int emailEntry;
    int socialEntry;
    /** Views by id in the configuration in force; a reload replaces the arrays, the views move by name. */
    AgentView[] agents;
    QueueView[] queues;
    /** This gateway's contacts, and other gateways' that agents here hold (calls), by contact id. */
    final Map<Long, Conversation> conversations = new HashMap<>();
    /** This gateway's work items, live and recently ended, by the gateway's key: a repeated post gets the same id. */
    final WorkItemIds workItems = new WorkItemIds();
    /** Resumable conversations by the SHA-256 of their token. */
    final Map<String, Conversation> byToken = new HashMap<>();
    /** The supervisors' wallboard: its watchers, today's figures, the announcement, adherence. */
    final Wallboard wallboard;
    /**
     * Known citizens' contacts of the last days (every gateway's: callers and senders by pseudonym),
     * shown with the offer of their next one; null when {@code chat.citizen-history-days} is 0.
     * Replaced by one read from the journal after a restart ({@link HubRestart#journalSeeded}).
     */
    CitizenHistory history;

    HubState(ChatSettings settings, LoadedConfig config, CommandPublisher publisher, ChatCounters counters, Webhook webhook,
             TranscriptStore store) {
        this.settings = settings;
        this.counters = counters;
        this.store = store;
        this.publisher = publisher;
        this.webhook = webhook;
        this.routing = config.routing();
        this.promptTexts = config.promptTexts();
        this.chatbot = config.chatbot();
        this.wallboard = new Wallboard(settings, config, counters, json, () -> queues, () -> agents);
        this.history = ChatHub.newHistory(settings, config.hours().zone(), routing);
        indexNames();
        if (!findEntries()) {
            throw new IllegalArgumentException("entries " + List.of(settings.chatEntry(), settings.emailEntry(), settings.socialEntry())
                    + " must all be in the configuration; valid: " + routing.entries().stream().map(x -> x.name()).toList());
        }
        agents = new AgentView[routing.agents().size()];
        for (int a = 0; a < agents.length; a++) {
            agents[a] = new AgentView(a, routing.agents().get(a).name());
        }
        queues = new QueueView[routing.queues().size()];
        for (int q = 0; q < queues.length; q++) {
            queues[q] = new QueueView(q, routing.queues().get(q), qualified(routing, q));
        }
    }

    // ------------------------------------------------------------------ configuration

    /**
     * The next configuration is in force from here on in decision order: decisions the hub handled
     * before named the old ids, the ones after name the new. The core migrated the live state by
     * name, so the hub does the same: every view and conversation keeps what it had under the same
     * name; what the new configuration no longer names (nothing live, or the core would have refused
     * the reload) is dropped; a removed agent's desktop is told. Wallboards get the new queue list
     * at their next push; {@link ChatHub#configApplied} then welcomes every desktop anew. Hub thread.
     */
    void configApplied(LoadedConfig next) {
        RoutingConfig old = routing;
        RoutingConfig now = next.routing();
        int[] queueTo = moved(old.queues().stream().map(QueueSpec::name).toList(), now.queues().stream().map(QueueSpec::name).toList());
        int[] agentTo = moved(old.agents().stream().map(AgentSpec::name).toList(), now.agents().stream().map(AgentSpec::name).toList());
        int[] nodeTo = moved(old.flowNodes().stream().map(FlowNode::name).toList(), now.flowNodes().stream().map(FlowNode::name).toList());
        int[] languageTo = moved(old.languages(), now.languages());
        routing = now;
        promptTexts = next.promptTexts();
        chatbot = next.chatbot();
        wallboard.configure(next);
        indexNames();
        if (!findEntries()) {
            LOG.warn("configuration version {} has no entry {}: new chats and work items there are refused by the core",
                    now.version(), List.of(settings.chatEntry(), settings.emailEntry(), settings.socialEntry()));
        }

        AgentView[] nextAgents = new AgentView[now.agents().size()];
        for (AgentView a : agents) {
            int to = agentTo[a.id];
            if (to >= 0) {
                a.id = to;
                nextAgents[to] = a;
                if (a.desktop != null) {
                    a.desktop.agent = to;
                }
            } else if (a.desktop != null) {
                a.desktop.send(error("removed", "You are no longer on the roster.").toString());
                a.desktop.agent = -1;
            }
        }
        for (int a = 0; a < nextAgents.length; a++) {
            if (nextAgents[a] == null) {
                nextAgents[a] = new AgentView(a, now.agents().get(a).name());
            }
        }
        QueueView[] nextQueues = new QueueView[now.queues().size()];
        for (QueueView q : queues) {
            int to = queueTo[q.id];
            if (to >= 0) {
                q.configure(to, now.queues().get(to), qualified(now, to));
                nextQueues[to] = q;
            }
        }
        for (int q = 0; q < nextQueues.length; q++) {
            if (nextQueues[q] == null) {
                nextQueues[q] = new QueueView(q, now.queues().get(q), qualified(now, q));
            }
        }
        agents = nextAgents;
        queues = nextQueues;
        for (Conversation c : conversations.values()) {
            c.queue = c.queue >= 0 ? queueTo[c.queue] : -1;
            c.agent = c.agent >= 0 ? agentTo[c.agent] : -1;
            c.stayingAgent = c.stayingAgent >= 0 ? agentTo[c.stayingAgent] : -1;
            c.node = c.node >= 0 ? nodeTo[c.node] : -1;
            c.language = c.language < languageTo.length ? Math.max(0, languageTo[c.language]) : 0;
            languageKnown(c);
            if (c.queue >= 0) {
                c.rankNs = c.joinedNs - c.priority * queues[c.queue].agingStepNs;
            }
        }
        wallboard.changed();
    }

    /** For each name of {@code before}, its index in {@code after}, or -1. */
    private static int[] moved(List<String> before, List<String> after) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < after.size(); i++) {
            index.put(after.get(i), i);
        }
        int[] to = new int[before.size()];
        for (int i = 0; i < to.length; i++) {
            to[i] = index.getOrDefault(before.get(i), -1);
        }
        return to;
    }

    /** Agent and queue ids by name, in the configuration in force. */
    private void indexNames() {
        agentIds.clear();
        for (int a = 0; a < routing.agents().size(); a++) {
            agentIds.put(routing.agents().get(a).name(), a);
        }
        queueIds.clear();
        for (int q = 0; q < routing.queues().size(); q++) {
            queueIds.put(routing.queues().get(q).name(), q);
        }
    }

    /** Looks up the web chat's and work items' entries by name; @return whether all three are there. */
    private boolean findEntries() {
        chatEntry = entry(settings.chatEntry());
        emailEntry = entry(settings.emailEntry());
        socialEntry = entry(settings.socialEntry());
        return chatEntry >= 0 && emailEntry >= 0 && socialEntry >= 0;
    }

    /** The id of the entry named {@code name} in the configuration in force, or -1. */
    private int entry(String name) {
        for (int e = 0; e < routing.entries().size(); e++) {
            if (routing.entries().get(e).name().equals(name)) {
                return e;
            }
        }
        return -1;
    }

    /** The agents who serve queue {@code q} of {@code config} at all. */
    private static int[] qualified(RoutingConfig config, int q) {
        QueueSpec spec = config.queues().get(q);
        List<Integer> qualified = new ArrayList<>();
        for (int a = 0; a < config.agents().size(); a++) {
            AgentSpec agent = config.agents().get(a);
            if (spec.servedAtAllBy(agent, config)) {
                qualified.add(a);
            }
        }
        return qualified.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The id of the flow node named {@code name} in the configuration in force, or -1. */
    int flowNode(String name) {
        for (int n = 0; n < routing.flowNodes().size(); n++) {
            if (routing.flowNodes().get(n).name().equals(name)) {
                return n;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ publishing and answering

    /** The reused command holder, cleared, with its type and ids. */
    Command command(CommandType type, long contactId, int agentId) {
        Command c = out.clear();
        c.type = type;
        c.contactId = contactId;
        c.agentId = agentId;
        return c;
    }

    /**
     * Publishes {@code command} (the reused holder: {@link #command}); when the ring is full, counts
     * it and tells {@code peer} (if any) to try again.
     *
     * @return whether it was published
     */
    boolean publish(Command command, Peer peer) {
        if (publisher.tryPublish(FILL, command)) {
            if (AgentView.mirrored(command.type) && command.agentId >= 0 && command.agentId < agents.length) {
                agents[command.agentId].ownInFlight++;
            }
            return true;
        }
        counters.ringFull.increment();
        if (peer != null) {
            ObjectNode busy = (peer.kind == Peer.Kind.CITIZEN ? CitizenError.RING_FULL.frame(json, peer.language)
                    : error("busy", "The service is busy; please try again in a few seconds.")).put("retryAfterSeconds", 2);
            if (peer.kind == Peer.Kind.AGENT && command.contactId >= 0) {
                busy.put("contact", Long.toString(command.contactId)); // the desktop shows it on the contact's card
            }
            peer.send(busy.toString());
        }
        return false;
    }

    /** Counts a malformed frame and tells the peer why; the connection stays. */
    void malformed(Peer peer, String why) {
        counters.malformedFrames.increment();
        peer.send(error("malformed", why).toString());
    }

    /** A citizen's error frame in the language of {@code peer}'s conversation ({@link CitizenError}). */
    void tell(Peer peer, CitizenError error) {
        peer.send(error.frame(json, peer.language).toString());
    }

    /** The citizen's page (if connected) has its conversation's language for the error frames it gets. */
    void languageKnown(Conversation c) {
        if (c.citizen != null) {
            c.citizen.language = languageCode(c.language);
        }
    }

    /** An {@code error} frame with a stable code and a message for people. */
    ObjectNode error(String code, String message) {
        return json.createObjectNode().put("type", "error").put("code", code).put("message", message);
    }

    /**
     * A frame's non-empty text field within {@code chat.max-text-chars}, or null when it is not one
     * (the peer was told why).
     */
    String text(Peer peer, JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            malformed(peer, "field '" + field + "' must be a non-empty text");
            return null;
        }
        String value = node.asText();
        if (value.length() > settings.maxTextChars()) {
            counters.oversizedTexts.increment();
            peer.send((peer.kind == Peer.Kind.CITIZEN ? CitizenError.TOO_LONG.frame(json, peer.language, settings.maxTextChars())
                    : error("too-long", "'" + field + "' is longer than " + settings.maxTextChars() + " characters")).toString());
            return null;
        }
        return value;
    }

    /** Sends {@code frame} to the agent's desktop when it has one open. */
    void sendToDesktop(int agent, ObjectNode frame) {
        Peer desktop = agent >= 0 && agent < agents.length ? agents[agent].desktop : null;
        if (desktop != null) {
            desktop.send(frame.toString());
        }
    }

    /** A work item's reply, wrap-up or outcome to the outbound webhook (when configured; web chats have none). */
    void toWebhook(Conversation c, String type, Function<ObjectNode, ObjectNode> fields) {
        if (c.externalId != null && webhook.configured()) {
            webhook.send(fields.apply(json.createObjectNode().put("type", type).put("workItem", Long.toString(c.id))
                    .put("externalId", c.externalId).put("channel", channelName(c.channel))));
        }
    }

    /** The decision's conversation; another gateway's contact seen for the first time gets one. */
    Conversation conversation(Decision d) {
        return conversations.computeIfAbsent(d.contactId, id -> new Conversation(id, -1, false));
    }

    /** The earlier contacts the desktop shows with this contact, newest first. */
    List<ContactRecord> earlierContacts(long contactId) {
        return history == null ? List.of() : history.before(contactId);
    }

    // ------------------------------------------------------------------ texts

    /** A prompt's text in the language, else in the first language, else its key. */
    private String promptText(String key, int language) {
        Map<String, String> texts = promptTexts.getOrDefault(key, Map.of());
        String text = texts.get(languageCode(language));
        return text != null ? text : texts.getOrDefault(routing.languages().get(0), key);
    }

    /**
     * Prompt {@code promptId} as {@code c} reads it: the chatbot's wording for a chat when the
     * configuration gives one, else the spoken text.
     */
    String promptFor(Conversation c, int promptId, int language) {
        String key = routing.prompts().get(promptId);
        String chat = c.channel == Channel.CHAT.code() ? chatbot.prompt(key, languageCode(language), routing.languages().get(0)) : null;
        return chat != null ? chat : promptText(key, language);
    }

    /**
     * A frame of text for a citizen's page ({@code type} "bot" or "announcement") with the code of the
     * language it is written in, so the page marks the line (and itself) with it for screen readers.
     */
    ObjectNode textFrame(String type, String text, int language) {
        return json.createObjectNode().put("type", type).put("text", text).put("language", languageCode(language));
    }

    /** A language id's code ("nl"); an unknown id is the first language. */
    String languageCode(int language) {
        return language >= 0 && language < routing.languages().size() ? routing.languages().get(language) : routing.languages().get(0);
    }

    String languageName(int language) {
        String code = languageCode(language);
        return switch (code) {
            case "nl" -> "Nederlands";
            case "en" -> "English";
            default -> code;
        };
    }

    /** A channel code's name as frames and stored entries write it: voice, chat, email, social. */
    static String channelName(int channel) {
        return Channel.ofCode(channel).name().toLowerCase(Locale.ROOT);
    }
}
