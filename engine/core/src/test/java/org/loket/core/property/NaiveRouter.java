package org.loket.core.property;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.AgentSelection;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.Deflection;
import org.loket.core.config.EntrySpec;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.Requirement;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionSink;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.OfferReason;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.RejectReason;
import org.loket.core.decision.ReleaseReason;

/**
 * A reference router for differential tests: the routing rules of
 * {@link org.loket.core.routing.RoutingCore}'s class javadoc written the obvious way, with a plain
 * list of contacts, an array of agents, and a linear scan for every question. Nothing is indexed or
 * cached: an agent's load is counted from the contacts it holds whenever it is needed, a queue's
 * order is a comparator applied to its waiting contacts, and timers are found by scanning for the
 * earliest due deadline.
 * <p>Where the javadoc leaves something open (which rule wins when one command both frees an agent
 * and puts a contact in a queue, the order of decisions within one command, which check comes first
 * for a command with several faults), this router does what the core does; the differential test
 * documents those choices.
 */
final class NaiveRouter {
    /** Ends a rank comparison by join time, then contact id: the class javadoc's queue order. */
    private static final Comparator<Contact> JOIN_ORDER =
            Comparator.<Contact>comparingLong(c -> c.joinedNs).thenComparingLong(c -> c.id);

    private static final class Contact {
        final long id;
        ContactState state = ContactState.NONE;
        int queue = -1;
        int priority;
        int language;
        int agent = -1;
        int node = -1;
        int retries;
        int flags;
        int channel;
        long joinedNs;
        long deadlineNs = -1;
        /** Widening steps passed, escalation steps applied, and when it entered its current queue. */
        int tier;
        int step;
        long enteredQueueNs;
        long connectedNs = -1;
        int preferred = -1;
        /** The agent it waits for alone (until its deadline), or -1. */
        int reservedFor = -1;
        /** The agent who transferred it warmly and stays with it (and holds it in its load), or -1. */
        int holder = -1;
        /** While it has a holder, the queue it was in before that transfer: an introduction the next agent leaves returns it there. */
        int holderQueue = -1;
        /** The holder stays on after the next agent accepts (a three-way introduction), until it leaves. */
        boolean introduces;

        Contact(long id) {
            this.id = id;
        }
    }

    private static final class Agent {
        final int index;
        final AgentSpec spec;
        AgentState presence = AgentState.LOGGED_OUT;
        int pauseReason = PauseReason.UNSPECIFIED;
        /** Per channel: switched off by {@code AGENT_CHANNEL_SET} (offered none of it, whatever the presence). */
        final boolean[] channelOff = new boolean[Channel.COUNT];
        /** Per queue: whether the agent is in the queue's idle line, since when, and its place in line. */
        final boolean[] idle;
        final long[] idleSinceNs;
        final long[] idleTurn;
        /** Per queue: its occupancy in tenths when it joined the idle line (least-occupied queues order by it). */
        final int[] idleOccupancy;
        /**
         * Occupancy today: time logged in during the day's earlier logins, when the current login began,
         * time it held contacts today, since when it holds some (-1 none).
         */
        long loggedInBeforeNs;
        long loginNs;
        long busyNs;
        long busySinceNs = -1;

        Agent(int index, AgentSpec spec, int queues) {
            this.index = index;
            this.spec = spec;
            idle = new boolean[queues];
            idleSinceNs = new long[queues];
            idleTurn = new long[queues];
            idleOccupancy = new int[queues];
        }
    }

    private final DecisionSink sink;
    private RoutingConfig config;
    /** The prompt of the operator's service announcement; null when none is set. */
    private Integer announcement;
    /** Per queue id, the prompt of its emergency closure; absent when open. */
    private final Map<Integer, Integer> closures = new HashMap<>();
    /** Per queue id, the prompt while business hours keep it closed; absent when open. */
    private final Map<Integer, Integer> hoursClosures = new HashMap<>();
    /** Round-robin queues: per lane (queue, tier, language if it matters), the roster index the next search starts at. */
    private final Map<String, Integer> roundRobinNext = new HashMap<>();
    /** Per queue name, the average handling time: 1/8 per handled contact, in ns. */
    private final Map<String, Long> ahtNs = new HashMap<>();
    /** Per queue name: the mean time between answers while contacts kept waiting (1/8 per answer), the last answer, and whether contacts waited right after it. */
    private final Map<String, Long> answerIntervalNs = new HashMap<>();
    private final Map<String, Long> lastAnswerNs = new HashMap<>();
    private final Map<String, Boolean> backlogAfterAnswer = new HashMap<>();
    private final List<Contact> contacts = new ArrayList<>();
    private final List<Agent> agents = new ArrayList<>();
    private long turns;
    private long nowNs;
    private long sequence;
    private long commandsApplied;
    private long decisionsIssued;
    private final long[] rejected = new long[RejectReason.COUNT];
    private final long[] ended = new long[Outcome.COUNT];

    NaiveRouter(DecisionSink sink) {
        this.sink = sink;
    }

    void apply(Command c) {
        nowNs = Math.max(nowNs, c.timestampNs);
        sequence = c.sequence;
        commandsApplied++;
        if (config != null) {
            fireDueTimers();
        }
        if (c.type == null) {
            reject(RejectReason.UNKNOWN_COMMAND, c);
            return;
        }
        if (c.type == CommandType.CONFIG_APPLIED) {
            configure(c);
            return;
        }
        if (config == null) {
            if (c.type != CommandType.TICK) {
                reject(RejectReason.NO_CONFIGURATION, c);
            }
            return;
        }
        switch (c.type) {
            case TICK -> { }
            case CONTACT_ARRIVED -> arrive(c);
            case SELF_SERVICE_INPUT -> input(c);
            case CONTACT_ABANDONED -> abandon(c);
            case AGENT_LOGGED_IN -> login(c);
            case AGENT_STATE_CHANGED -> changeState(c);
            case AGENT_CHANNEL_SET -> setChannel(c);
            case OFFER_ACCEPTED -> accept(c);
            case OFFER_DECLINED -> decline(c);
            case CONTACT_ENDED -> endConversation(c);
            case WRAP_UP_DONE -> wrapUpDone(c);
            case TRANSFER_REQUESTED -> transfer(c);
            case TRANSFER_LEFT -> leave(c);
            case CALLBACK_REQUESTED -> callback(c);
            case QUEUE_CLOSURE_SET -> closure(c, closures);
            case QUEUE_HOURS_SET -> closure(c, hoursClosures);
            case PROMPT_PLAYED -> promptPlayed(c);
            case DAY_STARTED -> newDay();
            case ANNOUNCEMENT_SET -> {
                if (c.input < -1 || c.input >= config.prompts().size()) {
                    reject(RejectReason.INVALID_ARGUMENT, c);
                } else {
                    announcement = c.input < 0 ? null : c.input;
                }
            }
            default -> reject(RejectReason.UNKNOWN_COMMAND, c);
        }
    }

    // ---------------------------------------------------------------- configuration

    private void configure(Command c) {
        RoutingConfig candidate;
        try {
            candidate = RoutingConfigCodec.decode(c.payload == null ? new byte[0] : c.payload);
        } catch (IllegalArgumentException e) {
            reject(RejectReason.CONFIGURATION_INVALID, c);
            return;
        }
        if (!candidate.problems().isEmpty()) {
            reject(RejectReason.CONFIGURATION_INVALID, c);
            return;
        }
        if (config != null && !fits(candidate)) {
            reject(RejectReason.CONFIGURATION_IN_FLIGHT, c);
            return;
        }
        Decision d = decision(DecisionType.CONFIGURATION_APPLIED);
        d.score = candidate.version();
        emit(d);
        if (config == null) {
            config = candidate;
            for (AgentSpec spec : candidate.agents()) {
                agents.add(new Agent(agents.size(), spec, candidate.queues().size()));
            }
        } else {
            reload(candidate);
        }
    }

