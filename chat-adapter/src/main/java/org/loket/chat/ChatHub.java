package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.host.gateway.GatewayContext;
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
 * <p>The hub is this thread and the way in; the work is done by its parts over one shared
 * {@link HubState}: {@link Citizens} (web chat, the chatbot, work items, positions), {@link Desks}
 * (agents' desktops and the mirror of agents on other gateways), {@link Supervisors} (the
 * wallboard's sign-in and actions, with {@link SignIn}), {@link CoreDecisions} (the core's
 * decisions, shown) and {@link HubRestart} (what comes back after a restart). A new kind of frame
 * goes to the part of its peer; a new decision to {@link CoreDecisions}.
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

    private final HubState hub;
    private final SignIn signIn;
    private final Citizens citizens;
    private final AgentSessions agentSessions;
    private final Desks desks;
    private final Supervisors supervisors;
    private final CoreDecisions decisions;
    private final HubRestart restart;
    private final ScheduledExecutorService thread;

    /**
     * @param context the host's: publisher, configuration in force, the operators' audit, and the
     *                services other gateways offer (the phone channel's {@code CallMonitoring})
     */
    ChatHub(ChatSettings settings, GatewayContext context, ChatCounters counters, Webhook webhook, TranscriptStore store) {
        hub = new HubState(settings, context.config(), context.publisher(), counters, webhook, store);
        signIn = new SignIn(hub, context.audit());
        citizens = new Citizens(hub);
        agentSessions = new AgentSessions(hub, signIn);
        desks = new Desks(hub, agentSessions);
        supervisors = new Supervisors(hub, signIn, desks, context);
        decisions = new CoreDecisions(hub, desks, citizens);
        restart = new HubRestart(hub, desks, citizens);
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loket-chat-hub");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(() -> run(() -> {
            citizens.updatePositions();
            citizens.sweep();
            supervisors.sweep();
            agentSessions.sessions().sweep();
        }), settings.positionUpdateMs(), settings.positionUpdateMs(), TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(() -> run(hub.wallboard::push), settings.wallboardUpdateMs(), settings.wallboardUpdateMs(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * An empty history of the configured depth (null: none) in {@code zone}.
     *
     * @param inForce the configuration in force before the first command fed, or null when the stream brings it
     */
    static CitizenHistory newHistory(ChatSettings settings, ZoneId zone, RoutingConfig inForce) {
        return settings.citizenHistoryDays() == 0 ? null : new CitizenHistory(zone, inForce,
                Duration.ofDays(settings.citizenHistoryDays()), CitizenHistory.DEFAULT_MAX_PER_CITIZEN);
    }

    static boolean wants(Decision decision) {
        return decision.type != null;
    }

    /** Runs {@code task} on the hub thread; an exception is logged once with context and the hub carries on. */
    void execute(Runnable task) {
        thread.execute(() -> run(task));
    }

    /** The conversations by contact id (tests read them, on the hub thread). */
    java.util.Map<Long, Conversation> conversations() {
        return hub.conversations;
    }

    /** Forgets what ended a while ago and closes idle chats, as the hub's timer does (tests call it, on the hub thread). */
    void sweepCitizens() {
        citizens.sweep();
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

    // ------------------------------------------------------------------ in: frames, commands, decisions, configuration

    /** A frame of any peer, already parsed as a JSON object with a text field "type". Hub thread. */
    void onFrame(Peer peer, JsonNode frame) {
        String type = frame.path("type").asText();
        switch (peer.kind) {
            case CITIZEN -> citizens.onFrame(peer, type, frame);
            case AGENT -> desks.onFrame(peer, type, frame);
            case WALLBOARD -> supervisors.onFrame(peer, type, frame);
        }
    }

    /** A peer's connection closed. Hub thread. */
    void onClosed(Peer peer) {
        switch (peer.kind) {
            case CITIZEN -> citizens.closed(peer);
            case AGENT -> desks.closed(peer);
            case WALLBOARD -> hub.wallboard.unsubscribe(peer);
        }
    }

    /**
     * An e-mail or social-media contact from {@code POST /api/v1/work-items}: see
     * {@link Citizens#acceptWorkItem}. Hub thread.
     */
    Citizens.WorkItem acceptWorkItem(Channel channel, String externalId, String from, String subject, String body, String preferredAgent) {
        return citizens.acceptWorkItem(channel, externalId, from, subject, body, preferredAgent);
    }

    /** Whether {@code name} may read a transcript: see {@link SignIn#transcriptReader}. Hub thread. */
    SignIn.Verdict transcriptReader(String name, String secret, String address, long contact) {
        return signIn.transcriptReader(name, secret, address, contact);
    }

    /** Any thread: an audit line written on the sign-in's writer ({@link SignIn#audited}); done when it is on disk. */
    CompletableFuture<Void> audited(String via, String actor, String action, String target, String detail) {
        return signIn.audited(via, actor, action, target, detail);
    }

    /** Hub thread: one command with its decisions (copies), in journal order: today's figures, the history, the mirror. */
    void onCommand(Command command, Decision[] decisions) {
        String announced = hub.wallboard.announcement();
        hub.wallboard.onCommand(command, decisions);
        if (hub.history != null) {
            hub.history.accept(command, decisions, decisions.length);
        }
        desks.mirror(command, decisions);
        desks.announcementToDesktops(announced);
    }

    /** A copy of a decision, in decision order. Hub thread. */
    void onDecision(Decision d) {
        decisions.onDecision(d);
    }

    /** The next configuration is in force from here on in decision order: see {@link HubState#configApplied}. Hub thread. */
    void configApplied(LoadedConfig next) {
        hub.configApplied(next);
        desks.welcomeAll();
        LOG.info("chat: configuration version {} in force", next.routing().version());
    }

    // ------------------------------------------------------------------ restart: see HubRestart

    int restore(Map<Long, HubRestart.LiveContact> live, TranscriptStore.Restart stored, HubRestart.CoreView view) {
        int restored = restart.restore(live, stored, view);
        agentSessions.restored(); // the agents show the core's presences now
        return restored;
    }

    void resync(HubRestart.CoreView view) {
        restart.resync(view);
    }

    void journalSeeded(TodayKpis kpis, CitizenHistory seededHistory) {
        restart.journalSeeded(kpis, seededHistory);
    }

    Set<Long> callsWithoutPath() {
        return restart.callsWithoutPath();
    }

    void callPathsRead(Map<Long, CallPaths.Path> paths) {
        restart.callPathsRead(paths);
    }

    // ------------------------------------------------------------------ queries (the gateway, tests)

    /** The sign-in lockout, which the chat server's HTTP tokens share (thread-safe; tests set its clock). */
    CredentialGuard credentialGuard() {
        return signIn.guard();
    }

    /** The wallboard pages' supervisors (tests set the clock of their sessions). Hub thread. */
    Supervisors supervisors() {
        return supervisors;
    }

    /** The agents' desktop sessions (tests set their clock). Hub thread. */
    AgentSessions agentSessions() {
        return agentSessions;
    }

    /** The supervisors' wallboard (its frame, today's figures, the seed from the journal). Hub thread. */
    Wallboard wallboard() {
        return hub.wallboard;
    }

    /** What the hub holds of a contact (tests): phase, queue, agent, path, and its transcript's texts. Hub thread. */
    Map<String, Object> describe(long contactId) {
        Conversation c = hub.conversations.get(contactId);
        Map<String, Object> m = new LinkedHashMap<>();
        if (c != null) {
            m.put("phase", c.phase);
            m.put("queue", c.queue);
            m.put("agent", c.agent);
            m.put("path", List.copyOf(c.path));
            m.put("transcript", c.transcript == null ? List.of() : c.transcript.stream().map(Conversation.Line::text).toList());
        }
        return m;
    }

    /** The earlier contacts the desktop shows with this contact, newest first (hub thread). */
    List<ContactRecord> earlierContacts(long contactId) {
        return hub.earlierContacts(contactId);
    }

    /** The contacts the hub holds (tests). Hub thread. */
    Set<Long> conversationIds() {
        return Set.copyOf(hub.conversations.keySet());
    }

    int conversationCount() {
        return hub.conversations.size();
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
        supervisors.close(); // the hub thread is done with them: their files get the last state
        agentSessions.sessions().close();
        signIn.close(); // after the agents' sessions, whose audit lines it writes
    }
}
