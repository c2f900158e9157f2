package org.loket.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.loket.config.LoadedConfig;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.ContactState;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.RejectReason;
import org.loket.core.decision.ReleaseReason;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CallMonitoring;
import org.loket.host.gateway.CommandPublisher;
import org.loket.host.gateway.GatewayContext;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.kpi.TodayKpis;
import org.loket.host.trace.CitizenHistory;
import org.loket.host.trace.ContactRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the chat gateway knows, owned by one thread ("loket-chat-hub"): conversations keyed
 * by contact id (transcripts, paths, transfer notes, resume tokens), agents' desktops, queues'
 * waiting lists, and the supervisors' {@link Wallboard} (today's figures, the announcement,
 * adherence), which reads the hub's views. Netty handlers and the egress thread hand it work with
 * {@link #execute}; nothing else touches its state, so it needs no locks.
 *
 * <p>The core decides; the hub mirrors the decisions it sees (and the commands it published) to
 * render them. Text never enters the core: commands carry dense ids only. Transcripts, paths and
 * notes live in memory for the life of the conversation and are handed to the {@link TranscriptStore}
 * as they happen (its own thread writes them); after a restart {@link #restore} brings back the
 * conversations the core still holds.
 *
 * <p>Agents who work through another gateway (a phone: AMI presence, {@code *55}/{@code *56}/{@code *57},
 * answering and rejecting calls; the admin API) are mirrored from every command the engine hands
 * the gateway ({@link #onCommand}): logins, state changes, accepted and declined offers and ended
 * wrap-ups move the hub's views as they moved the core, so the wallboard shows a phone agent
 * busy while talking and in wrap-up after the call, and a desktop shows a call as a conversation
 * whose wrap-up code the agent can record there or from the phone.
 *
 * <p>Configuration: ids (entries, queues, agents, flow nodes, languages, prompts) are those of the
 * configuration in force. {@link #configApplied} switches to the next one in decision order (the
 * gateway hands it over right behind the {@code CONFIGURATION_APPLIED} decision): queue and agent
 * views are matched by name and keep their waiting lists, figures, desktops and held contacts;
 * conversations keep their queue, agent, menu and language by name; texts come from the new
 * configuration from then on.
 */
final class ChatHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChatHub.class);
    /** How long an ended conversation stays resumable (to read the last messages) at most. */
    private static final long ENDED_KEEP_MS = 60_000;
    private static final int MAX_TRANSCRIPT_LINES = 500;
    private static final Map<String, String> HINT = Map.of(
            "nl", "Kies een van de knoppen hierboven, of kies de optie voor een medewerker.",
            "en", "Please choose one of the buttons above, or the option to talk to a person.");

    /** Shown when an escalation step offers a waiting citizen a reply later instead of waiting on. */
    private static final Map<String, String> CALLBACK_OFFER = Map.of(
            "nl", "Het is druk. Wilt u niet langer wachten? Dan neemt een medewerker later contact met u op, per e-mail als u"
                    + " uw adres geeft. U houdt uw plaats in de wachtrij en kunt dit venster sluiten.",
            "en", "It is busy. Would you rather not wait? An agent will get back to you later, by e-mail if you give your"
                    + " address. You keep your place in the queue and may close this window.");
    private static final Map<String, String> CALLBACK_CONFIRMED = Map.of(
            "nl", "Dank u. Een medewerker neemt contact met u op zodra er een vrij is.",
            "en", "Thank you. An agent will get back to you as soon as one is free.");
    /** Longest e-mail address a citizen may give for a reply (RFC 5321's path limit). */
    static final int MAX_EMAIL_CHARS = 254;

    enum Phase { SELF_SERVICE, WAITING, OFFERED, CONNECTED, WRAP_UP, ENDED }

    /**
     * One transcript line.
     *
     * @param from  who wrote it: citizen, bot, agent, system or notice
     * @param agent the agent's name on an agent's line (an introduction has two), else null
     */
    record Line(String from, String text, long atMs, String agent) {
    }

    /** One contact as the gateway sees it. Hub thread only. */
    static final class Conversation {
        final long id;
        /** Channel code, or -1 for a contact another gateway created and that was never queued here. */
        int channel;
        /** Created by this gateway (a web chat or a work item). */
        final boolean ours;
        Phase phase = Phase.SELF_SERVICE;
        int queue = -1;
        int priority;
        long joinedNs = -1;
        long rankNs;
        int agent = -1;
        int language;
        int outcome = -1;
        /** The menu last presented and the input the citizen chose there (this gateway's contacts only). */
        int node = -1;
        int lastInput = -1;
        final List<String> path = new ArrayList<>(4);
        String topic;
        List<Line> transcript;
        List<String> notes;
        /**
         * Notes of the transfers this hub asked for, in the order asked: each is kept when the core
         * transfers, dropped when it refuses (the core answers in the same order).
         */
        java.util.ArrayDeque<String> pendingNotes;
        /**
         * The agent who transferred the conversation warmly and stays with the citizen (reads and
         * writes) until the core releases them ({@code TRANSFER_RELEASED}); -1 otherwise.
         */
        int stayingAgent = -1;
        /** That warm transfer introduces (its offer said so): once accepted, the agent who took it may leave it back to {@link #stayingAgent}. */
        boolean introducing;
        ObjectNode lastPrompt;
        Peer citizen;
        /** SHA-256 of the resume token (the token itself is only ever with the citizen), or null once they left. */
        String tokenHash;
        long expiresMs;
        long endedMs = -1;
        /** Core time of the END_CONTACT decision. */
        long endedNs = -1;
        int position = -1;
        long ewtSeconds = -1;
        /** The core's estimated wait when it queued (ms, -1 unknown) and the core time it said so. */
        long coreEstimateMs = -1;
        long coreEstimateAtNs;
        long lastOfferNs = -1;
        /** An escalation step offered a reply later; the citizen asked for one (the core scheduled it). */
        boolean callbackOffered;
        boolean callback;
        /** Where the citizen wants the reply, or null; memory only, like the transcript. */
        String replyTo;
        // work items
        String externalId;
        String from;
        String subject;
        String body;

        /** Where this gateway's conversations are kept durably; null for other gateways' contacts (no texts of ours). */
        TranscriptStore store;

        Conversation(long id, int channel, boolean ours) {
            this.id = id;
            this.channel = channel;
            this.ours = ours;
        }

        void say(String who, String text) {
            say(who, text, null);
        }

        /** An agent's line, with the agent's name: in an introduction two agents write. */
        void sayAsAgent(String agentName, String text) {
            say("agent", text, agentName);
        }

        private void say(String who, String text, String agentName) {
            if (transcript == null) {
                transcript = new ArrayList<>();
            }
            if (transcript.size() < MAX_TRANSCRIPT_LINES) {
                Line line = new Line(who, text, System.currentTimeMillis(), agentName);
                transcript.add(line);
                if (store != null) {
                    store.append(TranscriptStore.Entry.line(id, who, text, line.atMs(), agentName));
                }
            }
        }

        /** Keeps a fact of the conversation on disk (this gateway's conversations only). */
        void record(TranscriptStore.Kind kind, String text, long value) {
            if (store != null) {
                store.append(TranscriptStore.Entry.of(id, kind, text, value, System.currentTimeMillis()));
            }
        }
    }

    /** One agent of the roster. Hub thread only. */
    static final class AgentView {
        /** Index in the configuration in force; moves on a reload (names do not). */
        int id;
        final String name;
        int presence = AgentState.LOGGED_OUT.code();
        int reason = PauseReason.UNSPECIFIED;
        final Set<Long> held = new LinkedHashSet<>();
        Peer desktop;
        int shown = AgentState.LOGGED_OUT.code();
        long shownSinceMs = System.currentTimeMillis();
        /**
         * The hub's own mirrored commands for this agent not yet back from the engine: the hub applied
         * them when it published them, so {@link #mirror} skips as many (see there).
         */
        int ownInFlight;
        /**
         * The agent (or its supervisor) logged it out while it still held contacts: the core refuses
         * that, so it is paused (no new work) and logged out once the last contact is done.
         */
        boolean logoutPending;

        AgentView(int id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    /** One queue: waiting contacts and today's figures. Hub thread only. */
    static final class QueueView {
        /** Index, spec and qualified agents in the configuration in force; a reload replaces them (the name stays). */
        int id;
        QueueSpec spec;
        long agingStepNs;
        final Set<Conversation> waiting = new LinkedHashSet<>();
        int[] qualified;
        long lastOfferNs = -1;
        double offerIntervalMs = -1;

        QueueView(int id, QueueSpec spec, int[] qualified) {
            configure(id, spec, qualified);
        }

        void configure(int id, QueueSpec spec, int[] qualified) {
            this.id = id;
            this.spec = spec;
            this.agingStepNs = spec.priorityAgingMs() > 0 ? spec.priorityAgingMs() * 1_000_000L : 1_000_000_000_000_000L;
            this.qualified = qualified;
        }
    }

    /** Copies the hub's reused command into the ring slot; the host stamps sequence and time afterwards. */
    private static final CommandFiller<Command> FILL = (slot, command) -> slot.copyFrom(command);

    private final ChatSettings settings;
    private final ChatCounters counters;
    private final CommandPublisher publisher;
    private final Webhook webhook;
    private final TranscriptStore store;
    /** The configuration in force and its texts; replaced by {@link #configApplied}. */
    private RoutingConfig routing;
    private Map<String, Map<String, String>> promptTexts;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService thread;
    private final SecureRandom random = new SecureRandom();
    /** The command being published; reused, hub thread only. */
    private final Command out = new Command();

    private final Map<String, Integer> agentIds = new HashMap<>();
    private final Map<String, Integer> queueIds = new HashMap<>();
    /** Entry ids of the web chat and work items, or -1 when a reload removed the entry (the core refuses such contacts). */
    private int chatEntry;
    private int emailEntry;
    private int socialEntry;
    private AgentView[] agents;
    private QueueView[] queues;
    private final Map<Long, Conversation> conversations = new HashMap<>();
    private final Map<String, Conversation> byToken = new HashMap<>();
    private long nextContactId;
    /** The supervisors' wallboard: its watchers, today's figures, the announcement, adherence. */
    private final Wallboard wallboard;
    /** Locks an agent's or supervisor's name out after too many wrong secrets. */
    private final CredentialGuard guard;
    /** For the services other gateways offer, looked up when needed. */
    private final GatewayContext context;
    /** Where supervisors' sign-ins and actions on the wallboard are recorded, with their names. */
    private final org.loket.host.audit.OperatorAudit audit;

    /** Work items' senders as the journal knows them ({@code Command.citizenPseudonym}). */
    private final org.loket.host.gateway.Pseudonyms pseudonyms;
    /**
     * Known citizens' contacts of the last days (every gateway's: callers and senders by pseudonym),
     * shown with the offer of their next one; null when {@code chat.citizen-history-days} is 0.
     * Replaced by one read from the journal after a restart ({@link #journalSeeded}).
     */
    private CitizenHistory history;

    /**
     * @param context the host's: publisher, configuration in force, the operators' audit, and the
     *                services other gateways offer (the phone channel's {@code CallMonitoring})
     */
    ChatHub(ChatSettings settings, GatewayContext context, ChatCounters counters, Webhook webhook, TranscriptStore store) {
        LoadedConfig config = context.config();
        this.settings = settings;
        this.context = context;
        this.audit = context.audit();
        this.guard = new CredentialGuard(settings.lockoutFailures(), settings.lockoutMinutes() * 60_000L);
        this.store = store;
        this.counters = counters;
        this.publisher = context.publisher();
        this.webhook = webhook;
        this.routing = config.routing();
        this.promptTexts = config.promptTexts();
        this.wallboard = new Wallboard(settings, config, counters, json, () -> queues, () -> agents);
        this.history = newHistory(settings, config.hours().zone(), routing);
        try {
            this.pseudonyms = org.loket.host.gateway.Pseudonyms.load(settings.pseudonymKeyFile());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("chat.pseudonym-key-file: " + e.getMessage(), e);
        }
        if (settings.pseudonymKeyFile() == null) {
            LOG.warn("chat.pseudonym-key-file not set: work items' sender pseudonyms use a random key of this process");
        }
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
        // Ids apart from other gateways' (bit 62) and from this gateway's earlier runs (start time):
        // 1,024 ids per millisecond of uptime before a later run's range is reached.
        nextContactId = (1L << 62) + System.currentTimeMillis() * 1024L;
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loket-chat-hub");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::guarded, settings.positionUpdateMs(), settings.positionUpdateMs(), TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(() -> run(wallboard::push), settings.wallboardUpdateMs(), settings.wallboardUpdateMs(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * An empty history of the configured depth (null: none) in {@code zone}.
     *
     * @param inForce the configuration in force before the first command fed, or null when the stream brings it
     */
    static CitizenHistory newHistory(ChatSettings settings, java.time.ZoneId zone, RoutingConfig inForce) {
        return settings.citizenHistoryDays() == 0 ? null : new CitizenHistory(zone, inForce,
                java.time.Duration.ofDays(settings.citizenHistoryDays()), CitizenHistory.DEFAULT_MAX_PER_CITIZEN);
    }

    /**
     * Hub thread: today's figures and the citizens' history read from the journal up to the first
     * command this hub was fed; the commands fed since follow into both, and both replace the
     * live-only ones. {@code seededHistory} is null when the history is off.
     */
    void journalSeeded(TodayKpis kpis, CitizenHistory seededHistory) {
        JournalKpis.Visitor alsoFed = seededHistory == null ? (command, decisions, count) -> { } : seededHistory::accept;
        if (!wallboard.todaySeeded(kpis, alsoFed) || seededHistory == null) {
            return;
        }
        history = seededHistory;
        // Offers made since the start went out before the history was read: their cards get it now.
        for (Conversation c : conversations.values()) {
            if (c.agent >= 0 && (c.phase == Phase.OFFERED || c.phase == Phase.CONNECTED)) {
                ObjectNode f = json.createObjectNode().put("type", "earlier").put("contact", Long.toString(c.id));
                if (earlierContacts(c, f)) {
                    sendToDesktop(c.agent, f);
                }
            }
        }
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

    // ------------------------------------------------------------------ configuration

    /**
     * The next configuration is in force from here on in decision order: decisions the hub handled
     * before named the old ids, the ones after name the new. The core migrated the live state by
     * name, so the hub does the same: every view and conversation keeps what it had under the same
     * name; what the new configuration no longer names (nothing live, or the core would have refused
     * the reload) is dropped. Desktops get a new welcome (the queues to transfer to); wallboards the
     * new queue list at their next push. Hub thread.
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
            if (c.queue >= 0) {
                c.rankNs = c.joinedNs - c.priority * queues[c.queue].agingStepNs;
            }
        }
        for (AgentView a : agents) {
            if (a.desktop != null) {
                a.desktop.send(welcome(a).toString());
            }
        }
        wallboard.changed();
        LOG.info("chat: configuration version {} in force", now.version());
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

    static boolean wants(Decision decision) {
        return decision.type != null;
    }

    /** Runs {@code task} on the hub thread; an exception is logged once with context and the hub carries on. */
    void execute(Runnable task) {
        thread.execute(() -> run(task));
    }

    /** Runs {@code query} on the hub thread and returns its answer (tests and the stats endpoint). */
    <T> CompletableFuture<T> ask(Function<ChatHub, T> query) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                answer.complete(query.apply(this));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    private void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("chat hub task failed; the hub carries on", e);
        }
    }

    private void guarded() {
        run(() -> {
            updatePositions();
            sweep();
        });
    }

    // ------------------------------------------------------------------ restart

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
    record CoreView(List<String> names, int[] presence, int[] reason, String announcement) {
        static CoreView of(org.loket.core.routing.RoutingCore core) {
            int n = core.agentCount();
            int[] presence = new int[n];
            int[] reason = new int[n];
            for (int a = 0; a < n; a++) {
                presence[a] = core.agentPresence(a).code();
                reason[a] = core.agentPauseReason(a);
            }
            String announcement = core.announcementPrompt() < 0 ? null : core.config().prompts().get(core.announcementPrompt());
            return new CoreView(core.config().agents().stream().map(AgentSpec::name).toList(), presence, reason, announcement);
        }
    }

    /**
     * After a restart, before the server accepts connections: brings back this gateway's
     * conversations the core still holds, from their stored entries, so a citizen who resumes with
     * their token and the agent who holds the contact see the whole conversation (transcript, path,
     * topic, notes). Where the contact is (phase, queue, agent) comes from the core; agents'
     * presence too, and the contacts of other gateways (calls) agents hold, so the wallboard shows
     * them busy or in wrap-up. A resumed citizen gets {@code chat.resume-seconds} from now to come back.
     * Contacts the core no longer holds stay on disk only. Hub thread.
     *
     * @param view the core's presences (by name) and announcement
     * @return how many conversations were restored
     */
    int restore(Map<Long, LiveContact> live, Map<Long, List<TranscriptStore.Entry>> stored, CoreView view) {
        resync(view);
        for (Map.Entry<Long, LiveContact> e : live.entrySet()) {
            LiveContact where = e.getValue();
            Phase phase = where.state() == ContactState.OFFERED.code() ? Phase.OFFERED
                    : where.state() == ContactState.CONNECTED.code() ? Phase.CONNECTED
                    : where.state() == ContactState.WRAP_UP.code() ? Phase.WRAP_UP : null;
            if (phase == null || stored.containsKey(e.getKey()) || where.agent() < 0 || where.agent() >= agents.length
                    || where.queue() < 0 || where.queue() >= queues.length || conversations.containsKey(e.getKey())) {
                continue;
            }
            Conversation c = new Conversation(e.getKey(), routing.queues().get(where.queue()).channel().code(), false);
            c.phase = phase;
            c.queue = where.queue();
            c.agent = where.agent();
            conversations.put(c.id, c);
            agents[c.agent].held.add(c.id);
            shown(agents[c.agent]);
        }
        long nowMs = System.currentTimeMillis();
        int restored = 0;
        for (Map.Entry<Long, List<TranscriptStore.Entry>> e : stored.entrySet()) {
            LiveContact where = live.get(e.getKey());
            List<TranscriptStore.Entry> entries = e.getValue();
            if (where == null || entries.isEmpty() || entries.get(0).kind() != TranscriptStore.Kind.OPENED
                    || conversations.containsKey(e.getKey())) {
                continue;
            }
            Conversation c = rebuilt(e.getKey(), entries);
            c.phase = switch (org.loket.core.ContactState.ofCode(where.state())) {
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
            c.queue = where.queue() < queues.length ? where.queue() : -1;
            c.agent = where.agent() < agents.length ? where.agent() : -1;
            if (c.queue >= 0) {
                QueueView q = queues[c.queue];
                c.rankNs = c.joinedNs - c.priority * q.agingStepNs;
                if (c.phase == Phase.WAITING) {
                    q.waiting.add(c);
                }
            }
            if (c.agent >= 0) {
                agents[c.agent].held.add(c.id);
                shown(agents[c.agent]);
            }
            if (where.stayingAgent() >= 0 && where.stayingAgent() < agents.length) {
                c.stayingAgent = where.stayingAgent(); // a warm transfer's first agent stays on its desktop
                c.introducing = c.phase == Phase.CONNECTED; // only an introduction keeps them after an acceptance
                agents[c.stayingAgent].held.add(c.id);
                shown(agents[c.stayingAgent]);
            }
            if (c.phase == Phase.SELF_SERVICE && c.node >= 0) {
                FlowNode node = routing.flowNodes().get(c.node);
                botFrame(c, node, promptText(routing.prompts().get(node.promptId()), c.language), false);
            }
            if (c.tokenHash != null) {
                byToken.put(c.tokenHash, c);
                c.expiresMs = nowMs + settings.resumeSeconds() * 1000L;
            }
            conversations.put(c.id, c);
            restored++;
        }
        wallboard.changed();
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
                    if (c.transcript.size() < MAX_TRANSCRIPT_LINES) {
                        c.transcript.add(new Line(e.who(), e.text(), e.atMs(), e.from()));
                    }
                    if (c.body == null && c.externalId != null) {
                        c.body = e.text();
                    }
                }
                case PATH -> {
                    c.path.add(e.text());
                    c.node = flowNode(e.text());
                }
                case TOPIC -> c.topic = e.text();
                case LANGUAGE -> c.language = Math.max(0, routing.languages().indexOf(e.text()));
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
        c.store = store;
        return c;
    }

    /** The id of the flow node named {@code name} in the configuration in force, or -1. */
    private int flowNode(String name) {
        for (int n = 0; n < routing.flowNodes().size(); n++) {
            if (routing.flowNodes().get(n).name().equals(name)) {
                return n;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ publishing

    /** The reused command holder, cleared, with its type and ids. */
    private Command command(CommandType type, long contactId, int agentId) {
        Command c = out.clear();
        c.type = type;
        c.contactId = contactId;
        c.agentId = agentId;
        return c;
    }

    private boolean publish(Command command, Peer peer) {
        if (publisher.tryPublish(FILL, command)) {
            if (mirrored(command.type) && command.agentId >= 0 && command.agentId < agents.length) {
                agents[command.agentId].ownInFlight++;
            }
            return true;
        }
        counters.ringFull.increment();
        if (peer != null) {
            peer.send(error("busy", "The service is busy; please try again in a few seconds.").put("retryAfterSeconds", 2).toString());
        }
        return false;
    }

    // ------------------------------------------------------------------ frames

    /** A frame of any peer, already parsed as a JSON object with a text field "type". */
    void onFrame(Peer peer, JsonNode frame) {
        String type = frame.path("type").asText();
        switch (peer.kind) {
            case CITIZEN -> onCitizenFrame(peer, type, frame);
            case AGENT -> onAgentFrame(peer, type, frame);
            case WALLBOARD -> onWallboardFrame(peer, type, frame);
        }
    }

    void onClosed(Peer peer) {
        switch (peer.kind) {
            case CITIZEN -> {
                Conversation c = peer.conversation;
                if (c != null && c.citizen == peer) {
                    c.citizen = null;
                    c.expiresMs = System.currentTimeMillis() + settings.resumeSeconds() * 1000L;
                }
            }
            case AGENT -> {
                if (peer.agent >= 0 && agents[peer.agent].desktop == peer) {
                    agents[peer.agent].desktop = null;
                }
            }
            case WALLBOARD -> wallboard.unsubscribe(peer);
        }
    }

    private void malformed(Peer peer, String why) {
        counters.malformedFrames.increment();
        peer.send(error("malformed", why).toString());
    }

    private ObjectNode error(String code, String message) {
        return json.createObjectNode().put("type", "error").put("code", code).put("message", message);
    }

    private String text(Peer peer, JsonNode frame, String field) {
        JsonNode node = frame.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            malformed(peer, "field '" + field + "' must be a non-empty text");
            return null;
        }
        String value = node.asText();
        if (value.length() > settings.maxTextChars()) {
            counters.oversizedTexts.increment();
            peer.send(error("too-long", "'" + field + "' is longer than " + settings.maxTextChars() + " characters").toString());
            return null;
        }
        return value;
    }

    // ------------------------------------------------------------------ citizens

    private void onCitizenFrame(Peer peer, String type, JsonNode frame) {
        Conversation c = peer.conversation;
        switch (type) {
            case "start" -> startChat(peer, frame.path("language").asText(""));
            case "resume" -> {
                String token = text(peer, frame, "token");
                if (token != null) {
                    resume(peer, token);
                }
            }
            case "ping" -> peer.send("{\"type\":\"pong\"}");
            case "choose" -> {
                JsonNode input = frame.get("input");
                if (c == null || input == null || !input.canConvertToInt() || input.asInt() < 0 || input.asInt() >= FlowNode.INPUTS) {
                    malformed(peer, "choose needs a started chat and an input 0.." + (FlowNode.INPUTS - 1));
                    return;
                }
                if (c.phase != Phase.SELF_SERVICE) {
                    peer.send(error("not-now", "The assistant is not waiting for a choice.").toString());
                    return;
                }
                c.say("citizen", frame.path("label").asText(inputName(input.asInt())));
                c.lastInput = input.asInt();
                Command o = command(CommandType.SELF_SERVICE_INPUT, c.id, Command.NONE);
                o.input = input.asInt();
                publish(o, peer);
            }
            case "message" -> {
                String text = text(peer, frame, "text");
                if (text == null) {
                    return;
                }
                if (c == null) {
                    malformed(peer, "start the chat first");
                    return;
                }
                c.say("citizen", text);
                // The agent in the conversation, and the one who stays after a warm transfer (both during an introduction).
                int reader = c.phase == Phase.CONNECTED && c.agent >= 0 ? c.agent : -1;
                for (int agent : new int[] {reader, c.stayingAgent}) {
                    if (agent >= 0) {
                        sendToDesktop(agent, json.createObjectNode().put("type", "message").put("contact", Long.toString(c.id))
                                .put("from", "citizen").put("text", text));
                    }
                }
                if (reader < 0 && c.stayingAgent < 0 && c.phase == Phase.SELF_SERVICE) {
                    String hint = HINT.getOrDefault(languageCode(c.language), HINT.get("en"));
                    c.say("bot", hint);
                    peer.send(json.createObjectNode().put("type", "bot").put("text", hint).toString());
                }
            }
            case "leave" -> {
                if (c != null) {
                    citizenLeft(c);
                }
            }
            case "callback" -> {
                if (c == null) {
                    malformed(peer, "start the chat first");
                    return;
                }
                String email = frame.path("email").asText("").strip();
                if (email.length() > MAX_EMAIL_CHARS || !email.isEmpty() && !email.matches("[^@\\s]+@[^@\\s]+")) {
                    malformed(peer, "email must be an address of at most " + MAX_EMAIL_CHARS + " characters, or left out");
                    return;
                }
                if (c.phase != Phase.WAITING || !c.callbackOffered || c.callback) {
                    peer.send(error("not-now", "There is no offer to get back to you now.").toString());
                    return;
                }
                c.replyTo = email.isEmpty() ? null : email;
                if (c.replyTo != null) {
                    c.record(TranscriptStore.Kind.REPLY_TO, c.replyTo, 0);
                }
                c.say("citizen", email.isEmpty() ? "please get back to me" : "please reply by e-mail");
                if (publish(command(CommandType.CALLBACK_REQUESTED, c.id, Command.NONE), peer)) {
                    counters.callbacksRequested.increment();
                }
            }
            default -> malformed(peer, "unknown type '" + type + "'");
        }
    }

    private void startChat(Peer peer, String language) {
        if (peer.conversation != null && peer.conversation.phase != Phase.ENDED) {
            peer.send(error("already-started", "This connection already has a chat.").toString());
            return;
        }
        long id = nextContactId++;
        int languageId = routing.languages().indexOf(language);
        Command o = command(CommandType.CONTACT_ARRIVED, id, Command.NONE);
        o.channel = Channel.CHAT.code();
        o.entryId = chatEntry;
        o.languageId = languageId;
        if (!publish(o, peer)) {
            return;
        }
        counters.conversationsStarted.increment();
        Conversation c = new Conversation(id, Channel.CHAT.code(), true);
        c.language = Math.max(0, languageId);
        String token = newToken();
        c.tokenHash = tokenHash(token);
        c.citizen = peer;
        c.store = store;
        peer.conversation = c;
        conversations.put(id, c);
        byToken.put(c.tokenHash, c);
        store.append(new TranscriptStore.Entry(id, TranscriptStore.Kind.OPENED, System.currentTimeMillis(), 0,
                channelName(Channel.CHAT.code()), c.tokenHash, null, null, null));
        peer.send(json.createObjectNode().put("type", "session").put("token", token)
                .put("expiresInSeconds", settings.resumeSeconds()).toString());
    }

    private void resume(Peer peer, String token) {
        Conversation c = byToken.get(tokenHash(token));
        long now = System.currentTimeMillis();
        if (c == null || (c.citizen == null && c.expiresMs < now)) {
            counters.resumeRefused.increment();
            peer.send(error("resume-refused", "This conversation has expired; start a new one.").toString());
            return;
        }
        if (c.citizen != null && c.citizen != peer) {
            c.citizen.send(error("replaced", "The conversation continues in another window.").toString());
            c.citizen.conversation = null;
        }
        counters.resumed.increment();
        c.citizen = peer;
        peer.conversation = c;
        ObjectNode session = json.createObjectNode().put("type", "session").put("token", token).put("resumed", true)
                .put("expiresInSeconds", settings.resumeSeconds()).put("phase", c.phase.name().toLowerCase(Locale.ROOT));
        ArrayNode lines = session.putArray("transcript");
        if (c.transcript != null) {
            for (Line line : c.transcript) {
                lines.addObject().put("from", line.from()).put("text", line.text());
            }
        }
        peer.send(session.toString());
        if (c.phase == Phase.SELF_SERVICE && c.lastPrompt != null) {
            peer.send(c.lastPrompt.toString());
        } else if (c.phase == Phase.WAITING || c.phase == Phase.OFFERED) {
            c.position = -1;
            sendPosition(c);
        } else if (c.phase == Phase.ENDED || c.phase == Phase.WRAP_UP) {
            peer.send(json.createObjectNode().put("type", "ended").put("outcome", Outcome.name(c.outcome)).toString());
        }
    }

    /** The citizen left (said so, or did not come back in time). */
    private void citizenLeft(Conversation c) {
        switch (c.phase) {
            case SELF_SERVICE, WAITING, OFFERED -> {
                if (!c.callback) { // a citizen who asked to be contacted later keeps the place
                    publish(command(CommandType.CONTACT_ABANDONED, c.id, Command.NONE), null);
                }
            }
            case CONNECTED -> {
                c.say("system", "citizen left");
                publish(command(CommandType.CONTACT_ENDED, c.id, Command.NONE), null);
            }
            default -> { }
        }
        if (c.tokenHash != null) {
            byToken.remove(c.tokenHash);
            c.tokenHash = null;
        }
    }

    /** The resume token as the hub keeps it (and the transcript store keeps it): SHA-256, base64url. */
    static String tokenHash(String token) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String channelName(int channel) {
        return Channel.ofCode(channel).name().toLowerCase(Locale.ROOT);
    }

    private String newToken() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ------------------------------------------------------------------ work items

    /**
     * An e-mail or social-media contact from {@code POST /api/v1/work-items}.
     *
     * @param preferredAgent the agent it should preferably reach (e.g. who answered the thread before), or
     *                       null; an unknown name is ignored (the queue's {@code preferredAgentSeconds} decides how long)
     * @return the contact id as text, or {@code null} when the ring was full (the caller answers 503)
     */
    String acceptWorkItem(Channel channel, String externalId, String from, String subject, String body, String preferredAgent) {
        long id = nextContactId++;
        Integer preferred = preferredAgent == null ? null : agentIds.get(preferredAgent);
        Command o = command(CommandType.CONTACT_ARRIVED, id, preferred == null ? Command.NONE : preferred);
        o.channel = channel.code();
        o.entryId = channel == Channel.EMAIL ? emailEntry : socialEntry;
        o.citizenPseudonym = pseudonyms.of(senderAddress(from));
        if (!publish(o, null)) {
            return null;
        }
        counters.workItemsAccepted.increment();
        Conversation c = new Conversation(id, channel.code(), true);
        c.externalId = externalId;
        c.from = from;
        c.subject = subject;
        c.body = body;
        c.store = store;
        store.append(new TranscriptStore.Entry(id, TranscriptStore.Kind.OPENED, System.currentTimeMillis(), 0,
                channelName(channel.code()), null, subject, from, externalId));
        c.say("citizen", body);
        conversations.put(id, c);
        return Long.toString(id);
    }

    /**
     * The address a sender's pseudonym is made of: the part in angle brackets of "Name &lt;address&gt;",
     * in lower case, so a citizen who writes again from the same address is the same citizen.
     */
    static String senderAddress(String from) {
        if (from == null) {
            return null;
        }
        int open = from.lastIndexOf('<');
        int close = from.lastIndexOf('>');
        String address = open >= 0 && close > open ? from.substring(open + 1, close) : from;
        return address.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private void toWebhook(Conversation c, String type, Function<ObjectNode, ObjectNode> fields) {
        if (c.externalId != null && webhook.configured()) {
            webhook.send(fields.apply(json.createObjectNode().put("type", type).put("workItem", Long.toString(c.id))
                    .put("externalId", c.externalId).put("channel", Channel.ofCode(c.channel).name().toLowerCase(Locale.ROOT))));
        }
    }

    // ------------------------------------------------------------------ agents

    private void onAgentFrame(Peer peer, String type, JsonNode frame) {
        if (type.equals("login")) {
            login(peer, frame);
            return;
        }
        if (type.equals("ping")) {
            peer.send("{\"type\":\"pong\"}");
            return;
        }
        if (peer.agent < 0) {
            counters.authFailures.increment();
            peer.send(error("unauthenticated", "Log in first.").toString());
            return;
        }
        AgentView a = agents[peer.agent];
        switch (type) {
            case "ready" -> changePresence(peer, a, AgentState.READY, PauseReason.UNSPECIFIED);
            case "pause" -> {
                int code = routing.pauseReasonCode(frame.path("reason").asText());
                if (code < 0) {
                    malformed(peer, "pause needs a reason of " + routing.pauseReasons());
                    return;
                }
                changePresence(peer, a, AgentState.PAUSED, code);
            }
            case "logout" -> changePresence(peer, a, AgentState.LOGGED_OUT, PauseReason.UNSPECIFIED);
            case "accept", "decline", "end", "wrap-up", "transfer", "message", "leave" -> onContactAction(peer, a, type, frame);
            default -> malformed(peer, "unknown type '" + type + "'");
        }
    }

    /**
     * Publishes an agent's presence (from its desktop or a supervisor's wallboard) and shows it at
     * once; the core may still refuse it (the mirror then follows the core).
     *
     * @return whether it was published
     */
    private boolean changePresence(Peer peer, AgentView a, AgentState state, int reason) {
        if (state == AgentState.LOGGED_OUT && !a.held.isEmpty()) {
            int pauseReason = a.presence == AgentState.PAUSED.code() ? a.reason : PauseReason.UNSPECIFIED;
            if (!changePresence(peer, a, AgentState.PAUSED, pauseReason)) {
                return false;
            }
            a.logoutPending = true;
            sendState(a);
            wallboard.changed();
            return true;
        }
        a.logoutPending = false;
        Command o = command(CommandType.AGENT_STATE_CHANGED, Command.NONE, a.id);
        o.agentState = state.code();
        if (state == AgentState.PAUSED) {
            o.reason = reason;
        }
        if (!publish(o, peer)) {
            return false;
        }
        presence(a, state.code(), reason);
        return true;
    }

    /** Constant-time comparison; an unset secret matches nothing. */
    static boolean secretMatches(String expected, String given) {
        return expected != null && given != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks an agent's or supervisor's name and secret (from {@code chat.agent-secrets-file}),
     * through the {@link CredentialGuard}: a name of the configuration that had too many wrong
     * secrets lately is refused without a check, and the wrong secret that locks it is audited.
     *
     * @param known whether the name is an agent (desktop) or supervisor (wallboard) of the configuration
     * @return whether the peer may go on as {@code name}; if not, it was answered
     */
    private boolean signIn(Peer peer, String via, String name, boolean known, String secret, String refusalCode, String refusal) {
        if (known && guard.locked(name)) {
            counters.authFailures.increment();
            peer.send(error("locked", "Too many wrong secrets for '" + name + "': try again in " + guard.lockMinutes() + " minutes.")
                    .toString());
            return false;
        }
        if (!known || !secretMatches(settings.agentSecrets().get(name), secret)) {
            if (known && guard.failed(name)) {
                counters.authLockouts.increment();
                audit.record(via, name, "locked-out", "", settings.lockoutFailures() + " wrong secrets in " + guard.lockMinutes() + " minutes");
            }
            refuseCredential(peer, refusalCode, refusal);
            return false;
        }
        guard.succeeded(name);
        return true;
    }

    /** Counts and answers a wrong credential; the third on one connection closes it (1008). */
    private void refuseCredential(Peer peer, String code, String message) {
        counters.authFailures.increment();
        peer.send(error(code, message).toString());
        if (++peer.authFailures >= 3) {
            peer.close(1008, "too many failed attempts");
        }
    }

    private void login(Peer peer, JsonNode frame) {
        String name = frame.path("agent").asText("");
        String secret = frame.path("secret").asText("");
        Integer id = agentIds.get(name);
        if (!signIn(peer, "desktop", name, id != null, secret, "login-refused", "Unknown agent or wrong secret.")) {
            return;
        }
        AgentView a = agents[id];
        if (a.desktop != null && a.desktop != peer) {
            a.desktop.send(error("replaced", "You logged in elsewhere.").toString());
            a.desktop.agent = -1;
        }
        a.desktop = peer;
        peer.agent = id;
        if (a.presence == AgentState.LOGGED_OUT.code()) {
            if (!publish(command(CommandType.AGENT_LOGGED_IN, Command.NONE, id), peer)) {
                return;
            }
            presence(a, AgentState.READY.code(), PauseReason.UNSPECIFIED);
        }
        peer.send(welcome(a).toString());
        sendState(a);
        if (wallboard.announcement() != null) {
            peer.send(wallboard.announcementFrame().toString());
        }
        for (long held : a.held) {
            Conversation c = conversations.get(held);
            if (c != null) {
                sendToDesktop(a.id, offerFrame(c, c.phase == Phase.OFFERED ? "offer" : "conversation"));
            }
        }
    }

    /** What a desktop needs to know of the configuration in force: capacity, queues, pause reasons, wrap-up codes. */
    private ObjectNode welcome(AgentView a) {
        AgentSpec spec = routing.agents().get(a.id);
        ObjectNode welcome = json.createObjectNode().put("type", "welcome").put("agent", a.name);
        ObjectNode capacity = welcome.putObject("capacity");
        for (Channel ch : Channel.values()) {
            capacity.put(ch.name().toLowerCase(Locale.ROOT), spec.capacityPerChannel()[ch.code()]);
        }
        ArrayNode queueNames = welcome.putArray("queues");
        ObjectNode queueChannels = welcome.putObject("queueChannels"); // a transfer stays in its channel
        routing.queues().forEach(q -> {
            queueNames.add(q.name());
            queueChannels.put(q.name(), q.channel().name().toLowerCase(Locale.ROOT));
        });
        ArrayNode reasons = welcome.putArray("pauseReasons");
        routing.pauseReasons().forEach(reasons::add);
        ArrayNode codes = welcome.putArray("wrapUpCodes");
        routing.wrapUpCodes().forEach(codes::add);
        return welcome;
    }

    private void onContactAction(Peer peer, AgentView a, String type, JsonNode frame) {
        long contactId;
        try {
            contactId = Long.parseLong(frame.path("contact").asText(""));
        } catch (NumberFormatException e) {
            malformed(peer, "'contact' must be a contact id");
            return;
        }
        Conversation c = conversations.get(contactId);
        if (c == null || !a.held.contains(contactId)) {
            peer.send(error("not-yours", "You do not hold contact " + contactId + ".").toString());
            return;
        }
        if (!c.ours && c.channel == Channel.VOICE.code() && !type.equals("transfer") && !type.equals("leave") && !type.equals("wrap-up")) {
            // The phone rings and talks: its answer, rejection and hang-up reach the core through the
            // telephony adapter; the same from here would leave the call and the core disagreeing.
            // A transfer (and leaving a warm one) is the core's, and the telephony adapter moves the caller.
            peer.send(error("on-phone", "Contact " + contactId + " is a call: answer, reject and hang up on your phone.").toString());
            return;
        }
        switch (type) {
            case "accept" -> {
                if (c.phase != Phase.OFFERED) {
                    peer.send(error("not-offered", "Contact " + contactId + " is not offered to you.").toString());
                    return;
                }
                if (publish(command(CommandType.OFFER_ACCEPTED, c.id, a.id), peer)) {
                    c.phase = Phase.CONNECTED;
                    c.say("system", "agent joined");
                    if (c.citizen != null) {
                        c.citizen.send("{\"type\":\"agent-joined\"}");
                    }
                    sendToDesktop(a.id, offerFrame(c, "conversation"));
                    joinedIntroduction(c, a);
                    shown(a);
                }
            }
            case "decline" -> {
                if (c.phase != Phase.OFFERED) {
                    peer.send(error("not-offered", "Contact " + contactId + " is not offered to you.").toString());
                    return;
                }
                if (publish(command(CommandType.OFFER_DECLINED, c.id, a.id), peer)) {
                    returnToWaiting(c, a, false);
                }
            }
            case "message" -> {
                String text = text(peer, frame, "text");
                if (text == null) {
                    return;
                }
                if (c.phase != Phase.CONNECTED && c.stayingAgent != a.id) {
                    peer.send(error("not-connected", "Contact " + contactId + " is not connected.").toString());
                    return;
                }
                c.sayAsAgent(a.name, text);
                if (c.citizen != null) {
                    c.citizen.send(json.createObjectNode().put("type", "message").put("from", "agent").put("text", text).toString());
                }
                // A three-party chat (an introduction): the other agent reads along.
                int colleague = a.id == c.stayingAgent ? (c.phase == Phase.CONNECTED ? c.agent : -1) : c.stayingAgent;
                if (colleague >= 0 && colleague != a.id) {
                    sendToDesktop(colleague, json.createObjectNode().put("type", "message").put("contact", Long.toString(c.id))
                            .put("from", "colleague").put("text", a.name + ": " + text));
                }
                toWebhook(c, "reply", n -> n.put("text", text));
            }
            case "end" -> {
                if (c.phase != Phase.CONNECTED) {
                    peer.send(error("not-connected", "Contact " + contactId + " is not connected.").toString());
                    return;
                }
                publish(command(CommandType.CONTACT_ENDED, c.id, Command.NONE), peer);
            }
            case "transfer" -> {
                Integer queue = queueIds.get(frame.path("queue").asText(""));
                if (queue == null) {
                    malformed(peer, "transfer needs a queue of " + queueIds.keySet());
                    return;
                }
                Channel own = c.queue < 0 ? null : routing.queues().get(c.queue).channel();
                if (own != null && routing.queues().get(queue).channel() != own) {
                    peer.send(error("wrong-channel", "Contact " + contactId + " can only go to a " + own.name().toLowerCase(Locale.ROOT)
                            + " queue, not " + routing.queues().get(queue).name() + ".").toString());
                    return;
                }
                String note = frame.path("note").asText("");
                if (note.length() > settings.maxTextChars()) {
                    counters.oversizedTexts.increment();
                    peer.send(error("too-long", "The note is longer than " + settings.maxTextChars() + " characters").toString());
                    return;
                }
                if (c.phase != Phase.CONNECTED || c.agent != a.id) {
                    peer.send(error("not-connected", "Contact " + contactId + " is not connected.").toString());
                    return;
                }
                // An introduction (a three-way call or chat until the first agent leaves) is a warm transfer.
                boolean introduce = frame.path("introduce").asBoolean(false);
                boolean warm = introduce || frame.path("warm").asBoolean(false);
                if (warm && (routing.queues().get(queue).deferrable() || c.queue >= 0 && routing.queues().get(c.queue).deferrable())) {
                    peer.send(error("cold-only", "Contact " + contactId + " is a work item: it is transferred cold.").toString());
                    return;
                }
                String targetName = frame.path("agent").asText("").trim();
                Integer target = targetName.isEmpty() ? null : agentIds.get(targetName);
                if (!targetName.isEmpty() && target == null) {
                    malformed(peer, "transfer names no agent '" + targetName + "' of the roster");
                    return;
                }
                Command o = command(CommandType.TRANSFER_REQUESTED, c.id, a.id);
                o.queueId = queue;
                o.input = target == null ? Command.NONE : target; // the core offers it to them if they can take it now
                o.reason = introduce ? Command.TRANSFER_INTRODUCE : warm ? Command.TRANSFER_WARM : Command.NONE;
                if (publish(o, peer)) {
                    if (c.pendingNotes == null) {
                        c.pendingNotes = new java.util.ArrayDeque<>(1);
                    }
                    c.pendingNotes.add(a.name + " → " + routing.queues().get(queue).name() + (target == null ? "" : " (" + targetName + ")")
                            + (note.isBlank() ? "" : ": " + note));
                }
            }
            case "leave" -> {
                // The agent who stays after a warm transfer, or the one who took an introduction (back to the first).
                boolean joined = c.introducing && c.stayingAgent >= 0 && c.agent == a.id && c.phase == Phase.CONNECTED;
                if (c.stayingAgent != a.id && !joined) {
                    peer.send(error("not-staying", "You do not stay with contact " + contactId + " after a warm transfer,"
                            + " nor were you introduced to it.").toString());
                    return;
                }
                publish(command(CommandType.TRANSFER_LEFT, c.id, a.id), peer); // TRANSFER_RELEASED closes the card
            }
            case "wrap-up" -> {
                List<String> wrapUpCodes = routing.wrapUpCodes();
                int code = wrapUpCodes.indexOf(frame.path("code").asText(""));
                if (code < 0) {
                    malformed(peer, "wrap-up needs a code of " + wrapUpCodes);
                    return;
                }
                if (c.phase == Phase.WRAP_UP) {
                    Command o = command(CommandType.WRAP_UP_DONE, c.id, a.id);
                    o.reason = code;
                    if (!publish(o, peer)) {
                        return;
                    }
                } else if (c.phase != Phase.ENDED) {
                    peer.send(error("not-ended", "End contact " + contactId + " before its wrap-up.").toString());
                    return;
                }
                toWebhook(c, "wrap-up", n -> n.put("code", wrapUpCodes.get(code)));
                closeWrapUp(c, a);
            }
            default -> malformed(peer, "unknown type '" + type + "'");
        }
    }

    private void presence(AgentView a, int presence, int reason) {
        a.presence = presence;
        a.reason = reason;
        if (!shown(a)) {
            sendState(a);
        }
    }

    /**
     * Recomputes what the wallboard shows for the agent: a held contact wins over presence.
     *
     * @return whether it changed (the agent's desktop was told)
     */
    private boolean shown(AgentView a) {
        int shown = a.presence;
        boolean offered = false;
        boolean busy = false;
        boolean wrapUp = false;
        for (long id : a.held) {
            Conversation c = conversations.get(id);
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
        wallboard.changed();
        if (a.logoutPending && a.held.isEmpty()) {
            changePresence(a.desktop, a, AgentState.LOGGED_OUT, PauseReason.UNSPECIFIED); // the last contact is done
            return true;
        }
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
     * through (a call answered on the phone shows "busy" here too).
     */
    private void sendState(AgentView a) {
        sendToDesktop(a.id, json.createObjectNode().put("type", "state")
                .put("state", AgentState.ofCode(a.presence).name().toLowerCase(Locale.ROOT))
                .put("reason", pauseReasonName(a.reason))
                .put("activity", a.shown == a.presence ? "" : AgentState.ofCode(a.shown).name().toLowerCase(Locale.ROOT))
                .put("logoutPending", a.logoutPending));
    }

    private String pauseReasonName(int reason) {
        return routing.pauseReasonName(reason);
    }

    private void sendToDesktop(int agent, ObjectNode frame) {
        Peer desktop = agent >= 0 && agent < agents.length ? agents[agent].desktop : null;
        if (desktop != null) {
            desktop.send(frame.toString());
        }
    }

    /** What the desktop shows of a contact: channel, queue, the self-service path and topic, transcript, notes. */
    private ObjectNode offerFrame(Conversation c, String type) {
        ObjectNode f = json.createObjectNode().put("type", type).put("contact", Long.toString(c.id))
                .put("channel", c.channel < 0 ? "voice" : Channel.ofCode(c.channel).name().toLowerCase(Locale.ROOT))
                .put("queue", c.queue < 0 ? "" : routing.queues().get(c.queue).name())
                .put("topic", c.topic == null ? "" : c.topic)
                .put("language", languageCode(c.language))
                .put("waitedSeconds", c.joinedNs < 0 || c.lastOfferNs < 0 ? 0 : (c.lastOfferNs - c.joinedNs) / 1_000_000_000L);
        if (c.replyTo != null) {
            f.put("replyTo", c.replyTo);
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
            f.put("introducedBy", agents[c.stayingAgent].name); // on the call too until they leave; this agent may leave it back to them
        }
        if (c.queue >= 0) {
            f.put("offerTimeoutSeconds", routing.queues().get(c.queue).offerTimeoutMs() / 1000);
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
    private boolean earlierContacts(Conversation c, ObjectNode f) {
        List<ContactRecord> earlier = earlierContacts(c.id);
        if (earlier.isEmpty()) {
            return false;
        }
        ArrayNode list = f.put("earlierDays", settings.citizenHistoryDays()).putArray("earlier");
        for (ContactRecord r : earlier) {
            list.addObject().put("arrivedAt", r.arrivedAt()).put("channel", r.channel())
                    .put("queue", !r.lastQueue().isEmpty() ? r.lastQueue() : !r.queue().isEmpty() ? r.queue() : r.entry())
                    .put("outcome", r.outcome()).put("waitMs", r.waitMs()).put("agent", r.agent())
                    .put("wrapUpCode", r.wrapUpCode()).put("transfers", r.transfers()).put("callback", r.callback());
        }
        return true;
    }

    // ------------------------------------------------------------------ wallboard

    private void onWallboardFrame(Peer peer, String type, JsonNode frame) {
        switch (type) {
            case "subscribe" -> {
                // A wall display shows the shared token; a supervisor signs in by name (and may act).
                String name = frame.path("supervisor").asText("");
                if (!name.isEmpty()) {
                    if (!signIn(peer, "wallboard", name, wallboard.isSupervisor(name), frame.path("secret").asText(""), "unauthorised",
                            "Unknown supervisor or wrong secret.")) {
                        return;
                    }
                    peer.supervisor = name;
                    audit.record("wallboard", name, "signed-in", "", "");
                } else if (!secretMatches(settings.supervisorToken(), frame.path("token").asText(""))) {
                    refuseCredential(peer, "unauthorised", "Wrong supervisor token.");
                    return;
                }
                peer.subscribed = true;
                wallboard.subscribe(peer);
            }
            case "announce" -> announce(peer, frame);
            case "agent-state" -> supervisorSetsPresence(peer, frame);
            case "listen" -> ringSupervisorsPhone(peer, frame);
            case "ping" -> peer.send("{\"type\":\"pong\"}");
            default -> malformed(peer, "unknown type '" + type + "'");
        }
    }

    /**
     * A signed-in supervisor sets the service announcement ({@code prompt}: a prompt's name) or clears
     * it ({@code prompt} null or absent): the same journaled command as the admin API's, logged with
     * who gave it. A view-only page may not.
     */
    private void announce(Peer peer, JsonNode frame) {
        if (!peer.subscribed || peer.supervisor == null) {
            peer.send(error("forbidden", "Sign in as a supervisor to set the service announcement.").toString());
            return;
        }
        JsonNode given = frame.path("prompt");
        String prompt = given.isTextual() && !given.asText().isEmpty() ? given.asText() : null;
        int promptId = prompt == null ? -1 : routing.prompts().indexOf(prompt);
        if (prompt != null && promptId < 0) {
            malformed(peer, "unknown prompt '" + prompt + "'");
            return;
        }
        Command c = command(CommandType.ANNOUNCEMENT_SET, -1, -1);
        c.input = promptId;
        if (publish(c, peer)) {
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
            peer.send(error("forbidden", "Sign in as a supervisor to change an agent's state.").toString());
            return;
        }
        String name = frame.path("agent").asText("");
        Integer id = agentIds.get(name);
        if (id == null || !wallboard.supervises(peer.supervisor, name)) {
            peer.send(error("forbidden", "You do not supervise an agent named '" + name + "'.").toString());
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
            reason = routing.pauseReasonCode(frame.path("reason").asText());
        }
        if (to == null || reason < PauseReason.UNSPECIFIED) {
            malformed(peer, "agent-state needs state ready, paused (with a reason of " + routing.pauseReasons() + ") or logged-out");
            return;
        }
        if (changePresence(peer, agents[id], to, reason)) {
            audit.record("wallboard", peer.supervisor, "agent-state", name,
                    to == AgentState.PAUSED ? state + " " + routing.pauseReasonName(reason) : state);
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
            peer.send(error("forbidden", "Sign in as a supervisor to listen in on calls.").toString());
            return;
        }
        String agent = frame.path("agent").asText("");
        String mode = frame.path("mode").asText("listen");
        if (!wallboard.supervises(peer.supervisor, agent)) {
            peer.send(error("forbidden", "You do not supervise an agent named '" + agent + "'.").toString());
            return;
        }
        java.util.Optional<CallMonitoring> phones = context.service(CallMonitoring.class);
        if (phones.isEmpty()) {
            peer.send(error("no-phone", "No phone channel runs in this Loket.").toString());
            return;
        }
        String supervisor = peer.supervisor;
        Thread.ofVirtual().name("chat-monitor-" + supervisor).start(() -> {
            String refused = phones.get().ring(supervisor, agent, mode);
            audit.record("wallboard", supervisor, "monitor-" + mode, agent, refused == null ? "phone rung" : "refused: " + refused);
            peer.send(refused == null
                    ? json.createObjectNode().put("type", "ringing").put("agent", agent).put("mode", mode).toString()
                    : error("monitor-refused", refused).toString());
        });
    }

    /** The sign-in lockout (tests set its clock). Hub thread. */
    CredentialGuard credentialGuard() {
        return guard;
    }

    /** The supervisors' wallboard (its frame, today's figures, the seed from the journal). Hub thread. */
    Wallboard wallboard() {
        return wallboard;
    }

    /** Hub thread: one command with its decisions (copies), in journal order: today's figures. */
    void onCommand(Command command, Decision[] decisions) {
        String announced = wallboard.announcement();
        wallboard.onCommand(command, decisions);
        if (history != null) {
            history.accept(command, decisions, decisions.length);
        }
        mirror(command, decisions);
        announcementToDesktops(announced);
    }

    /** When the service announcement changed from {@code before}, every agent's desktop shows the new one (or none). */
    private void announcementToDesktops(String before) {
        if (Objects.equals(before, wallboard.announcement())) {
            return;
        }
        String frame = wallboard.announcementFrame().toString();
        for (AgentView a : agents) {
            if (a.desktop != null) {
                a.desktop.send(frame);
            }
        }
    }

    /**
     * The core's announcement, and its presences read after the hub's mirror was already fed (see
     * {@code ChatGateway.resyncFromCore}): where the hub's view differs, the core wins, except for
     * an agent with commands of the hub's own in flight. Those were applied when published and may
     * be newer than the read (a desk that paused while the core was asked); the mirror skips them
     * when they come back, so letting the read win would leave the older presence showing.
     */
    void resync(CoreView view) {
        String announced = wallboard.announcement();
        wallboard.announcementRead(view.announcement());
        announcementToDesktops(announced);
        Map<String, AgentView> byName = new HashMap<>();
        for (AgentView a : agents) {
            byName.put(a.name, a);
        }
        for (int i = 0; i < view.names().size(); i++) {
            AgentView a = byName.get(view.names().get(i));
            int reason = view.presence()[i] == AgentState.PAUSED.code() ? view.reason()[i] : PauseReason.UNSPECIFIED;
            if (a != null && a.ownInFlight == 0 && (a.presence != view.presence()[i] || a.reason != reason)) {
                presence(a, view.presence()[i], reason);
            }
        }
    }

    /** Agents' commands whose effect the hub shows: {@link #mirror}. */
    private static boolean mirrored(CommandType type) {
        return switch (type) {
            case AGENT_LOGGED_IN, AGENT_STATE_CHANGED, OFFER_ACCEPTED, OFFER_DECLINED, WRAP_UP_DONE -> true;
            default -> false;
        };
    }

    /**
     * An agent's command from any source, in journal order, moves the hub's views as it moved the
     * core (refused ones move nothing). The hub's own were applied when published: as many commands
     * as it has in flight for the agent are skipped. If another source's command comes back before
     * the hub's own, that one is skipped instead and the hub's own applied: its values are the
     * ones the core ended with, since it came later.
     */
    private void mirror(Command command, Decision[] decisions) {
        if (!mirrored(command.type) || command.agentId < 0 || command.agentId >= agents.length) {
            return;
        }
        AgentView a = agents[command.agentId];
        if (a.ownInFlight > 0) {
            a.ownInFlight--;
            return;
        }
        for (Decision d : decisions) {
            if (d.type == DecisionType.REJECT_COMMAND) {
                return;
            }
        }
        Conversation c = command.contactId >= 0 ? conversations.get(command.contactId) : null;
        boolean heldHere = c != null && c.agent == a.id && a.held.contains(c.id);
        switch (command.type) {
            case AGENT_LOGGED_IN -> {
                if (a.presence == AgentState.LOGGED_OUT.code()) {
                    presence(a, AgentState.READY.code(), PauseReason.UNSPECIFIED);
                }
            }
            case AGENT_STATE_CHANGED -> {
                a.logoutPending = false; // someone else (a phone, the admin API) decided otherwise
                int reason = command.agentState == AgentState.PAUSED.code() ? command.reason : PauseReason.UNSPECIFIED;
                if (a.presence != command.agentState || a.reason != reason) {
                    presence(a, command.agentState, reason);
                }
            }
            case OFFER_ACCEPTED -> {
                if (heldHere && c.phase == Phase.OFFERED) { // the agent answered the phone
                    c.phase = Phase.CONNECTED;
                    sendToDesktop(a.id, offerFrame(c, "conversation"));
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

    /** {@code a} took the contact: when it was an introduction, the agent who introduces it hears who joined. */
    private void joinedIntroduction(Conversation c, AgentView a) {
        if (c.introducing && c.stayingAgent >= 0) {
            sendToDesktop(c.stayingAgent, json.createObjectNode().put("type", "joined").put("contact", Long.toString(c.id)).put("agent", a.name));
        }
    }

    /** The agent's part in the contact is over (wrap-up recorded or ended elsewhere): off the desktop. */
    private void closeWrapUp(Conversation c, AgentView a) {
        c.phase = Phase.ENDED;
        a.held.remove(c.id);
        sendToDesktop(a.id, json.createObjectNode().put("type", "closed").put("contact", Long.toString(c.id)));
        shown(a);
        if (!c.ours) {
            conversations.remove(c.id); // another gateway's contact: nothing more to show of it
        }
    }

    /** Hub thread: the other gateways' contacts (calls) restored without their self-service path. */
    java.util.Set<Long> callsWithoutPath() {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        conversations.values().forEach(c -> {
            if (!c.ours && c.path.isEmpty()) {
                ids.add(c.id);
            }
        });
        return ids;
    }

    /** Hub thread: restored calls get their path from the journal; the agent holding one sees it. */
    void callPathsRead(Map<Long, CallPaths.Path> paths) {
        paths.forEach((id, path) -> {
            Conversation c = conversations.get(id);
            if (c == null || c.ours || !c.path.isEmpty()) {
                return;
            }
            c.path.addAll(path.nodes());
            c.topic = path.topic();
            if (c.agent >= 0 && c.phase != Phase.OFFERED) {
                sendToDesktop(c.agent, offerFrame(c, "conversation"));
            }
        });
    }

    // ------------------------------------------------------------------ decisions

    /** A copy of a decision, in decision order. */
    void onDecision(Decision d) {
        switch (d.type) {
            case ANNOUNCE -> onAnnounce(d);
            case PLAY_PROMPT -> onPrompt(d);
            case QUEUE_CONTACT -> onQueued(d);
            case OFFER_CONTACT -> onOffer(d);
            case RETRACT_OFFER -> onRetract(d);
            case AGENT_STATE -> {
                if (d.agentId >= 0 && d.agentId < agents.length) {
                    wrapUpsTimedOut(agents[d.agentId], d.timestampNs);
                    Conversation c = d.contactId >= 0 ? conversations.get(d.contactId) : null;
                    if (c != null && !c.ours && c.phase == Phase.ENDED && agents[d.agentId].held.contains(c.id)) {
                        closeWrapUp(c, agents[d.agentId]); // a call's wrap-up limit: its code can no longer be recorded
                    }
                    presence(agents[d.agentId], d.agentState, d.reason);
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

    private Conversation conversation(Decision d) {
        return conversations.computeIfAbsent(d.contactId, id -> new Conversation(id, -1, false));
    }

    /** The operator's service announcement, before the chatbot's first step: shown, and in the transcript the agent gets. */
    private void onAnnounce(Decision d) {
        Conversation c = conversation(d);
        String text = promptText(routing.prompts().get(d.promptId), Math.max(0, d.languageId));
        c.say("notice", text);
        if (c.ours && c.citizen != null) {
            c.citizen.send(json.createObjectNode().put("type", "announcement").put("text", text).toString());
        }
    }

    private void onPrompt(Decision d) {
        Conversation c = conversation(d);
        if (d.nodeId < 0) {
            // A message of no flow node: the queue is closed (an operator's emergency closure or its
            // business hours); the conversation ends after it.
            String text = promptText(routing.prompts().get(d.promptId), Math.max(0, d.languageId));
            c.say("bot", text);
            if (c.ours && c.citizen != null) {
                c.citizen.send(json.createObjectNode().put("type", "bot").put("text", text).put("final", true).toString());
            }
            return;
        }
        FlowNode node = routing.flowNodes().get(d.nodeId);
        if (c.path.isEmpty() || c.language != Math.max(0, d.languageId)) {
            c.record(TranscriptStore.Kind.LANGUAGE, languageCode(Math.max(0, d.languageId)), 0);
        }
        c.language = Math.max(0, d.languageId);
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
        String text = promptText(routing.prompts().get(node.promptId()), c.language);
        c.say("bot", text);
        ObjectNode frame = botFrame(c, node, text, (d.flags & Decision.FLAG_FINAL) != 0);
        if (c.citizen != null) {
            c.citizen.send(frame.toString());
        }
    }

    /** The bot's frame for a flow node: its text, and for a menu the buttons (then kept as the last prompt, for a resume). */
    private ObjectNode botFrame(Conversation c, FlowNode node, String text, boolean last) {
        ObjectNode frame = json.createObjectNode().put("type", "bot").put("text", text).put("node", node.name())
                .put("final", last);
        if (node.nextByInput() != null && (node.kind() == FlowNode.Kind.MENU || node.kind() == FlowNode.Kind.LANGUAGE)) {
            ArrayNode options = frame.putArray("options");
            for (int input = 0; input < FlowNode.INPUTS; input++) {
                int next = node.nextByInput()[input];
                if (next < 0) {
                    continue;
                }
                FlowNode target = routing.flowNodes().get(next);
                String label = node.kind() == FlowNode.Kind.LANGUAGE && node.languageByInput()[input] >= 0
                        ? languageName(node.languageByInput()[input])
                        : label(target.name()) + (target.kind() == FlowNode.Kind.QUEUE
                                ? ("nl".equals(languageCode(c.language)) ? " – medewerker" : " – talk to an agent") : "");
                options.addObject().put("input", input).put("key", inputName(input)).put("label", label);
            }
            c.lastPrompt = frame;
        }
        return frame;
    }

    private void onQueued(Decision d) {
        Conversation c = conversation(d);
        if (c.queue >= 0) {
            queues[c.queue].waiting.remove(c);
        }
        if (c.joinedNs < 0) {
            c.joinedNs = d.timestampNs;
        }
        if (c.channel < 0) {
            c.channel = routing.queues().get(d.queueId).channel().code();
        }
        QueueView q = queues[d.queueId];
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
            FlowNode menu = routing.flowNodes().get(c.node);
            int leaf = c.lastInput >= 0 && menu.nextByInput() != null ? menu.nextByInput()[c.lastInput]
                    : leafTo(menu, d.queueId);
            if (leaf >= 0 && routing.flowNodes().get(leaf).kind() == FlowNode.Kind.QUEUE) {
                FlowNode queueLeaf = routing.flowNodes().get(leaf);
                c.path.add(queueLeaf.name());
                c.topic = queueLeaf.name();
                c.record(TranscriptStore.Kind.PATH, queueLeaf.name(), 0);
                c.record(TranscriptStore.Kind.TOPIC, c.topic, 0);
                if (c.ours) {
                    String text = promptText(routing.prompts().get(queueLeaf.promptId()), c.language);
                    c.say("bot", text);
                    if (c.citizen != null) {
                        c.citizen.send(json.createObjectNode().put("type", "bot").put("text", text).put("node", queueLeaf.name())
                                .put("final", false).toString());
                    }
                }
            } else {
                c.topic = "fallback from " + menu.name();
                c.record(TranscriptStore.Kind.TOPIC, c.topic, 0);
            }
            c.node = -1;
        }
        wallboard.changed();
        if (c.citizen != null) {
            c.position = -1;
            sendPosition(c);
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
        int channel = routing.queues().get(queue).channel().code();
        int found = -1;
        for (int next : menu.nextByInput()) {
            if (next >= 0 && next != found && routing.flowNodes().get(next).kind() == FlowNode.Kind.QUEUE
                    && routing.flowNodes().get(next).queueFor(channel) == queue) {
                if (found >= 0) {
                    return -1;
                }
                found = next;
            }
        }
        return found;
    }

    private void onOffer(Decision d) {
        Conversation c = conversation(d);
        if (c.queue >= 0) {
            queues[c.queue].waiting.remove(c);
        }
        if (c.queue != d.queueId || c.joinedNs < 0) {
            c.queue = d.queueId;
            if (c.joinedNs < 0) {
                c.joinedNs = d.timestampNs;
            }
        }
        if (c.channel < 0) {
            c.channel = routing.queues().get(d.queueId).channel().code();
        }
        QueueView q = queues[d.queueId];
        if (q.lastOfferNs >= 0) {
            double intervalMs = (d.timestampNs - q.lastOfferNs) / 1e6;
            q.offerIntervalMs = q.offerIntervalMs < 0 ? intervalMs : 0.8 * q.offerIntervalMs + 0.2 * intervalMs;
        }
        q.lastOfferNs = d.timestampNs;
        c.phase = Phase.OFFERED;
        c.agent = d.agentId;
        c.lastOfferNs = d.timestampNs;
        c.introducing = (d.flags & Decision.FLAG_INTRODUCE) != 0;
        AgentView a = agents[d.agentId];
        a.held.add(c.id);
        shown(a);
        sendToDesktop(a.id, offerFrame(c, "offer").put("callback", (d.flags & Decision.FLAG_CALLBACK) != 0)
                .put("introduce", (d.flags & Decision.FLAG_INTRODUCE) != 0)); // the first agent stays on to introduce the caller
    }

    /**
     * An escalation step acted on a waiting contact. An overflow moves it to the other queue in the
     * place its join time gives it (wallboard, positions, agent views follow); a callback step offers
     * our waiting chat citizen a reply later. A widening changes nothing anyone sees here; a close
     * step's message and end follow as their own decisions.
     */
    private void onEscalate(Decision d) {
        Conversation c = conversations.get(d.contactId);
        EscalationStep.Action action = EscalationStep.Action.ofCode(d.reason);
        if (c == null || action == null) {
            return;
        }
        if (action == EscalationStep.Action.OVERFLOW && d.queueId >= 0 && d.queueId < queues.length && d.queueId != c.queue) {
            if (c.queue >= 0) {
                queues[c.queue].waiting.remove(c);
            }
            QueueView q = queues[d.queueId];
            c.queue = d.queueId;
            c.rankNs = c.joinedNs - c.priority * q.agingStepNs;
            if (c.phase == Phase.WAITING) {
                q.waiting.add(c);
            }
            c.say("system", "moved to " + q.spec.name());
            wallboard.changed();
            if (c.citizen != null && c.phase == Phase.WAITING) {
                c.position = -1;
                sendPosition(c);
            }
        } else if (action == EscalationStep.Action.OFFER_CALLBACK && c.ours && c.channel == Channel.CHAT.code()
                && c.phase == Phase.WAITING && !c.callback) {
            c.callbackOffered = true;
            counters.callbackOffers.increment();
            String text = CALLBACK_OFFER.getOrDefault(languageCode(c.language), CALLBACK_OFFER.get("en"));
            c.say("bot", text);
            if (c.citizen != null) {
                c.citizen.send(json.createObjectNode().put("type", "callback-offer").put("text", text).toString());
            }
        }
    }

    private void onCallbackScheduled(Decision d) {
        Conversation c = conversations.get(d.contactId);
        if (c == null || !c.ours) {
            return;
        }
        c.callback = true;
        c.record(TranscriptStore.Kind.CALLBACK, null, 0);
        String text = CALLBACK_CONFIRMED.getOrDefault(languageCode(c.language), CALLBACK_CONFIRMED.get("en"));
        c.say("bot", text);
        if (c.citizen != null) {
            c.citizen.send(json.createObjectNode().put("type", "callback-scheduled").put("text", text).toString());
        }
    }

    /**
     * The core ended after-contact work that ran past its queue's limit (it says so with an
     * AGENT_STATE): those contacts no longer need a WRAP_UP_DONE; the desktop still records a code.
     */
    private void wrapUpsTimedOut(AgentView a, long nowNs) {
        for (long id : a.held) {
            Conversation c = conversations.get(id);
            if (c != null && c.phase == Phase.WRAP_UP && c.queue >= 0
                    && nowNs - c.endedNs >= routing.queues().get(c.queue).maxWrapUpMs() * 1_000_000L) {
                c.phase = Phase.ENDED;
            }
        }
    }

    private void onRetract(Decision d) {
        returnToWaiting(conversation(d), d.agentId >= 0 && d.agentId < agents.length ? agents[d.agentId] : null, true);
    }

    /** An offer ended without an answer (retracted, declined): the contact waits in its queue again. */
    private void returnToWaiting(Conversation c, AgentView offeredTo, boolean tellDesktop) {
        if (offeredTo != null) {
            offeredTo.held.remove(c.id);
            if (tellDesktop) {
                sendToDesktop(offeredTo.id, json.createObjectNode().put("type", "retracted").put("contact", Long.toString(c.id)));
            }
            shown(offeredTo);
        }
        c.agent = -1;
        c.phase = Phase.WAITING;
        if (c.queue >= 0) {
            queues[c.queue].waiting.add(c);
        }
    }

    private void onTransfer(Decision d) {
        Conversation c = conversation(d);
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
        if (d.agentId >= 0 && d.agentId < agents.length) {
            AgentView a = agents[d.agentId];
            if (warm) {
                c.stayingAgent = a.id; // the card stays on the desktop: the agent talks on until released
            } else {
                a.held.remove(c.id);
            }
            sendToDesktop(a.id, json.createObjectNode().put("type", "transferred").put("contact", Long.toString(c.id))
                    .put("queue", routing.queues().get(d.queueId).name()).put("warm", warm)
                    .put("introduce", (d.flags & Decision.FLAG_INTRODUCE) != 0));
            shown(a);
        }
        c.agent = -1;
        c.say("system", "transferred to " + routing.queues().get(d.queueId).name() + (warm ? " (warm)" : ""));
        if (c.citizen != null) {
            c.citizen.send(json.createObjectNode().put("type", "transferring").put("warm", warm).toString());
        }
    }

    /**
     * The first agent of a warm transfer is free of the conversation: the next agent took it, it
     * ended, or they left; or the agent who took an introduction left it, and the first has it again.
     */
    private void onReleased(Decision d) {
        if (d.agentId < 0 || d.agentId >= agents.length) {
            return;
        }
        AgentView a = agents[d.agentId];
        Conversation c = conversations.get(d.contactId);
        if (c != null && d.reason == ReleaseReason.RETURNED && c.stayingAgent >= 0) {
            AgentView introducer = agents[c.stayingAgent];
            c.agent = introducer.id;
            c.stayingAgent = -1;
            c.introducing = false;
            c.say("system", a.name + " left; back with " + introducer.name);
            if (c.citizen != null) {
                c.citizen.send("{\"type\":\"agent-left\",\"returned\":true}"); // the first agent is still with them
            }
            sendToDesktop(introducer.id, offerFrame(c, "conversation").put("returnedBy", a.name)); // a plain conversation card again
            shown(introducer);
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
                sendToDesktop(c.agent, offerFrame(c, "conversation")); // the introduced agent's card: theirs alone now
                c.say("system", a.name + " left after the introduction");
                if (c.citizen != null) {
                    c.citizen.send("{\"type\":\"agent-left\",\"introduced\":true}"); // the colleague stays with them
                }
            }
        }
        if (c == null || c.agent != a.id) { // offered back and accepted: the agent keeps it
            a.held.remove(d.contactId);
            sendToDesktop(a.id, json.createObjectNode().put("type", "released").put("contact", Long.toString(d.contactId))
                    .put("reason", ReleaseReason.name(d.reason).toLowerCase(Locale.ROOT).replace('_', '-')));
        }
        shown(a);
    }

    private void onEnd(Decision d) {
        Conversation c = conversations.get(d.contactId);
        int queue = d.queueId; // today's figures move with this contact's command (onCommand marks the wallboard)
        if (c == null) {
            return;
        }
        if (c.queue >= 0) {
            queues[c.queue].waiting.remove(c);
        }
        c.outcome = d.outcome;
        c.endedMs = System.currentTimeMillis();
        c.endedNs = d.timestampNs;
        boolean wrapUp = d.outcome == Outcome.ANSWERED && queue >= 0 && routing.queues().get(queue).maxWrapUpMs() > 0;
        c.phase = wrapUp ? Phase.WRAP_UP : Phase.ENDED;
        if (d.agentId >= 0 && d.agentId < agents.length) {
            AgentView a = agents[d.agentId];
            if (d.outcome == Outcome.ANSWERED && (c.ours || wrapUp)) {
                // the desktop asks for a wrap-up code; the contact stays on it until then (a call's
                // until its wrap-up ends: recorded here or from the phone, or its limit)
                sendToDesktop(a.id, json.createObjectNode().put("type", "ended").put("contact", Long.toString(c.id)));
            } else {
                a.held.remove(c.id);
                sendToDesktop(a.id, json.createObjectNode().put("type", "closed").put("contact", Long.toString(c.id)));
            }
            shown(a);
        }
        if (!c.ours) {
            if (!wrapUp) {
                conversations.remove(c.id);
            }
            return;
        }
        c.say("system", "ended: " + Outcome.name(d.outcome));
        c.record(TranscriptStore.Kind.ENDED, Outcome.name(d.outcome), d.outcome);
        if (c.citizen != null) {
            c.citizen.send(json.createObjectNode().put("type", "ended").put("outcome", Outcome.name(d.outcome)).toString());
        }
        toWebhook(c, "outcome", n -> n.put("outcome", Outcome.name(d.outcome)));
    }

    private void onReject(Decision d) {
        Conversation c = d.contactId >= 0 ? conversations.get(d.contactId) : null;
        if (c != null && c.pendingNotes != null && d.commandType == CommandType.TRANSFER_REQUESTED.code()) {
            c.pendingNotes.poll(); // not transferred: its note does not travel
        }
        boolean ourAgent = d.agentId >= 0 && d.agentId < agents.length && agents[d.agentId].desktop != null;
        if ((c == null || !c.ours) && !ourAgent) {
            return;
        }
        counters.rejectedByCore.increment();
        CommandType type = CommandType.ofCode(d.commandType);
        ObjectNode frame = json.createObjectNode().put("type", "refused")
                .put("command", type == null ? "unknown" : type.name().toLowerCase(Locale.ROOT))
                .put("reason", RejectReason.name(d.reason));
        if (c != null) {
            frame.put("contact", Long.toString(c.id));
        }
        if (ourAgent) {
            sendToDesktop(d.agentId, frame);
            if (type == CommandType.AGENT_LOGGED_IN || type == CommandType.AGENT_STATE_CHANGED) {
                // the core is the authority on presence; ask the agent to choose again
                sendState(agents[d.agentId]);
            }
        }
        if (c != null && c.ours && type == CommandType.CONTACT_ARRIVED) {
            // refused at the door: the journal holds the refusal with its reason
            c.record(TranscriptStore.Kind.ENDED, "refused: " + RejectReason.name(d.reason), -1);
            c.phase = Phase.ENDED;
            c.endedMs = System.currentTimeMillis();
            if (c.citizen != null) {
                c.citizen.send(frame.toString());
            }
            if (c.tokenHash != null) {
                byToken.remove(c.tokenHash);
            }
            conversations.remove(c.id);
        }
    }

    // ------------------------------------------------------------------ positions and housekeeping

    private static final Comparator<Conversation> QUEUE_ORDER = Comparator.<Conversation>comparingLong(c -> c.rankNs)
            .thenComparingLong(c -> c.joinedNs).thenComparingLong(c -> c.id);

    /** Position and estimated wait of every waiting citizen, sent when they change. */
    private void updatePositions() {
        for (QueueView q : queues) {
            if (q.waiting.isEmpty()) {
                continue;
            }
            List<Conversation> order = new ArrayList<>(q.waiting);
            order.sort(QUEUE_ORDER);
            int position = 0;
            for (Conversation c : order) {
                position++;
                if (c.citizen != null && c.position != position) {
                    c.position = position;
                    sendPosition(c);
                }
            }
        }
    }

    private void sendPosition(Conversation c) {
        QueueView q = queues[c.queue];
        if (c.position < 0) {
            int ahead = 0;
            for (Conversation other : q.waiting) {
                if (other != c && QUEUE_ORDER.compare(other, c) < 0) {
                    ahead++;
                }
            }
            c.position = ahead + 1;
        }
        c.ewtSeconds = estimatedWaitSeconds(q, c);
        c.citizen.send(json.createObjectNode().put("type", "queued").put("queue", q.spec.name())
                .put("position", c.position).put("estimatedWaitSeconds", c.ewtSeconds).toString());
    }

    /**
     * Position times the observed interval between offers from the queue (smoothed); before any
     * offer, the core's estimate when the contact queued, less the time waited since; without one,
     * two minutes per contact shared over the qualified agents who are ready.
     */
    private long estimatedWaitSeconds(QueueView q, Conversation c) {
        int position = c.position;
        if (q.offerIntervalMs > 0) {
            return Math.round(position * q.offerIntervalMs / 1000);
        }
        if (c.coreEstimateMs >= 0) {
            long waitedMs = Math.max(0, System.currentTimeMillis() - c.coreEstimateAtNs / 1_000_000L);
            return Math.max(0, (c.coreEstimateMs - waitedMs) / 1000);
        }
        int ready = 0;
        for (int a : q.qualified) {
            if (agents[a].presence == AgentState.READY.code()) {
                ready++;
            }
        }
        return position * 120L / Math.max(1, ready);
    }

    /** Citizens who did not come back in time leave; ended conversations are forgotten. */
    private void sweep() {
        long now = System.currentTimeMillis();
        for (Iterator<Conversation> it = conversations.values().iterator(); it.hasNext(); ) {
            Conversation c = it.next();
            if (!c.ours || c.channel != Channel.CHAT.code()) {
                continue;
            }
            if (c.phase == Phase.ENDED && now - c.endedMs > ENDED_KEEP_MS && c.agent < 0) {
                if (c.tokenHash != null) {
                    byToken.remove(c.tokenHash);
                }
                it.remove();
            } else if (c.citizen == null && c.expiresMs > 0 && c.expiresMs < now && c.tokenHash != null) {
                citizenLeft(c);
            }
        }
    }

    // ------------------------------------------------------------------ texts

    private String promptText(String key, int language) {
        Map<String, String> texts = promptTexts.getOrDefault(key, Map.of());
        String text = texts.get(languageCode(language));
        return text != null ? text : texts.getOrDefault(routing.languages().get(0), key);
    }

    private String languageCode(int language) {
        return language >= 0 && language < routing.languages().size() ? routing.languages().get(language) : routing.languages().get(0);
    }

    private String languageName(int language) {
        String code = languageCode(language);
        return switch (code) {
            case "nl" -> "Nederlands";
            case "en" -> "English";
            default -> code;
        };
    }

    /** A button label from a node name: "to-login" → "login", "application-menu" → "application". */
    static String label(String nodeName) {
        String s = nodeName;
        for (String prefix : new String[] {"to-", "info-"}) {
            if (s.startsWith(prefix)) {
                s = s.substring(prefix.length());
            }
        }
        if (s.endsWith("-menu")) {
            s = s.substring(0, s.length() - "-menu".length());
        }
        return s.replace('-', ' ');
    }

    static String inputName(int input) {
        return input == 10 ? "*" : input == 11 ? "#" : Integer.toString(input);
    }

    // ------------------------------------------------------------------ queries (tests)

    Map<String, Object> describe(long contactId) {
        Conversation c = conversations.get(contactId);
        Map<String, Object> m = new LinkedHashMap<>();
        if (c != null) {
            m.put("phase", c.phase);
            m.put("queue", c.queue);
            m.put("agent", c.agent);
            m.put("path", List.copyOf(c.path));
        }
        return m;
    }

    /** The earlier contacts the desktop shows with this contact, newest first (hub thread). */
    List<ContactRecord> earlierContacts(long contactId) {
        return history == null ? List.of() : history.before(contactId);
    }

    int conversationCount() {
        return conversations.size();
    }

    String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        // Run what was handed over before the stop (lines said, decisions copied), so the transcript
        // store gets every line; the periodic tasks are dropped.
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("chat hub did not finish its tasks within 5 s; stopping it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
    }
}
