package org.loket.telephony;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.StaticMappingStrategy;
import org.asteriskjava.util.ServerSocketFacade;
import org.asteriskjava.util.SocketConnectionFacade;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.QueueSpec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.Outcome;
import org.loket.host.gateway.Gateway;
import org.loket.host.gateway.GatewayContext;
import org.loket.host.pipeline.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phone channel: a FastAGI server (a virtual thread per call) that renders the core's
 * decisions for each caller, and an AMI link for agents' device state, answers and callbacks.
 * Translation only: every routing choice is the core's.
 * <p>Threads: {@link #onDecision} runs on the engine's egress thread and only hands copies to a
 * call's mailbox or to the action executor; it never blocks. AMI events arrive on asterisk-java's
 * reader thread and are only translated and published.
 * <p>Reloads: {@link #onConfigApplied} swaps the {@link Directory} on egress, in decision order. Each
 * decision reaches its call's session with the directory it was made under, so a session reads its
 * ids with the right names however late it takes the decision; what the adapter publishes resolves
 * names with the directory in force when it publishes (a new agent id, a new entry id). Calls in
 * progress keep going. Asterisk's own configuration (dialplan, PJSIP endpoints, prompt sound files)
 * comes from {@code loket asterisk-config} at provisioning: a new agent's endpoint, a new number or
 * a new prompt needs it re-run and Asterisk reloaded; this class never rewrites Asterisk.
 */
public final class TelephonyGateway implements Gateway, AgiScript {
    private static final Logger LOG = LoggerFactory.getLogger(TelephonyGateway.class);

    private final TelephonySettings settings;
    /** The names and ids of the configuration in force on egress; replaced (never changed) by {@link #onConfigApplied}. */
    private volatile Directory directory;
    private Calls calls;
    /** Egress thread only: the current command's decisions per call, handed over at its end. */
    private final Map<CallSession, List<CallSession.Mail>> pending = new LinkedHashMap<>();
    private org.loket.host.gateway.Pseudonyms pseudonyms;
    private VirtualThreadAgiServer agiServer;
    /** The FastAGI socket {@link #bind} bound, until {@link #start} serves on it. */
    private ServerSocketFacade agiBound;
    private AmiLink ami;
    /** Call-taking agents the core held logged in when the gateway started ({@link #seedFromCore}). */
    private List<String> loggedInAtStart = List.of();
    /** Call-taking agents whose voice the core held off when the gateway started (their phones did not answer). */
    private List<String> voiceOffAtStart = List.of();
    /** The prompt of the service announcement the core held when the gateway started, or null. */
    private String announcementAtStart;
    /** The calls of a previous process the core still held at start ({@link #endContactsLeftAtRestart} or {@link #seedFromCore}). */
    private volatile CallsLeftAtRestart leftAtRestart = CallsLeftAtRestart.none();
    /** Whether {@link #endContactsLeftAtRestart} ran (then {@link #prepare} only counts what it ended). */
    private boolean leftoversEnded;
    /** The ends {@link #endContactsLeftAtRestart} published, for the counters {@link #prepare} makes. */
    private int lostAtRestart;
    /** The offers {@link #endContactsLeftAtRestart} found answered, and the rings it stopped (counters likewise). */
    private int answeredAtRestart;
    private int ringsStoppedAtRestart;
    /** Agents whose phone is in a call Loket did not make: paused until it is free. */
    private final PhonesInUse phonesInUse = new PhonesInUse();
    private final DeadPhonePauses deadPhones = new DeadPhonePauses();
    /** The agents {@link #endContactsLeftAtRestart} paused so (counted by {@link #prepare}). */
    private int phonesInUseAtRestart;
    /** Connections the FastAGI socket holds before they are accepted (asterisk-java's own figure). */
    private static final int AGI_BACKLOG = 200;

    /** How long the start waits for Asterisk to say what the offers' agents' phones and the ready agents' phones do. */
    static final long PROBE_TIMEOUT_MS = 5_000;
    /** Opens the AMI session that asks about them ({@link AmiProbe}; tests set a fake). */
    private java.util.concurrent.Callable<CallsLeftAtRestart.Phones> openPhones;
    /** Opened at the first need ({@link #callbackStore}); null without {@code telephony.callbackFolder}. */
    private CallbackStore callbackStore;
    private final ExecutorService actions = Executors.newVirtualThreadPerTaskExecutor();
    private final MonitoringLog monitoringLog;

    TelephonyGateway(TelephonySettings settings) {
        this.settings = settings;
        this.openPhones = () -> AmiProbe.open(settings);
        this.monitoringLog = new MonitoringLog(settings.monitoringLog(), settings.monitoringLogRetentionDays());
    }

    @Override
    public String name() {
        return "telephony";
    }

    @Override
    public String whereToReach() {
        return "FastAGI agi://" + settings.agiBind() + ":" + settings.agiPort() + " (Asterisk's dialplan), AMI "
                + settings.amiUser() + "@" + settings.amiHost() + ":" + settings.amiPort();
    }

    /**
     * Ends the calls of the previous process that no session can own ({@link CallsLeftAtRestart}),
     * stamped as of recovery, before the timers that fell due while Loket was down; pauses ready
     * agents whose phone is in a call Loket did not make ({@link PhonesInUse}) before anything is
     * offered to them.
     */
    @Override
    public void endContactsLeftAtRestart(Engine engine) throws Exception {
        Set<Long> kept = keptCallbackIds();
        CallsLeftAtRestart left = engine.queryAsOfRecovery(core -> CallsLeftAtRestart.read(core, kept)).get(30, TimeUnit.SECONDS);
        Map<String, Integer> ready = engine.queryAsOfRecovery(phonesInUse::readAtRestart).get(30, TimeUnit.SECONDS);
        Set<String> inCall = left.anyOffered() || !ready.isEmpty() ? askAsterisk(left, ready.keySet()) : Set.of();
        phonesInUseAtRestart = phonesInUse.pauseAtRestart(ready, inCall, out -> engine.tryPublishAsOfRecovery(Calls.FILL, out));
        answeredAtRestart = left.acceptAnswered(out -> engine.tryPublishAsOfRecovery(Calls.FILL, out));
        lostAtRestart = left.endOrphans(out -> engine.tryPublishAsOfRecovery(Calls.FILL, out));
        leftAtRestart = left;
        leftoversEnded = true;
    }

    /** What one AMI session at the start found: the offers' legs, and the ready agents whose phones have a channel up. */
    private record AtStart(CallsLeftAtRestart.Answers answers, Set<String> inCall) {
    }

    /**
     * Whether the agents of the previous process's offers answered while Loket was down, and which
     * of the {@code ready} agents' phones are in a call, over an AMI session of its own (the
     * gateway's link starts later), bounded by {@link #PROBE_TIMEOUT_MS}: without an answer the
     * offers end as abandoned, as before Asterisk was asked, and nobody is paused.
     *
     * @return the ready agents whose phone has a channel up
     */
    private Set<String> askAsterisk(CallsLeftAtRestart left, Set<String> ready) {
        var probe = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (CallsLeftAtRestart.Phones phones = openPhones.call()) {
                Set<String> inCall = new java.util.HashSet<>();
                ready.stream().filter(agent -> phones.phone(agent) == PhoneState.IN_CALL).forEach(inCall::add);
                return new AtStart(left.askPhones(phones), inCall);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, actions);
        try {
            AtStart found = probe.get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            left.settle(found.answers());
            ringsStoppedAtRestart = found.answers().ringsStopped();
            return found.inCall();
        } catch (Exception e) {
            probe.cancel(true);
            // get() unwraps the CompletionException: an ExecutionException's cause is the probe's own failure.
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.warn("telephony: Asterisk could not be asked what the agents' phones do ({}); offers of the previous process end"
                    + " as abandoned, and agents in a call the fallback queue made are offered calls until a ring fails",
                    String.valueOf(cause));
            return Set.of();
        }
    }

    /** Tests: the agents' phones {@link #endContactsLeftAtRestart} asks instead of Asterisk's. */
    void usePhones(java.util.concurrent.Callable<CallsLeftAtRestart.Phones> open) {
        openPhones = open;
    }

    /**
     * Binds the FastAGI address: a port in use refuses {@code loket run} before anything is journaled.
     * Calls Asterisk sends before {@link #start} wait in the socket's backlog and are served then
     * (a start refused later closes it: Asterisk then takes the fallback route).
     */
    @Override
    public void bind() throws IOException {
        try {
            agiBound = new org.asteriskjava.util.internal.ServerSocketFacadeImpl(settings.agiPort(), AGI_BACKLOG,
                    InetAddress.getByName(settings.agiBind()));
        } catch (IOException e) {
            throw new IOException("telephony.agi.bind " + settings.agiBind() + ", telephony.agi.port " + settings.agiPort() + ": "
                    + e.getMessage() + (e instanceof java.net.BindException ? " (another Loket, or another program, listens there)" : ""),
                    e);
        }
    }

    @Override
    public void start(GatewayContext context) throws Exception {
        prepare(context);
        forgetCallbacksTheCoreEnded(context);
        agiServer = new VirtualThreadAgiServer(this, settings, calls.counters, agiBound);
        agiBound = null; // the server's now
        agiServer.setAddress(InetAddress.getByName(settings.agiBind()));
        agiServer.setPort(settings.agiPort());
        Thread acceptor = Thread.ofPlatform().daemon().name("telephony-agi-accept").start(() -> {
            try {
                agiServer.startup();
            } catch (IOException e) {
                LOG.error("FastAGI server could not bind {}:{}: {}", settings.agiBind(), settings.agiPort(), e.toString());
            }
        });
        org.loket.host.metrics.Families.registerCounters(context.metrics(), "loket_telephony", "phone channel", calls.counters::snapshot);
        ami = new AmiLink(this);
        AmiLink link = ami;
        io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name("loket_telephony_ami_connected")
                .help("phone channel: 1 while the AMI session to Asterisk is up (presence, answers and callbacks need it)")
                .callback(gauge -> gauge.call(link.connected() ? 1 : 0)).register(context.metrics());
        ami.knownAtStart(loggedInAtStart, voiceOffAtStart);
        if (announcementAtStart != null) {
            ami.announce(announcementAtStart);
        }
        ami.start();
        if (leftAtRestart.anyTalking()) {
            CallsLeftAtRestart left = leftAtRestart;
            actions.execute(() -> left.watch(link::inCall, link::connected, context.engine(), calls));
        }
        if (context.engine() != null) {
            PhonesInUse.Line line = new PhonesInUse.Line(link::inCall, link::connected, context.engine(), calls,
                    name -> directory.agent(name), actions);
            phonesInUse.start(line);
            deadPhones.start(line);
        }
        context.offer(org.loket.host.gateway.CallMonitoring.class, this::ringSupervisor);
        LOG.info("telephony: FastAGI on {}:{}, AMI {}@{}:{} ({})", settings.agiBind(), settings.agiPort(),
                settings.amiUser(), settings.amiHost(), settings.amiPort(), acceptor.getName());
    }

    /**
     * Everything but the sockets: names, call registry, pseudonym key, what the core recovered
     * (tests drive sessions from here).
     */
    void prepare(GatewayContext context) throws Exception {
        directory = new Directory(context.config());
        calls = new Calls(context.publisher());
        if (callbackStore() != null) {
            calls.keepCallbacksIn(callbackStore());
            if (!calls.callbacks.isEmpty()) {
                LOG.info("telephony: {} callbacks restored from {}", calls.callbacks.size(), settings.callbackFolder());
            }
        } else {
            LOG.warn("telephony: no callback folder (telephony.callbackFolder or a journal): a restart loses promised callbacks");
        }
        pseudonyms = org.loket.host.gateway.Pseudonyms.load(settings.pseudonymKeyFile(), "telephony.pseudonymKeyFile");
        if (settings.pseudonymKeyFile() == null) {
            LOG.warn("telephony.pseudonymKeyFile not set: caller pseudonyms use a random key of this process");
        }
        loggedInAtStart = seedFromCore(context);
        if (!leftoversEnded) { // before the FastAGI server takes a call: none of its contacts is among them
            lostAtRestart = leftAtRestart.endOrphans(calls::publish);
        }
        calls.counters.callsLostAtRestart.addAndGet(lostAtRestart);
        calls.counters.callsTalkingAtRestart.addAndGet(leftAtRestart.talkingCount());
        calls.counters.callsAnsweredAtRestart.addAndGet(answeredAtRestart);
        calls.counters.ringsStoppedAtRestart.addAndGet(ringsStoppedAtRestart);
        calls.counters.phonesInUse.addAndGet(phonesInUseAtRestart);
    }

    private CallbackStore callbackStore() throws IOException {
        if (callbackStore == null && settings.callbackFolder() != null) {
            callbackStore = CallbackStore.open(settings.callbackFolder());
        }
        return callbackStore;
    }

    /** The contacts whose callers wait for a call back, from the callback folder. */
    private Set<Long> keptCallbackIds() throws IOException {
        return callbackStore() == null ? Set.of() : Set.copyOf(callbackStore().load().keySet());
    }

    /**
     * What the core recovered that the adapter needs at start: the endpoints (agent names) of
     * call-taking agents it holds logged in (for AMI presence), voice contacts in after-call work
     * (for {@code *57}) into {@link Calls#wrapUps}, the service announcement into
     * {@link #announcementAtStart} (for Asterisk's database), and the other voice contacts, which
     * no session of this process owns, into {@link #leftAtRestart}. Nothing without an engine.
     */
    private List<String> seedFromCore(GatewayContext context) throws Exception {
        Engine engine = context.engine();
        if (engine == null) {
            return List.of();
        }
        return engine.query(core -> {
            announcementAtStart = core.announcementPrompt() < 0 ? null : core.config().prompts().get(core.announcementPrompt());
            List<String> in = new ArrayList<>();
            List<String> voiceOff = new ArrayList<>();
            for (int a = 0; a < core.agentCount(); a++) {
                String name = core.config().agents().get(a).name();
                if (directory.agent(name) < 0) {
                    continue;
                }
                if (core.agentState(a) != org.loket.core.AgentState.LOGGED_OUT) {
                    in.add(name);
                }
                if (!core.agentChannelOn(a, Channel.VOICE)) {
                    voiceOff.add(name);
                }
            }
            voiceOffAtStart = voiceOff; // set again, not added to, should the gateway be prepared twice
            long[] live = new long[core.liveContacts()];
            for (int i = 0, n = core.liveContactIds(live); i < n; i++) {
                if (core.contactState(live[i]) == ContactState.WRAP_UP
                        && core.config().queues().get(core.contactQueue(live[i])).channel() == Channel.VOICE) {
                    calls.wrapUps.put(core.config().agents().get(core.contactAgent(live[i])).name(), live[i]);
                }
            }
            if (!leftoversEnded) {
                leftAtRestart = CallsLeftAtRestart.read(core, Set.copyOf(calls.callbacks.keySet()));
            }
            return in;
        }).get(30, TimeUnit.SECONDS);
    }

    /**
     * A kept callback whose contact the core no longer holds (it ended while its file could not be
     * removed, or the journal was replaced) is dropped, so no agent is rung for it.
     */
    private void forgetCallbacksTheCoreEnded(GatewayContext context) throws Exception {
        Engine engine = context.engine();
        if (calls.callbacks.isEmpty() || engine == null) {
            return;
        }
        Set<Long> live = engine.query(core -> {
            long[] ids = new long[core.liveContacts()];
            int n = core.liveContactIds(ids);
            Set<Long> set = new HashSet<>();
            for (int i = 0; i < n; i++) {
                set.add(ids[i]);
            }
            return set;
        }).get(30, TimeUnit.SECONDS);
        for (Long contactId : List.copyOf(calls.callbacks.keySet())) {
            if (!live.contains(contactId)) {
                LOG.info("telephony: callback {} dropped: the engine holds no such contact", contactId);
                calls.callbackDone(contactId);
            }
        }
    }

    /**
     * A new AGI request: {@code agi://host:port/route,ENTRY} for callers, {@code /resume,CONTACT} for a
     * held caller an offer woke, {@code /callback,CONTACT,AGENT} for callbacks, {@code /presence,ready|pause,ENDPOINT}
     * for an agent's presence code, {@code /monitor,MODE,ENDPOINT,AGENT_NUMBER} for a supervisor's monitoring code,
     * {@code /warm,CONTACT,ENDPOINT} for the next agent of a warm transfer who answered.
     */
    @Override
    public void service(AgiRequest request, AgiChannel channel) throws AgiException {
        String script = request.getScript();
        String[] args = request.getArguments();
        if ("callback".equals(script)) {
            new CallbackSession(this, channel).run(args);
            return;
        }
        if ("resume".equals(script)) {
            resume(args, channel);
            return;
        }
        if ("presence".equals(script)) {
            new PresenceSession(this, channel).run(args);
            return;
        }
        if ("monitor".equals(script)) {
            new MonitorSession(this, channel).run(args);
            return;
        }
        if ("warm".equals(script)) {
            new WarmLegSession(this, channel).run(args);
            return;
        }
        calls.counters.calls.incrementAndGet();
        String entryKey = args != null && args.length > 0 && !args[0].isBlank() ? args[0] : request.getExtension();
        int entryId = directory.entry(entryKey);
        String number = request.getCallerIdNumber();
        long citizen = pseudonyms.of(number);
        String pseudonym = org.loket.host.gateway.Pseudonyms.text(citizen);
        long contactId = calls.newContactId();
        if (entryId < 0) {
            calls.counters.unknownEntry.incrementAndGet();
            calls.counters.fallbacks.incrementAndGet();
            LOG.warn("call from {}: no entry '{}' in the configuration; fallback route", pseudonym, entryKey);
            return;
        }
        // Per call at debug only: the journal has every call; a log line per call cost more than its routing.
        LOG.debug("call {} from {} at entry {}", contactId, pseudonym, entryKey);
        new CallSession(this, channel, request.getChannel(), contactId, request.getUniqueId(), number, citizen)
                .run(entryId, AgiSocket.current());
    }

    /** {@code /resume,CONTACT}: a waiting call whose hold an AMI Redirect ended; its session carries on here. */
    private void resume(String[] args, AgiChannel channel) throws AgiException {
        CallSession session = null;
        if (args != null && args.length > 0) {
            try {
                session = calls.byContact.get(Long.parseLong(args[0].trim()));
            } catch (NumberFormatException e) {
                // unknown below
            }
        }
        if (session == null || !session.resume(channel, AgiSocket.current())) {
            calls.counters.resumeUnknown.incrementAndGet();
            calls.counters.fallbacks.incrementAndGet();
            LOG.warn("resume of call {}: no call waits for it here; fallback route", args == null ? "?" : String.join(",", args));
        }
    }

    /** Egress thread: end a waiting caller's hold now (AMI Redirect, sent on the action executor). */
    void wake(CallSession session) {
        AmiLink link = ami;
        if (link == null) {
            session.redirectFailed();
            return;
        }
        actions.execute(() -> link.redirect(session));
    }

    /**
     * Egress thread: rings the next agent of a warm transfer while the caller stays with the first
     * (AMI Originate on the action executor; the answered channel comes to {@link WarmLegSession}).
     * Without an AMI link the leg never rings: the core's offer times out.
     */
    void ringWarmLeg(long contactId, CallSession.WarmLeg leg, long ringMs) {
        AmiLink link = ami;
        calls.counters.warmLegs.incrementAndGet();
        if (link != null) {
            actions.execute(() -> link.originateWarmLeg(contactId, leg, ringMs));
        }
    }

    /**
     * While an introduction lasts, asks Asterisk every second whether the introducer's channel is
     * still there: when they hang up, Asterisk keeps the caller and the next agent in the call's
     * bridge, and Loket reads no per-call hang-up events ({@code AsteriskConfigWriter.QUIET_EVENTS}).
     * One virtual thread per introduction (they are rare); it ends with the introduction.
     */
    void watchIntroducer(CallSession call, String introducerChannel) {
        actions.execute(() -> {
            try {
                while (call.introducerOnTheLine()) {
                    Thread.sleep(1_000);
                    AmiLink link = ami;
                    if (link != null && call.introducerOnTheLine() && Boolean.FALSE.equals(link.channelExists(introducerChannel))) {
                        call.introducerHungUp();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * The agent who joined {@code call}'s introduction hung up: unless the caller's channel is gone
     * too (the caller hung up and Asterisk took the leg with them: the caller's session ends the
     * call), the core hears that agent left. Asks Asterisk off the leg's AGI thread.
     */
    void joinedAgentHungUp(CallSession call, String endpoint) {
        actions.execute(() -> {
            AmiLink link = ami;
            if (link != null && Boolean.FALSE.equals(link.channelExists(call.channelName()))) {
                return;
            }
            call.joinedAgentHungUp(endpoint);
        });
    }

    /**
     * Hangs up a channel by name or unique id: a warm transfer's next agent rung (or waiting) for a
     * call that no longer waits, or an introducer who left from the desktop.
     */
    void hangUpChannel(String channelId) {
        AmiLink link = ami;
        if (link != null) {
            actions.execute(() -> link.hangUp(channelId));
        }
    }

    @Override
    public void onDecision(Decision decision) {
        DecisionType type = decision.type;
        if (type == null) {
            return;
        }
        long contactId = decision.contactId;
        switch (type) {
            case QUEUE_CONTACT -> calls.board.queued(contactId, decision.queueId, decision.priority, decision.timestampNs,
                    decision.score);
            case OFFER_CONTACT -> calls.board.offered(contactId, decision.queueId, decision.timestampNs);
            case RETRACT_OFFER -> calls.board.returned(contactId);
            case TRANSFER_CONTACT -> calls.board.transferred(contactId, decision.queueId);
            case ESCALATE -> {
                if (decision.reason == EscalationStep.Action.OVERFLOW.code()) {
                    calls.board.moved(contactId, decision.queueId);
                }
            }
            case END_CONTACT -> {
                calls.board.ended(contactId);
                leftAtRestart.ended(contactId);
                if (calls.callbacks.containsKey(contactId)) {
                    actions.execute(() -> calls.callbackDone(contactId)); // file IO off the egress thread
                }
                if (decision.outcome == Outcome.ANSWERED && decision.agentId >= 0 && decision.queueId >= 0) {
                    QueueSpec queue = directory.queue(decision.queueId);
                    if (queue.channel() == Channel.VOICE && queue.maxWrapUpMs() > 0) {
                        calls.wrapUps.put(directory.agentName(decision.agentId), contactId); // the core holds it in wrap-up now
                    }
                }
            }
            case REJECT_COMMAND -> {
                if ((decision.commandType == CommandType.AGENT_STATE_CHANGED.code() || decision.commandType == CommandType.WRAP_UP_DONE.code())
                        && decision.agentId >= 0) {
                    var request = calls.presenceRequests.get(decision.agentId);
                    if (request != null) {
                        request.complete(decision.reason);
                    }
                }
            }
            case AGENT_STATE -> {
                if (contactId >= 0) {
                    calls.wrapUps.values().remove(contactId); // the queue's wrap-up limit ended it
                }
                pausedNoAnswer(decision.agentId, decision.agentState, decision.reason); // the core's offer timer
                LOG.info("agent {} is now {} (reason {})", directory().agentName(decision.agentId),
                        org.loket.core.AgentState.ofCode(decision.agentState), decision.reason);
            }
            default -> { }
        }
        if (contactId < 0) {
            return;
        }
        CallSession session = calls.byContact.get(contactId);
        Directory names = directory;
        if (session != null && session.served()) {
            session.afterServed(decision);
        } else if (session != null) {
            pending.computeIfAbsent(session, k -> new ArrayList<>(2)).add(new CallSession.Mail(new Decision().copyFrom(decision), names));
        } else if (type == DecisionType.OFFER_CONTACT && (decision.flags & Decision.FLAG_CALLBACK) != 0) {
            // Names now, on egress: the ids are those of the configuration this decision was made under.
            String endpoint = names.agentName(decision.agentId);
            long offerTimeoutMs = names.queue(decision.queueId).offerTimeoutMs();
            actions.execute(() -> ami.originateCallback(contactId, endpoint, offerTimeoutMs));
        }
    }

    /**
     * Egress thread: after-call work another source ended (the desktop, the admin API) is no longer
     * open here; a service announcement the core took goes to Asterisk's dialplan; a pause
     * {@code no-answer} is looked at ({@link #pausedNoAnswer}).
     */
    @Override
    public void onCommand(Command command, Decision[] decisions, int count) {
        if (command.type == CommandType.AGENT_STATE_CHANGED && !Decision.refused(decisions, count)) {
            pausedNoAnswer(command.agentId, command.agentState, command.reason); // a ring the phone refused (CallSession)
        }
        boolean wrapUp = command.type == CommandType.WRAP_UP_DONE && !calls.wrapUps.isEmpty();
        if (!wrapUp && command.type != CommandType.ANNOUNCEMENT_SET || Decision.refused(decisions, count)) {
            return;
        }
        if (wrapUp) {
            calls.wrapUps.values().remove(command.contactId);
        } else if (ami != null) {
            ami.announce(command.input < 0 ? null : directory.prompt(command.input));
        }
    }

    /**
     * Egress thread: a call-taker paused {@code no-answer} (by the core's offer timer, said by an
     * {@code AGENT_STATE} decision, or by a refused ring, a command without one) may have a phone in
     * a call Loket did not make ({@link PhonesInUse#afterNoAnswer}).
     */
    private void pausedNoAnswer(int agentId, int agentState, int reason) {
        if (agentState == org.loket.core.AgentState.PAUSED.code() && reason == PauseReason.NO_ANSWER && agentId >= 0) {
            String name = directory.agentName(agentId);
            if (directory.agent(name) >= 0) {
                phonesInUse.afterNoAnswer(name);
            }
        }
    }

    /** Egress thread: the command's decisions go to their calls together (see {@link Mailbox}). */
    @Override
    public void onCommandDecided() {
        if (pending.isEmpty()) {
            return;
        }
        for (Map.Entry<CallSession, List<CallSession.Mail>> call : pending.entrySet()) {
            call.getKey().deliver(call.getValue());
        }
        pending.clear();
    }

    /**
     * Egress thread, right behind the {@code CONFIGURATION_APPLIED} decision: the next decisions name
     * the new ids. The position board follows the queues by name; sessions get the new directory
     * with their next decision; agents new to the roster whose endpoints Asterisk already has are
     * logged in by a device-state resynchronisation (sent on the action executor).
     */
    @Override
    public void onConfigApplied(LoadedConfig config) {
        Directory next = new Directory(config);
        calls.board.remapQueues(directory.queuesIn(next));
        directory = next;
        LOG.info("telephony: configuration version {} in force", next.version());
        AmiLink link = ami;
        if (link != null) {
            actions.execute(link::configApplied);
        }
    }

    @Override
    public void close() {
        if (agiServer != null) {
            agiServer.shutdown();
        }
        if (agiBound != null) { // bound, never served
            try {
                agiBound.close();
            } catch (IOException e) {
                LOG.warn("telephony: closing the FastAGI socket failed: {}", e.toString());
            }
        }
        if (ami != null) {
            ami.close();
        }
        actions.shutdownNow();
        deadPhones.close();
        if (calls != null) {
            LOG.info("telephony: closed; {}", calls.counters);
        }
    }

    TelephonySettings settings() {
        return settings;
    }

    /**
     * {@link org.loket.host.gateway.CallMonitoring}: rings the supervisor's phone into the monitoring
     * code for the agent (the wallboard's "listen"); the session that answers checks and records it
     * like one the supervisor dialled ({@link MonitorSession}). Refuses here what it can tell at once.
     */
    String ringSupervisor(String supervisorName, String agent, String modeLabel) {
        Directory d = directory();
        org.loket.config.Supervisor supervisor = d.supervisor(supervisorName);
        org.loket.config.Supervisor.Mode mode = org.loket.config.Supervisor.Mode.ofLabel(modeLabel);
        Integer number = d.numberOf(agent);
        if (supervisor == null || mode == null) {
            return "'" + supervisorName + "' cannot " + modeLabel + " (not a supervisor, or no such way to join a call)";
        }
        if (number == null) {
            return agent + " takes no calls";
        }
        if (!supervisor.may(agent, mode)) {
            return "the configuration does not let you " + modeLabel + " to " + agent;
        }
        String code = org.loket.telephony.config.AsteriskConfigWriter.codeOf(mode);
        String refused = ami.ringSupervisor(supervisorName, code + number, modeLabel + " " + agent);
        LOG.info("monitoring: {} asked to {} to {} from the wallboard: {}", supervisorName, modeLabel, agent,
                refused == null ? "ringing its phone" : refused);
        return refused;
    }

    Directory directory() {
        return directory;
    }

    MonitoringLog monitoringLog() {
        return monitoringLog;
    }

    Calls calls() {
        return calls;
    }

    CallsLeftAtRestart leftAtRestart() {
        return leftAtRestart;
    }

    DeadPhonePauses deadPhones() {
        return deadPhones;
    }

    PhonesInUse phonesInUse() {
        return phonesInUse;
    }

    ExecutorService actions() {
        return actions;
    }

    /**
     * asterisk-java's server with a virtual thread per connection instead of its bounded pool, Loket's
     * quick channels, and reads without a timeout: a timed read parks the virtual thread with a timer
     * that the scheduler sets and cancels on every AGI reply (a session never waits for Asterisk
     * without a bound of its own: its engine waits are timed, a dead connection ends the read).
     */
    private static final class VirtualThreadAgiServer extends DefaultAgiServer {
        private final TelephonySettings settings;
        private final Calls.Counters counters;
        /** A socket bound before ({@link TelephonyGateway#bind}), or null to bind at startup. */
        private final ServerSocketFacade bound;

        VirtualThreadAgiServer(AgiScript script, TelephonySettings settings, Calls.Counters counters, ServerSocketFacade bound) {
            super(null, new StaticMappingStrategy(script), QuickAgiChannel.FACTORY);
            this.settings = settings;
            this.counters = counters;
            this.bound = bound;
            setSocketReadTimeout(NO_READ_TIMEOUT);
        }

        @Override
        protected void execute(Runnable command) {
            if (!isDie()) {
                Thread.ofVirtual().name("agi-call").start(command);
            }
        }

        /** asterisk-java's "infinite" (its default is 3 hours). */
        private static final int NO_READ_TIMEOUT = -1;

        @Override
        protected ServerSocketFacade createServerSocket() throws IOException {
            ServerSocketFacade server = bound == null ? super.createServerSocket() : bound;
            if (bound != null) {
                bound.setSocketReadTimeout(NO_READ_TIMEOUT); // as super's takes this server's setting
            }
            return new ServerSocketFacade() {
                @Override
                public SocketConnectionFacade accept() throws IOException {
                    while (true) {
                        SocketConnectionFacade socket = server.accept();
                        InetAddress from = socket.getRemoteAddress();
                        if (from != null && settings.agiAllows(from)) {
                            return new AgiSocket(socket);
                        }
                        // telephony.agi.allow: a request names its caller and entry itself, so only Asterisk may make one
                        if (counters.agiRefused.incrementAndGet() % 1_000 == 1) {
                            LOG.warn("FastAGI connection from {} refused: not in telephony.agi.allow ({} refused so far)",
                                    from == null ? "?" : from.getHostAddress(), counters.agiRefused.get());
                        }
                        socket.close();
                    }
                }

                @Override
                public void close() throws IOException {
                    server.close();
                }

                @Override
                public void setSocketReadTimeout(int socketReadTimeout) {
                    server.setSocketReadTimeout(socketReadTimeout);
                }
            };
        }
    }

    /**
     * An AGI connection the session can close itself. A session whose channel an AMI Redirect took
     * away closes it at once: Asterisk then ends the AGI and follows the Redirect without waiting
     * for asterisk-java's closing status command, whose reply Asterisk's Nagle delays behind its
     * HANGUP line until this side's delayed ACK (40 ms). The connection registers itself with the
     * session's thread when the request is read.
     */
    static final class AgiSocket implements SocketConnectionFacade {
        private static final ThreadLocal<AgiSocket> CURRENT = new ThreadLocal<>();
        /** Thrown on writes after close; no stack trace, it is expected once per call. */
        private static final IOException CLOSED = new IOException("AGI session closed by Loket") {
            @Override
            public synchronized Throwable fillInStackTrace() {
                return this;
            }
        };
        private final SocketConnectionFacade socket;
        private final AtomicBoolean closed = new AtomicBoolean();

        AgiSocket(SocketConnectionFacade socket) {
            this.socket = socket;
        }

        /** @return the connection of the AGI request this thread serves, or {@code null} (tests) */
        static AgiSocket current() {
            return CURRENT.get();
        }

        @Override
        public String readLine() throws IOException {
            if (CURRENT.get() != this) {
                CURRENT.set(this);
            }
            return socket.readLine();
        }

        @Override
        public void write(String s) throws IOException {
            if (closed.get()) {
                throw CLOSED; // asterisk-java's goodbye after the session closed its socket (it swallows this)
            }
            socket.write(s);
        }

        @Override
        public void flush() throws IOException {
            socket.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed.compareAndSet(false, true)) {
                socket.close();
            }
        }

        @Override
        public boolean isConnected() {
            return !closed.get() && socket.isConnected();
        }

        /** Whether the session closed this connection. */
        boolean isClosed() {
            return closed.get();
        }

        @Override
        public InetAddress getLocalAddress() {
            return socket.getLocalAddress();
        }

        @Override
        public int getLocalPort() {
            return socket.getLocalPort();
        }

        @Override
        public InetAddress getRemoteAddress() {
            return socket.getRemoteAddress();
        }

        @Override
        public int getRemotePort() {
            return socket.getRemotePort();
        }
    }
}