    /** Whether everything live has a place in the candidate, matched by name (the core's reload rule). */
    private boolean fits(RoutingConfig next) {
        if (next.maxLiveContacts() < contacts.size()) {
            return false;
        }
        for (Contact contact : contacts) {
            if (!next.languages().contains(config.languages().get(contact.language))) {
                return false;
            }
            if (contact.state == ContactState.SELF_SERVICE
                    && next.flowNodes().stream().noneMatch(n -> n.name().equals(config.flowNodes().get(contact.node).name()))) {
                return false;
            }
            if (contact.agent >= 0 && queue(contact.queue).deferrable() && load(agents.get(contact.agent), Channel.VOICE) > 0
                    && next.queues().stream().anyMatch(q -> q.name().equals(queue(contact.queue).name()) && !q.deferrable())) {
                return false;
            }
            if (contact.state != ContactState.SELF_SERVICE) {
                QueueSpec queue = queue(contact.queue);
                if (next.queues().stream().noneMatch(q -> q.name().equals(queue.name()) && q.channel() == queue.channel())) {
                    return false;
                }
            }
        }
        for (int q = 0; q < config.queues().size(); q++) {
            String name = queue(q).name();
            boolean kept = next.queues().stream().anyMatch(n -> n.name().equals(name));
            for (Integer prompt : new Integer[] {closures.get(q), hoursClosures.get(q)}) {
                if (prompt != null && (!kept || !next.prompts().contains(config.prompts().get(prompt)))) {
                    return false;
                }
            }
        }
        if (announcement != null && !next.prompts().contains(config.prompts().get(announcement))) {
            return false;
        }
        for (Agent agent : agents) {
            if (agent.presence == AgentState.LOGGED_OUT) {
                continue;
            }
            AgentSpec spec = next.agents().stream().filter(s -> s.name().equals(agent.spec.name())).findFirst().orElse(null);
            if (spec == null) {
                return false;
            }
            for (Channel channel : Channel.values()) {
                if (load(agent, channel) > spec.capacityPerChannel()[channel.code()]) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A live reload: everything moves over by name; waiting and offered contacts keep the number of
     * escalation steps passed (at most the new count) and their tier follows the new steps; available
     * agents line up by their earliest idle time, then roster order; then due steps act (contacts by
     * id) and every available agent takes what it serves (roster order).
     */
    private void reload(RoutingConfig next) {
        RoutingConfig old = config;
        List<Agent> oldAgents = new ArrayList<>(agents);
        Map<Integer, Integer> oldClosures = new HashMap<>(closures);
        Map<Integer, Integer> oldHours = new HashMap<>(hoursClosures);
        config = next;
        roundRobinNext.clear(); // a new configuration starts every queue's turns at the top of the roster
        List<String> names = next.queues().stream().map(QueueSpec::name).toList();
        ahtNs.keySet().retainAll(names);
        answerIntervalNs.keySet().retainAll(names);
        lastAnswerNs.keySet().retainAll(names);
        backlogAfterAnswer.keySet().retainAll(names);
        closures.clear();
        hoursClosures.clear();
        if (announcement != null) {
            announcement = next.prompts().indexOf(old.prompts().get(announcement));
        }
        oldClosures.forEach((q, p) -> closures.put(queueIndex(old.queues().get(q).name()), next.prompts().indexOf(old.prompts().get(p))));
        oldHours.forEach((q, p) -> hoursClosures.put(queueIndex(old.queues().get(q).name()), next.prompts().indexOf(old.prompts().get(p))));
        agents.clear();
        Map<Integer, Integer> agentByOld = new HashMap<>();
        long[] idleSince = new long[next.agents().size()];
        for (AgentSpec spec : next.agents()) {
            Agent agent = new Agent(agents.size(), spec, next.queues().size());
            idleSince[agent.index] = nowNs;
            for (Agent before : oldAgents) {
                if (before.spec.name().equals(spec.name())) {
                    agent.presence = before.presence;
                    agent.pauseReason = before.pauseReason;
                    System.arraycopy(before.channelOff, 0, agent.channelOff, 0, Channel.COUNT);
                    agent.loginNs = before.loginNs;
                    agent.loggedInBeforeNs = before.loggedInBeforeNs;
                    agent.busyNs = before.busyNs;
                    agent.busySinceNs = before.busySinceNs;
                    agentByOld.put(before.index, agent.index);
                    long earliest = -1;
                    for (int q = 0; q < old.queues().size(); q++) {
                        if (before.idle[q] && (earliest < 0 || before.idleSinceNs[q] < earliest)) {
                            earliest = before.idleSinceNs[q];
                        }
                    }
                    if (earliest >= 0) {
                        idleSince[agent.index] = earliest;
                    }
                }
            }
            agents.add(agent);
        }
        for (Contact contact : contacts) {
            contact.language = next.languages().indexOf(old.languages().get(contact.language));
            if (contact.node >= 0) {
                String node = old.flowNodes().get(contact.node).name();
                contact.node = -1;
                for (int n = 0; n < next.flowNodes().size(); n++) {
                    if (next.flowNodes().get(n).name().equals(node)) {
                        contact.node = n;
                    }
                }
            }
            if (contact.holderQueue >= 0) {
                // Back where it came from if that is still a queue a warm transfer may leave; else where it is.
                QueueSpec from = old.queues().get(contact.holderQueue);
                int q = queueIndex(from.name());
                contact.holderQueue = q >= 0 && queue(q).channel() == from.channel() && !queue(q).deferrable() ? q
                        : queueIndex(old.queues().get(contact.queue).name());
            }
            if (contact.queue >= 0) {
                contact.queue = queueIndex(old.queues().get(contact.queue).name());
            }
            if (contact.agent >= 0) {
                contact.agent = agentByOld.get(contact.agent);
            }
            contact.preferred = contact.preferred < 0 ? -1 : agentByOld.getOrDefault(contact.preferred, -1);
            contact.holder = contact.holder < 0 ? -1 : agentByOld.get(contact.holder);
            contact.reservedFor = -1; // a reload ends the waits for a preferred agent
            if (contact.state == ContactState.WAITING || contact.state == ContactState.OFFERED) {
                List<EscalationStep> steps = queue(contact.queue).steps();
                contact.step = Math.min(contact.step, steps.size());
                contact.tier = (int) steps.subList(0, contact.step).stream()
                        .filter(s -> s.action() == EscalationStep.Action.WIDEN).count();
            }
            if (contact.state == ContactState.WAITING) {
                contact.deadlineNs = -1;
            }
        }
        List<Agent> lineUp = new ArrayList<>(agents);
        lineUp.sort(Comparator.<Agent>comparingLong(a -> idleSince[a.index]).thenComparingInt(a -> a.index));
        for (Agent agent : lineUp) {
            for (int q = 0; q < next.queues().size(); q++) {
                if (servesAtAll(agent, q) && available(agent, queue(q).channel())) {
                    agent.idle[q] = true;
                    agent.idleSinceNs[q] = idleSince[agent.index];
                    agent.idleTurn[q] = ++turns;
                    agent.idleOccupancy[q] = occupancyTenths(agent);
                }
            }
        }
        List<Contact> waitingNow = new ArrayList<>();
        for (Contact contact : contacts) {
            if (contact.state == ContactState.WAITING) {
                waitingNow.add(contact);
            }
        }
        waitingNow.sort(Comparator.comparingLong(c -> c.id));
        for (Contact contact : waitingNow) {
            if (contact.state != ContactState.WAITING || !contacts.contains(contact)) {
                continue;
            }
            if (stepDue(contact)) {
                escalate(contact);
            } else {
                escalationTimer(contact);
            }
        }
        for (Agent agent : agents) {
            route(agent);
        }
    }

    private int queueIndex(String name) {
        for (int q = 0; q < config.queues().size(); q++) {
            if (queue(q).name().equals(name)) {
                return q;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- self-service

    private void arrive(Command c) {
        if (c.contactId < 0 || c.channel < 0 || c.channel >= Channel.COUNT || c.priority > RoutingConfig.MAX_PRIORITY) {
            reject(RejectReason.INVALID_ARGUMENT, c);
        } else if (find(c.contactId) != null) {
            reject(RejectReason.DUPLICATE_CONTACT, c);
        } else if (c.entryId < 0 || c.entryId >= config.entries().size()) {
            reject(RejectReason.UNKNOWN_ENTRY, c);
        } else if (contacts.size() >= config.maxLiveContacts()) {
            reject(RejectReason.CONTACT_CAPACITY_EXCEEDED, c);
        } else {
            Contact contact = new Contact(c.contactId);
            contact.priority = c.priority;
            contact.channel = c.channel;
            contact.language = c.languageId >= 0 && c.languageId < config.languages().size() ? c.languageId : 0;
            contact.preferred = c.agentId >= 0 && c.agentId < agents.size() ? c.agentId : -1;
            contact.joinedNs = nowNs;
            contacts.add(contact);
            if (announcement != null && (c.channel == Channel.VOICE.code() || c.channel == Channel.CHAT.code())) {
                Decision d = decision(DecisionType.ANNOUNCE);
                d.contactId = contact.id;
                d.promptId = announcement;
                d.languageId = contact.language;
                emit(d);
            }
            EntrySpec entry = config.entries().get(c.entryId);
            if (entry.flowNodeId() >= 0) {
                enterNode(contact, entry.flowNodeId());
            } else {
                enqueue(contact, entry.queueId(), -1);
            }
        }
    }

    private void enterNode(Contact contact, int nodeId) {
        FlowNode node = config.flowNodes().get(nodeId);
        contact.node = nodeId;
        switch (node.kind()) {
            case MENU, LANGUAGE -> {
                contact.state = ContactState.SELF_SERVICE;
                contact.retries = 0;
                prompt(contact, 0);
            }
            case INFO -> {
                contact.state = ContactState.SELF_SERVICE;
                Decision d = decision(DecisionType.PLAY_PROMPT);
                d.contactId = contact.id;
                d.promptId = node.promptId();
                d.nodeId = nodeId;
                d.languageId = contact.language;
                d.flags = Decision.FLAG_FINAL;
                emit(d);
                end(contact, Outcome.SELF_SERVED);
            }
            case QUEUE -> enqueue(contact, node.queueFor(contact.channel), node.priority());
        }
    }

    /** Presents the contact's menu and starts waiting for a choice. */
    private void prompt(Contact contact, int flags) {
        FlowNode node = config.flowNodes().get(contact.node);
        Decision d = decision(DecisionType.PLAY_PROMPT);
        d.contactId = contact.id;
        d.promptId = node.promptId();
        d.nodeId = contact.node;
        d.languageId = contact.language;
        d.flags = flags;
        emit(d);
        // A menu's input timeout applies to its timeout channels only; others wait for their input.
        contact.deadlineNs = node.timesOut(contact.channel) ? nowNs + node.inputTimeoutMs() * 1_000_000L : -1;
    }

    /** The menu's prompt was heard: its input timeout counts from now (a stale one changes nothing). */
    private void promptPlayed(Command c) {
        Contact contact = live(c);
        if (contact == null) {
            return;
        }
        if (c.input < 0 || c.input >= config.flowNodes().size()) {
            reject(RejectReason.INVALID_ARGUMENT, c);
            return;
        }
        if (contact.state == ContactState.SELF_SERVICE && contact.node == c.input && contact.deadlineNs >= 0) {
            contact.deadlineNs = nowNs + config.flowNodes().get(c.input).inputTimeoutMs() * 1_000_000L;
        }
    }

    private void input(Command c) {
        Contact contact = live(c);
        if (contact == null) {
            return;
        }
        if (contact.state != ContactState.SELF_SERVICE) {
            reject(RejectReason.ILLEGAL_TRANSITION, c);
            return;
        }
        if (c.input < 0 || c.input >= FlowNode.INPUTS) {
            reject(RejectReason.INVALID_ARGUMENT, c);
            return;
        }
        FlowNode node = config.flowNodes().get(contact.node);
        int next = node.nextByInput()[c.input];
        if (next < 0) {
            wrongOrNoInput(contact);
            return;
        }
        if (node.kind() == FlowNode.Kind.LANGUAGE && node.languageByInput()[c.input] >= 0) {
            contact.language = node.languageByInput()[c.input];
        }
        contact.deadlineNs = -1;
        enterNode(contact, next);
    }

    private void wrongOrNoInput(Contact contact) {
        FlowNode node = config.flowNodes().get(contact.node);
        contact.retries++;
        if (contact.retries > node.maxRetries()) {
            contact.deadlineNs = -1;
            enqueue(contact, node.queueFor(contact.channel), -1);
        } else {
            prompt(contact, 0);
        }
    }

    // ---------------------------------------------------------------- queues

    private void closure(Command c, Map<Integer, Integer> closures) {
        if (c.queueId < -1 || c.queueId >= config.queues().size() || c.input < -1 || c.input >= config.prompts().size()) {
            reject(RejectReason.INVALID_ARGUMENT, c);
            return;
        }
        for (int q = 0; q < config.queues().size(); q++) {
            if (c.queueId < 0 || c.queueId == q) {
                if (c.input < 0) {
                    closures.remove(q);
                } else {
                    closures.put(q, c.input);
                }
            }
        }
    }

    private void enqueue(Contact contact, int queueId, int priority) {
        enqueue(contact, queueId, priority, true);
    }

    private void enqueue(Contact contact, int queueId, int priority, boolean mayDeflect) {
        Integer closed = closures.get(queueId);
        int outcome = Outcome.CLOSED;
        if (closed == null) {
            closed = hoursClosures.get(queueId);
            outcome = Outcome.OUTSIDE_HOURS;
        }
        if (closed != null) {
            turnAway(contact, queueId, closed, outcome);
            return;
        }
        Contact probe = new Contact(-1);
        probe.queue = queueId;
        probe.language = contact.language;
        long waiting = waiting(queueId).size();
        long ewtNs = estimatedWaitNs(probe, waiting + 1);
        Deflection deflection = queue(queueId).deflection();
        boolean offerCallback = false;
        boolean full = deflection.maxWaiting() > 0 && waiting >= deflection.maxWaiting();
        boolean tooLong = deflection.maxEwtMs() > 0 && ewtNs != -1 && (ewtNs == Long.MAX_VALUE || ewtNs > deflection.maxEwtMs() * 1_000_000L);
        if (mayDeflect && (full || tooLong)) {
            if (deflection.action() == EscalationStep.Action.OFFER_CALLBACK) {
                offerCallback = true;
            } else {
                deflect(contact, queueId, deflection, ewtNs, waiting);
                if (deflection.action() == EscalationStep.Action.CLOSE) {
                    turnAway(contact, queueId, deflection.promptId(), Outcome.DEFLECTED);
                } else {
                    enqueue(contact, deflection.queueId(), priority, false);
                }
                return;
            }
        }
        contact.state = ContactState.WAITING;
        enterQueue(contact, queueId);
        contact.priority = priority >= 0 ? priority
                : contact.priority >= 0 ? contact.priority : queue(queueId).defaultPriority();
        contact.joinedNs = nowNs;
        Agent preferred = contact.preferred >= 0 ? agents.get(contact.preferred) : null;
        boolean reserve = preferred != null && queue(queueId).preferredAgentMs() > 0 && serves(preferred, contact);
        if (reserve) {
            contact.reservedFor = preferred.index;
        }
        Decision d = decision(DecisionType.QUEUE_CONTACT);
        d.contactId = contact.id;
        d.queueId = queueId;
        d.priority = contact.priority;
        d.score = waitMs(ewtNs);
        d.agentId = contact.reservedFor;
        emit(d);
        if (offerCallback) {
            deflect(contact, queueId, deflection, ewtNs, waiting + 1);
        }
        if (reserve) {
            // Waits for its preferred agent alone for a while; no escalation meanwhile.
            if (available(preferred, queue(queueId).channel())) {
                offer(contact, preferred, OfferReason.PREFERRED_AGENT, 1, 0, -1);
            } else {
                contact.deadlineNs = nowNs + queue(queueId).preferredAgentMs() * 1_000_000L;
            }
            return;
        }
        joined(contact);
    }

    /** {@code QUEUE_CONTACT} for a contact already in its place (a transfer, the end of a preferred-agent wait). */
    private void announceWaiting(Contact contact) {
        Decision d = decision(DecisionType.QUEUE_CONTACT);
        d.contactId = contact.id;
        d.queueId = contact.queue;
        d.priority = contact.priority;
        d.score = waitMs(estimatedWaitNs(contact, positionInQueue(contact.id)));
        emit(d);
    }

    /** The wait for the preferred agent is over: due steps act, and any agent who serves it may take it. */
    private void endReservation(Contact contact) {
        contact.reservedFor = -1;
        announceWaiting(contact);
        if (stepDue(contact)) {
            escalate(contact);
            return;
        }
        escalationTimer(contact);
        joined(contact);
    }

    private void turnAway(Contact contact, int queueId, int promptId, int outcome) {
        contact.queue = queueId;
        Decision d = decision(DecisionType.PLAY_PROMPT);
        d.contactId = contact.id;
        d.promptId = promptId;
        d.languageId = contact.language;
        d.queueId = queueId;
        d.flags = Decision.FLAG_FINAL;
        emit(d);
        end(contact, outcome);
    }

    private void deflect(Contact contact, int queueId, Deflection deflection, long ewtNs, long waiting) {
        Decision d = decision(DecisionType.DEFLECT);
        d.contactId = contact.id;
        d.queueId = queueId;
        d.reason = deflection.action().code();
        d.score = waitMs(ewtNs);
        d.candidates = (int) waiting;
        emit(d);
    }

    /**
     * The estimated wait at a position for a contact like {@code probe} (its queue, tier and
     * language): 0 when an agent who serves it is idle, endless (MAX_VALUE) when no ready agent
     * serves it, -1 while the queue has no handling time, else position x handling time over the
     * ready agents' capacity on the channel.
     */
    private long estimatedWaitNs(Contact probe, long position) {
        if (!idleLine(probe).isEmpty()) {
            return 0;
        }
        long capacity = 0;
        for (Agent agent : agents) {
            if (agent.presence == AgentState.READY && !agent.channelOff[queue(probe.queue).channel().code()] && serves(agent, probe)) {
                capacity += agent.spec.capacityPerChannel()[queue(probe.queue).channel().code()];
            }
        }
        if (capacity == 0) {
            return Long.MAX_VALUE;
        }
        long pace = answerIntervalNs.getOrDefault(queue(probe.queue).name(), 0L);
        if (pace > 0) {
            return position * pace;
        }
        long aht = ahtNs.getOrDefault(queue(probe.queue).name(), 0L);
        return aht == 0 ? -1 : position * aht / capacity;
    }

    private static long waitMs(long ewtNs) {
        return ewtNs < 0 || ewtNs == Long.MAX_VALUE ? -1 : ewtNs / 1_000_000L;
    }

    private void handled(Contact contact) {
        if (contact.connectedNs >= 0) {
            long handledNs = Math.max(1, nowNs - contact.connectedNs);
            ahtNs.merge(queue(contact.queue).name(), handledNs, (aht, h) -> aht == 0 ? h : aht + (h - aht) / 8);
        }
    }

    private void enterQueue(Contact contact, int queueId) {
        contact.queue = queueId;
        contact.tier = 0;
        contact.step = 0;
        contact.enteredQueueNs = nowNs;
        escalationTimer(contact);
    }

    /** A waiting contact's timer is its queue's next step, if it has one. */
    private void escalationTimer(Contact contact) {
        List<EscalationStep> steps = queue(contact.queue).steps();
        contact.deadlineNs = contact.step < steps.size()
                ? Math.max(nowNs, contact.enteredQueueNs + steps.get(contact.step).afterMs() * 1_000_000L) : -1;
    }

    private boolean stepDue(Contact contact) {
        List<EscalationStep> steps = queue(contact.queue).steps();
        return contact.step < steps.size() && contact.enteredQueueNs + steps.get(contact.step).afterMs() * 1_000_000L <= nowNs;
    }

    /** Every due step acts in turn; then the contact waits for its next step and is offered if someone serves it. */
    private void escalate(Contact contact) {
        do {
            int index = contact.step++;
            EscalationStep step = queue(contact.queue).steps().get(index);
            if ((contact.flags & Decision.FLAG_CALLBACK) != 0 && step.action().passedByCallbackContacts()) {
                continue;
            }
            Decision d = decision(DecisionType.ESCALATE);
            d.contactId = contact.id;
            d.queueId = step.action() == EscalationStep.Action.OVERFLOW ? step.overflowQueueId() : contact.queue;
            d.reason = step.action().code();
            d.nodeId = index;
            d.priority = contact.priority;
            emit(d);
            switch (step.action()) {
                case WIDEN -> contact.tier++;
                case OVERFLOW -> enterQueue(contact, step.overflowQueueId());
                case OFFER_CALLBACK -> { }
                case CLOSE -> {
                    Decision p = decision(DecisionType.PLAY_PROMPT);
                    p.contactId = contact.id;
                    p.promptId = step.promptId();
                    p.languageId = contact.language;
                    p.queueId = contact.queue;
                    p.flags = Decision.FLAG_FINAL;
                    emit(p);
                    end(contact, Outcome.DEFLECTED);
                    return;
                }
            }
        } while (stepDue(contact));
        escalationTimer(contact);
        joined(contact);
    }

    /**
     * Whether the agent serves the contact where it is: capacity on the queue's channel, and the
     * queue's requirement or one of the widenings the contact has passed, with the language term
     * read as the skill named like the contact's language. Written out here, apart from the core's.
     */
    private boolean serves(Agent agent, Contact contact) {
        QueueSpec queue = queue(contact.queue);
        if (agent.spec.capacityPerChannel()[queue.channel().code()] <= 0) {
            return false;
        }
        List<Requirement> met = new ArrayList<>();
        met.add(queue.requirement());
        for (EscalationStep step : queue.steps()) {
            if (step.action() == EscalationStep.Action.WIDEN && met.size() <= contact.tier) {
                met.add(step.widen());
            }
        }
        String language = config.languages().get(contact.language);
        for (Requirement requirement : met) {
            for (int[] clause : requirement.clauses()) {
                boolean all = true;
                for (int t = 0; t < clause.length; t += 2) {
                    int skill = clause[t] == Requirement.CONTACT_LANGUAGE ? config.skills().indexOf(language) : clause[t];
                    all &= skill >= 0 && agent.spec.skillLevels()[skill] >= Math.max(1, clause[t + 1]);
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Where the queue's agent selection puts the agent for the contact (lower first): 0 for longest
     * idle; by skill otherwise, the skill being the best over the clauses it meets of each clause's
     * lowest level.
     */
    private int preference(Agent agent, Contact contact) {
        QueueSpec queue = queue(contact.queue);
        if (queue.selection() == AgentSelection.LONGEST_IDLE) {
            return 0;
        }
        if (queue.selection() == AgentSelection.LEAST_OCCUPIED) {
            return agent.idleOccupancy[contact.queue];
        }
        List<Requirement> met = new ArrayList<>();
        met.add(queue.requirement());
        for (EscalationStep step : queue.steps()) {
            if (step.action() == EscalationStep.Action.WIDEN && met.size() <= contact.tier) {
                met.add(step.widen());
            }
        }
        int languageSkill = config.skills().indexOf(config.languages().get(contact.language));
        int skill = 0;
        for (Requirement requirement : met) {
            for (int[] clause : requirement.clauses()) {
                int lowest = RoutingConfig.MAX_LEVEL + 1;
                for (int t = 0; t < clause.length; t += 2) {
                    int id = clause[t] == Requirement.CONTACT_LANGUAGE ? languageSkill : clause[t];
                    int level = id < 0 ? 0 : agent.spec.skillLevels()[id];
                    lowest = level >= Math.max(1, clause[t + 1]) ? Math.min(lowest, level) : 0;
                }
                skill = Math.max(skill, lowest);
            }
        }
        skill = Math.max(1, Math.min(RoutingConfig.MAX_LEVEL, skill));
        return queue.selection() == AgentSelection.MOST_SKILLED ? -skill : skill;
    }

    /** The core's lane of a contact, by name: agents who serve one contact of it serve all. */
    private String laneKey(Contact contact) {
        return contact.queue + "/" + contact.tier + "/" + (queue(contact.queue).usesLanguage() ? contact.language : -1);
    }

    /** Whether the agent serves some contact the queue could hold (any tier, any language). */
    private boolean servesAtAll(Agent agent, int queueId) {
        Contact probe = new Contact(-1);
        probe.queue = queueId;
        probe.tier = queue(queueId).steps().size();
        for (int language = 0; language < config.languages().size(); language++) {
            probe.language = language;
            if (serves(agent, probe)) {
                return true;
            }
        }
        return false;
    }


    /**
     * A contact joined (or returned to, or moved within) its queue: if agents who serve it wait, the
     * longest idle of them is offered the first contact of the queue that this agent serves.
     */
    private void joined(Contact contact) {
        List<Agent> idle = idleLine(contact);
        if (idle.isEmpty()) {
            return;
        }
        Agent chosen = idle.get(0);
        if (queue(contact.queue).selection() == AgentSelection.ROUND_ROBIN) {
            roundRobinNext.put(laneKey(contact), chosen.index + 1);
        }
        Contact first = null;
        for (Contact c : waiting(contact.queue)) {
            if (c.reservedFor < 0 && serves(chosen, c)) {
                first = c;
                break;
            }
        }
        offer(first, chosen, OfferReason.forSelection(queue(contact.queue).selection()), idle.size(),
                chosen.idleSinceNs[contact.queue],
                idle.size() > 1 ? idle.get(1).index : -1);
    }

    /** The agents available for the contact, longest idle first. */
    private List<Agent> idleLine(Contact contact) {
        int queueId = contact.queue;
        List<Agent> line = new ArrayList<>();
        for (Agent a : agents) {
            if (a.idle[queueId] && serves(a, contact)) {
                line.add(a);
            }
        }
        if (queue(queueId).selection() == AgentSelection.ROUND_ROBIN) {
            int next = roundRobinNext.getOrDefault(laneKey(contact), 0);
            line.sort(Comparator.comparingInt(a -> Math.floorMod(a.index - next, agents.size())));
            return line;
        }
        line.sort(Comparator.<Agent>comparingInt(a -> preference(a, contact)).thenComparingLong(a -> a.idleTurn[queueId]));
        return line;
    }

    private List<Contact> waiting(int queueId) {
        List<Contact> waiting = new ArrayList<>();
        for (Contact c : contacts) {
            if (c.state == ContactState.WAITING && c.queue == queueId) {
                waiting.add(c);
            }
        }
        waiting.sort(queueOrder(queueId));
        return waiting;
    }

    /** Priority aged with waiting time (rank = joined - priority * agingStep), then join time, then id. */
    private Comparator<Contact> queueOrder(int queueId) {
        long agingMs = queue(queueId).priorityAgingMs();
        if (agingMs == 0) {
            return Comparator.<Contact>comparingInt(c -> -c.priority).thenComparing(JOIN_ORDER);
        }
        return Comparator.<Contact>comparingLong(c -> c.joinedNs - c.priority * agingMs * 1_000_000L).thenComparing(JOIN_ORDER);
    }

    /** Effective priority in thousandths of a level: priority plus levels gained by waiting. */
    private long effectivePriorityMilli(Contact c) {
        long agingMs = queue(c.queue).priorityAgingMs();
        long aged = agingMs == 0 ? 0 : Math.max(0, nowNs - c.joinedNs) * 1000 / (agingMs * 1_000_000L);
        return c.priority * 1000L + aged;
    }

    /** The agent takes the best queue heads it can, one offer at a time. */
    private void route(Agent agent) {
        if (agent.pauseReason == PauseReason.LOGOUT_PENDING) {
            logOutIfFree(agent);
            return;
        }
        while (agent.presence == AgentState.READY) {
            Contact reserved = null;
            for (Contact c : contacts) {
                if (c.state == ContactState.WAITING && c.reservedFor == agent.index && available(agent, queue(c.queue).channel())
                        && (reserved == null || JOIN_ORDER.compare(c, reserved) < 0)) {
                    reserved = c;
                }
            }
            if (reserved != null) {
                offer(reserved, agent, OfferReason.PREFERRED_AGENT, 1, 0, -1);
                continue;
            }
            List<Contact> heads = new ArrayList<>();
            for (int q = 0; q < config.queues().size(); q++) {
                if (available(agent, queue(q).channel())) {
                    // Within a queue its order decides; between queues, aged priority.
                    for (Contact c : waiting(q)) {
                        if (c.reservedFor < 0 && serves(agent, c)) {
                            heads.add(c);
                            break;
                        }
                    }
                }
            }
            if (heads.isEmpty()) {
                return;
            }
            heads.sort(Comparator.<Contact>comparingLong(c -> -effectivePriorityMilli(c))
                    .thenComparingLong(c -> -(nowNs - c.joinedNs) * queue(c.queue).weightPercent())
                    .thenComparingLong(c -> c.id));
            Contact best = heads.get(0);
            offer(best, agent, OfferReason.BEST_WAITING_CONTACT, heads.size(), effectivePriorityMilli(best),
                    heads.size() > 1 ? heads.get(1).id : -1);
        }
    }

    private void offer(Contact contact, Agent agent, int reason, int candidates, long score, long runnerUp) {
        QueueSpec queue = queue(contact.queue);
        boolean interrupts = queue.channel() == Channel.VOICE && deferrableLoad(agent) > 0;
        contact.state = ContactState.OFFERED;
        contact.agent = agent.index;
        contact.reservedFor = -1;
        refresh(agent, true);
        contact.deadlineNs = nowNs + queue.offerTimeoutMs() * 1_000_000L;
        Decision d = decision(DecisionType.OFFER_CONTACT);
        d.contactId = contact.id;
        d.agentId = contact.agent;
        d.queueId = contact.queue;
        d.priority = contact.priority;
        d.reason = reason;
        d.candidates = candidates;
        d.score = score;
        d.runnerUp = runnerUp;
        d.nodeId = contact.step;
        d.flags = (contact.flags & Decision.FLAG_CALLBACK) | (contact.introduces && contact.holder >= 0 ? Decision.FLAG_INTRODUCE : 0)
                | (interrupts ? Decision.FLAG_INTERRUPTS : 0);
        emit(d);
    }

    private void callback(Command c) {
        Contact contact = live(c);
        if (contact == null) {
            return;
        }
        if (contact.state != ContactState.WAITING) {
            reject(RejectReason.ILLEGAL_TRANSITION, c);
            return;
        }
        contact.flags |= Decision.FLAG_CALLBACK;
        Decision d = decision(DecisionType.CALLBACK_SCHEDULED);
        d.contactId = contact.id;
        d.queueId = contact.queue;
        emit(d);
    }

    // ---------------------------------------------------------------- offers and conversations

    /** The command's contact if it is in {@code expected} state and held by the command's agent; else rejects. */
    private Contact held(Command c, ContactState expected) {
        Contact contact = live(c);
        if (contact == null) {
            return null;
        }
        if (contact.state != expected) {
            reject(RejectReason.ILLEGAL_TRANSITION, c);
            return null;
        }
        if (contact.agent != c.agentId) {
            reject(RejectReason.WRONG_AGENT, c);
            return null;
        }
        return contact;
    }

    private void accept(Command c) {
        Contact contact = held(c, ContactState.OFFERED);
        if (contact != null) {
            contact.deadlineNs = -1;
            contact.state = ContactState.CONNECTED;
            contact.connectedNs = nowNs;
            String name = queue(contact.queue).name();
            if (backlogAfterAnswer.getOrDefault(name, false)) {
                long interval = Math.max(1, nowNs - lastAnswerNs.get(name));
                answerIntervalNs.merge(name, interval, (mean, i) -> mean == 0 ? i : mean + (i - mean) / 8);
            }
            lastAnswerNs.put(name, nowNs);
            backlogAfterAnswer.put(name, !waiting(contact.queue).isEmpty());
            if (contact.holder >= 0 && !contact.introduces) {
                releaseHolder(contact, ReleaseReason.ACCEPTED);
            }
        }
    }

    private void decline(Command c) {
        Contact contact = held(c, ContactState.OFFERED);
        if (contact == null) {
            return;
        }
        Agent agent = agents.get(contact.agent);
        release(contact);
        returnToQueue(contact);
        route(agent);
    }

    private void abandon(Command c) {
        Contact contact = live(c);
        if (contact == null) {
            return;
        }
        switch (contact.state) {
            case SELF_SERVICE -> end(contact, Outcome.ABANDONED_IN_SELF_SERVICE);
            case WAITING -> end(contact, Outcome.ABANDONED);
            case OFFERED -> {
                Agent agent = agents.get(contact.agent);
                retract(contact);
                contact.state = ContactState.NONE; // no longer in the agent's load; the end still names the agent
                contact.deadlineNs = -1;
                // The core files the agent idle again after the end, and after a warm transfer's first agent it releases.
                end(contact, Outcome.ABANDONED);
                refresh(agent, false);
                route(agent);
            }
            default -> reject(RejectReason.ILLEGAL_TRANSITION, c);
        }
    }

    private void endConversation(Command c) {
        Contact contact = live(c);
        if (contact == null) {
            return;
        }
        if (contact.state != ContactState.CONNECTED) {
            reject(RejectReason.ILLEGAL_TRANSITION, c);
            return;
        }
        Agent agent = agents.get(contact.agent);
        long wrapUpMs = queue(contact.queue).maxWrapUpMs();
        emitEnd(contact, Outcome.ANSWERED);
        if (contact.holder >= 0) {
            releaseHolder(contact, ReleaseReason.CONTACT_ENDED); // it was still introducing
        }
        if (wrapUpMs > 0) {
            contact.state = ContactState.WRAP_UP;
            contact.deadlineNs = nowNs + wrapUpMs * 1_000_000L;
        } else {
            handled(contact);
            contacts.remove(contact);
            refresh(agent, false);
            route(agent);
        }
    }

    private void wrapUpDone(Command c) {
        Contact contact = held(c, ContactState.WRAP_UP);
        if (contact == null) {
            return;
        }
        finishWrapUp(contact, false);
    }

    private void finishWrapUp(Contact contact, boolean timedOut) {
        Agent agent = agents.get(contact.agent);
        handled(contact);
        contacts.remove(contact);
        refresh(agent, false);
        if (timedOut) {
            tellAgentState(agent, contact.id);
        }
        route(agent);
    }

    private void transfer(Command c) {
        Contact contact = held(c, ContactState.CONNECTED);
        if (contact == null) {
            return;
        }
        if (c.queueId < 0 || c.queueId >= config.queues().size()) {
            reject(RejectReason.UNKNOWN_QUEUE, c);
            return;
        }
        if (queue(c.queueId).channel() != queue(contact.queue).channel()) {
            reject(RejectReason.WRONG_CHANNEL, c);
            return;
        }
        boolean introduce = c.reason == Command.TRANSFER_INTRODUCE;
        boolean warm = introduce || c.reason == Command.TRANSFER_WARM;
        if (warm && (queue(c.queueId).deferrable() || queue(contact.queue).deferrable())) {
            reject(RejectReason.INVALID_ARGUMENT, c);
            return;
        }
        Agent agent = agents.get(contact.agent);
        if (contact.holder >= 0) {
            releaseHolder(contact, ReleaseReason.INTRODUCED); // the introducer goes when the contact moves on
        }
        contact.introduces = introduce;
        if (warm) {
            contact.holder = agent.index; // the contact stays in the agent's load, and the agent takes nothing new
            contact.holderQueue = contact.queue;
            contact.agent = -1;
            contact.deadlineNs = -1;
            refresh(agent, false);
        } else {
            release(contact);
        }
        Decision d = decision(DecisionType.TRANSFER_CONTACT);
        d.contactId = contact.id;
        d.agentId = agent.index;
        d.queueId = c.queueId;
        d.flags = warm ? Decision.FLAG_WARM | (introduce ? Decision.FLAG_INTRODUCE : 0) : 0;
        emit(d);
        // The citizen keeps the time they joined: a transfer costs no place.
        contact.state = ContactState.WAITING;
        contact.connectedNs = -1;
        contact.preferred = -1;
        enterQueue(contact, c.queueId);
        announceWaiting(contact);
        Agent target = c.input >= 0 && c.input < agents.size() ? agents.get(c.input) : null;
        if (target != null && target != agent && serves(target, contact)
                && available(target, queue(contact.queue).channel())) {
            // A transfer to a named agent who can take it now.
            offer(contact, target, OfferReason.TRANSFERRED_TO_AGENT, 1, 0, -1);
        } else {
            joined(contact);
        }
        route(agent);
    }

    private void leave(Command c) {
        Contact contact = live(c);
        if (contact == null) {
            return;
        }
        if (contact.holder < 0) {
            reject(RejectReason.ILLEGAL_TRANSITION, c);
        } else if (contact.holder != c.agentId && contact.state == ContactState.CONNECTED && contact.agent == c.agentId) {
            returnToHolder(contact);
        } else if (contact.holder != c.agentId) {
            reject(RejectReason.WRONG_AGENT, c);
        } else {
            releaseHolder(contact, contact.state == ContactState.CONNECTED ? ReleaseReason.INTRODUCED : ReleaseReason.LEFT);
        }
    }

    /**
     * The agent who accepted an introduction left it: the introducer has the contact alone again, in the
     * queue it was in before the transfer; the one who left is free.
     */
    private void returnToHolder(Contact contact) {
        Agent joined = agents.get(contact.agent);
        Agent holder = agents.get(contact.holder);
        contact.agent = holder.index;
        contact.queue = contact.holderQueue;
        contact.holder = -1;
        contact.holderQueue = -1;
        contact.introduces = false;
        Decision d = decision(DecisionType.TRANSFER_RELEASED);
        d.contactId = contact.id;
        d.agentId = joined.index;
        d.queueId = contact.queue;
        d.reason = ReleaseReason.RETURNED;
        emit(d);
        refresh(joined, false);
        route(joined);
        refresh(holder, false);
        route(holder);
    }

    /** The first agent of a warm transfer is free of the contact; it takes what waits for it. */
    private void releaseHolder(Contact contact, int reason) {
        Agent holder = agents.get(contact.holder);
        contact.holder = -1;
        contact.holderQueue = -1;
        contact.introduces = false;
        Decision d = decision(DecisionType.TRANSFER_RELEASED);
        d.contactId = contact.id;
        d.agentId = holder.index;
        d.queueId = contact.queue;
        d.reason = reason;
        emit(d);
        refresh(holder, false);
        route(holder);
    }

    /** The agent no longer holds the contact; the contact is between places (the caller puts it somewhere). */
    private void release(Contact contact) {
        Agent agent = agents.get(contact.agent);
        contact.state = ContactState.NONE;
        contact.agent = -1;
        contact.deadlineNs = -1;
        refresh(agent, false);
    }

    private void returnToQueue(Contact contact) {
        contact.state = ContactState.WAITING;
        contact.agent = -1;
        if (stepDue(contact)) {
            escalate(contact);
            return;
        }
        escalationTimer(contact);
        joined(contact);
    }

    private void retract(Contact contact) {
        Decision d = decision(DecisionType.RETRACT_OFFER);
        d.contactId = contact.id;
        d.agentId = contact.agent;
        d.queueId = contact.queue;
        emit(d);
    }

    private void end(Contact contact, int outcome) {
        emitEnd(contact, outcome);
        contacts.remove(contact);
        if (contact.holder >= 0) {
            releaseHolder(contact, ReleaseReason.CONTACT_ENDED);
        }
    }

    private void emitEnd(Contact contact, int outcome) {
        ended[outcome]++;
        Decision d = decision(DecisionType.END_CONTACT);
        d.contactId = contact.id;
        d.queueId = contact.queue;
        d.agentId = contact.agent;
        d.outcome = outcome;
        emit(d);
    }

    // ---------------------------------------------------------------- agents

    private void login(Command c) {
        if (c.agentId < 0 || c.agentId >= agents.size()) {
            reject(RejectReason.UNKNOWN_AGENT, c);
            return;
        }
        Agent agent = agents.get(c.agentId);
        if (agent.presence != AgentState.LOGGED_OUT) {
            reject(RejectReason.ILLEGAL_TRANSITION, c);
            return;
        }
        setPresence(agent, AgentState.READY, PauseReason.UNSPECIFIED);
        route(agent);
    }

    private void changeState(Command c) {
        if (c.agentId < 0 || c.agentId >= agents.size()) {
            reject(RejectReason.UNKNOWN_AGENT, c);
            return;
        }
        Agent agent = agents.get(c.agentId);
        boolean loggedOut = agent.presence == AgentState.LOGGED_OUT;
        if (c.agentState == AgentState.READY.code() || c.agentState == AgentState.PAUSED.code()) {
            if (loggedOut) {
                reject(RejectReason.ILLEGAL_TRANSITION, c);
            } else if (c.agentState == AgentState.READY.code()) {
                setPresence(agent, AgentState.READY, PauseReason.UNSPECIFIED);
                route(agent);
            } else {
                setPresence(agent, AgentState.PAUSED, Math.max(PauseReason.UNSPECIFIED, c.reason));
            }
        } else if (c.agentState == AgentState.LOGGED_OUT.code()) {
            if (totalLoad(agent) > 0) {
                setPresence(agent, AgentState.PAUSED, PauseReason.LOGOUT_PENDING); // out once it holds nothing
                tellAgentState(agent, -1);
            } else {
                setPresence(agent, AgentState.LOGGED_OUT, PauseReason.UNSPECIFIED);
            }
        } else {
            reject(RejectReason.INVALID_ARGUMENT, c);
        }
    }

    /** A channel switched off is offered no more; switched on, the agent is routed (what it could take may wait). */
    private void setChannel(Command c) {
        if (c.agentId < 0 || c.agentId >= agents.size()) {
            reject(RejectReason.UNKNOWN_AGENT, c);
            return;
        }
        if (c.channel < 0 || c.channel >= Channel.COUNT || c.input < 0 || c.input > 1) {
            reject(RejectReason.INVALID_ARGUMENT, c);
            return;
        }
        Agent agent = agents.get(c.agentId);
        boolean off = c.input == 0;
        if (agent.channelOff[c.channel] == off) {
            return;
        }
        agent.channelOff[c.channel] = off;
        refresh(agent, off); // off: the back of its other lines, as after taking work
        if (!off && agent.presence == AgentState.READY) {
            route(agent);
        }
    }

    /** A pending logout completes when the agent holds nothing. */
    private void logOutIfFree(Agent agent) {
        if (totalLoad(agent) == 0) {
            setPresence(agent, AgentState.LOGGED_OUT, PauseReason.UNSPECIFIED);
            tellAgentState(agent, -1);
        }
    }

    /** The agent's presence and pause reason; {@code contactId} names a wrap-up limit's contact, else -1. */
    private void tellAgentState(Agent agent, long contactId) {
        Decision d = decision(DecisionType.AGENT_STATE);
        d.contactId = contactId;
        d.agentId = agent.index;
        d.agentState = agent.presence.code();
        d.reason = agent.pauseReason;
        emit(d);
    }

    private void setPresence(Agent agent, AgentState presence, int reason) {
        if (agent.presence == AgentState.LOGGED_OUT && presence != AgentState.LOGGED_OUT) {
            agent.loginNs = nowNs;
        } else if (agent.presence != AgentState.LOGGED_OUT && presence == AgentState.LOGGED_OUT) {
            agent.loggedInBeforeNs += nowNs - agent.loginNs;
        }
        agent.presence = presence;
        agent.pauseReason = presence == AgentState.PAUSED ? reason : PauseReason.UNSPECIFIED;
        refresh(agent, false);
    }

    /**
     * Keeps the agent's places in the queues' idle lines true to its availability: it joins the
     * back of a line when it becomes available for the queue's channel and leaves when it no longer
     * is; an agent that just took work goes to the back of every line it stays in.
     */
    private void refresh(Agent agent, boolean tookWork) {
        boolean busy = totalLoad(agent) > 0;
        if (busy && agent.busySinceNs < 0) {
            agent.busySinceNs = nowNs;
        } else if (!busy && agent.busySinceNs >= 0) {
            agent.busyNs += nowNs - agent.busySinceNs;
            agent.busySinceNs = -1;
        }
        for (int q = 0; q < config.queues().size(); q++) {
            if (!servesAtAll(agent, q)) {
                continue;
            }
            boolean available = available(agent, queue(q).channel());
            if (agent.idle[q] && (!available || tookWork)) {
                agent.idle[q] = false;
            }
            if (available && !agent.idle[q]) {
                agent.idle[q] = true;
                agent.idleSinceNs[q] = nowNs;
                agent.idleTurn[q] = ++turns;
                agent.idleOccupancy[q] = occupancyTenths(agent);
            }
        }
    }

    /**
     * Ready, the channel not switched off, below capacity on it, not staying with a citizen after a
     * warm transfer, and voice exclusive: voice needs a free agent, other channels no voice.
     */
    private boolean available(Agent agent, Channel channel) {
        if (agent.presence != AgentState.READY || agent.channelOff[channel.code()]
                || load(agent, channel) >= agent.spec.capacityPerChannel()[channel.code()]
                || contacts.stream().anyMatch(c -> c.holder == agent.index)) {
            return false;
        }
        return channel == Channel.VOICE ? totalLoad(agent) == deferrableLoad(agent) : load(agent, Channel.VOICE) == 0;
    }

    private int load(Agent agent, Channel channel) {
        int load = 0;
        for (Contact c : contacts) {
            int places = places(c, agent);
            if (places > 0 && queue(c.queue).channel() == channel) {
                load += places;
            }
        }
        return load;
    }

    /** A new day: occupancy counts from now for everyone. */
    private void newDay() {
        for (Agent agent : agents) {
            agent.loggedInBeforeNs = 0;
            agent.loginNs = nowNs;
            agent.busyNs = 0;
            if (agent.busySinceNs >= 0) {
                agent.busySinceNs = nowNs;
            }
        }
    }

    /** Time holding contacts over time logged in today, in tenths (0..9). */
    private int occupancyTenths(Agent agent) {
        long span = agent.loggedInBeforeNs + (agent.presence == AgentState.LOGGED_OUT ? 0 : nowNs - agent.loginNs);
        if (span <= 0) {
            return 0;
        }
        long busy = agent.busyNs + (agent.busySinceNs >= 0 ? nowNs - agent.busySinceNs : 0);
        return (int) Math.min(9, busy * 10 / span);
    }

    /** Held contacts of deferrable queues: a call may interrupt them. */
    private int deferrableLoad(Agent agent) {
        int load = 0;
        for (Contact c : contacts) {
            if (c.agent == agent.index && holds(c) && queue(c.queue).deferrable()) {
                load++;
            }
        }
        return load;
    }

    private int totalLoad(Agent agent) {
        int load = 0;
        for (Contact c : contacts) {
            load += places(c, agent);
        }
        return load;
    }

    /** The places the contact takes in the agent's capacity: as its agent, and as the first agent of its warm transfer. */
    private static int places(Contact c, Agent agent) {
        return (c.agent == agent.index && holds(c) ? 1 : 0) + (c.holder == agent.index ? 1 : 0);
    }

    private static boolean holds(Contact c) {
        return c.state == ContactState.OFFERED || c.state == ContactState.CONNECTED || c.state == ContactState.WRAP_UP;
    }

    private AgentState state(Agent agent) {
        if (agent.presence == AgentState.LOGGED_OUT) {
            return AgentState.LOGGED_OUT;
        }
        int index = agent.index;
        boolean offered = false;
        boolean connected = false;
        boolean wrapUp = false;
        for (Contact c : contacts) {
            if (c.agent == index) {
                offered |= c.state == ContactState.OFFERED;
                connected |= c.state == ContactState.CONNECTED;
                wrapUp |= c.state == ContactState.WRAP_UP;
            }
            connected |= c.holder == index; // the first agent of a warm transfer is still with the citizen
        }
        return offered ? AgentState.OFFERED : connected ? AgentState.BUSY : wrapUp ? AgentState.WRAP_UP : agent.presence;
    }

    // ---------------------------------------------------------------- timers

    private void fireDueTimers() {
        while (true) {
            Contact due = null;
            for (Contact c : contacts) {
                if (c.deadlineNs >= 0 && c.deadlineNs <= nowNs && (due == null || c.deadlineNs < due.deadlineNs
                        || c.deadlineNs == due.deadlineNs && c.id < due.id)) {
                    due = c;
                }
            }
            if (due == null) {
                return;
            }
            due.deadlineNs = -1;
            switch (due.state) {
                case OFFERED -> noAnswer(due);
                case SELF_SERVICE -> wrongOrNoInput(due);
                case WRAP_UP -> finishWrapUp(due, true);
                case WAITING -> {
                    if (due.reservedFor >= 0) {
                        endReservation(due);
                    } else {
                        escalate(due);
                    }
                }
                default -> throw new IllegalStateException("timer of contact " + due.id + " in state " + due.state);
            }
        }
    }

    /** The offer timed out: the contact returns to its place and the agent is paused for not answering. */
    private void noAnswer(Contact contact) {
        Agent agent = agents.get(contact.agent);
        retract(contact);
        release(contact);
        if (agent.pauseReason == PauseReason.LOGOUT_PENDING) {
            logOutIfFree(agent);
        } else {
            setPresence(agent, AgentState.PAUSED, PauseReason.NO_ANSWER);
            tellAgentState(agent, -1);
        }
        returnToQueue(contact);
    }

    // ---------------------------------------------------------------- decisions

    private Contact find(long id) {
        for (Contact c : contacts) {
            if (c.id == id) {
                return c;
            }
        }
        return null;
    }

    private Contact live(Command c) {
        Contact contact = c.contactId < 0 ? null : find(c.contactId);
        if (contact == null) {
            reject(RejectReason.UNKNOWN_CONTACT, c);
        }
        return contact;
    }

    private QueueSpec queue(int id) {
        return config.queues().get(id);
    }

    private void reject(int reason, Command c) {
        rejected[reason]++;
        Decision d = decision(DecisionType.REJECT_COMMAND);
        d.reason = reason;
        d.commandType = c.type == null ? Decision.NONE : c.type.code();
        d.contactId = c.contactId;
        d.agentId = c.agentId;
        emit(d);
    }

    private Decision decision(DecisionType type) {
        Decision d = new Decision();
        d.type = type;
        d.causeSequence = sequence;
        d.timestampNs = nowNs;
        return d;
    }

    private void emit(Decision d) {
        decisionsIssued++;
        sink.onDecision(d);
    }

    // ---------------------------------------------------------------- the same queries as the core

    long nowNs() {
        return nowNs;
    }

    long commandsApplied() {
        return commandsApplied;
    }

    long decisionsIssued() {
        return decisionsIssued;
    }

    long rejected(int reason) {
        return rejected[reason];
    }

    long ended(int outcome) {
        return ended[outcome];
    }

    int agentCount() {
        return agents.size();
    }

    AgentState agentState(int agent) {
        return agent < 0 || agent >= agents.size() ? AgentState.LOGGED_OUT : state(agents.get(agent));
    }

    int agentPauseReason(int agent) {
        return agents.get(agent).pauseReason;
    }

    int agentLoad(int agent, Channel channel) {
        return load(agents.get(agent), channel);
    }

    boolean agentAvailable(int agent, Channel channel) {
        return available(agents.get(agent), channel);
    }

    ContactState contactState(long id) {
        Contact c = find(id);
        return c == null ? ContactState.NONE : c.state;
    }

    int contactQueue(long id) {
        Contact c = find(id);
        return c == null ? -1 : c.queue;
    }

    int contactAgent(long id) {
        Contact c = find(id);
        return c == null ? -1 : c.agent;
    }

    int positionInQueue(long id) {
        Contact c = find(id);
        if (c == null || c.state != ContactState.WAITING) {
            return -1;
        }
        // Contacts waiting for their own preferred agent are off the queue's lists: not ahead of anyone.
        List<Contact> line = new ArrayList<>(waiting(c.queue));
        line.removeIf(other -> other != c && other.reservedFor >= 0);
        return line.indexOf(c) + 1;
    }

    int waitingCount(int queue) {
        return waiting(queue).size();
    }

    /** Ids of the contacts waiting in the queue, first first: position {@code i + 1} is element {@code i}. */
    List<Long> waitingOrder(int queue) {
        List<Long> ids = new ArrayList<>();
        for (Contact c : waiting(queue)) {
            ids.add(c.id);
        }
        return ids;
    }

    int liveContacts() {
        return contacts.size();
    }

    int announcementPrompt() {
        return announcement == null ? -1 : announcement;
    }

    /** Ids of the live contacts, for comparing per-contact queries. */
    List<Long> liveContactIds() {
        List<Long> ids = new ArrayList<>();
        for (Contact c : contacts) {
            ids.add(c.id);
        }
        return ids;
    }
}
