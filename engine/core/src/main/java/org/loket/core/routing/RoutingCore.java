package org.loket.core.routing;

import java.util.List;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.Deflection;
import org.loket.core.config.EntrySpec;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionSink;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.OfferReason;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.RejectReason;
import org.loket.core.decision.ReleaseReason;
import org.loket.core.state.StateHasher;
import org.loket.core.state.StateReader;
import org.loket.core.state.StateWriter;

/**
 * The deterministic routing state machine. Commands go in through {@link #apply(Command)};
 * decisions come out, synchronously and in order, through the {@link DecisionSink} given at
 * construction.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>One thread calls this object; it holds no locks and starts no threads.</li>
 * <li>Time enters only as {@link Command#timestampNs}: the core's clock is the largest timestamp
 *     seen, so it never goes back. Due timers fire before the command that made them due.</li>
 * <li>Same configuration and same commands give the same decisions and the same
 *     {@link #stateHash()}, on any machine: no clock, randomness, IO, hash-order or floating point.</li>
 * <li>Bad input (unknown ids, illegal transitions) is answered with a
 *     {@link DecisionType#REJECT_COMMAND} decision and counted, never an exception. An exception out
 *     of {@code apply} is a bug in the core: the host halts and recovers by replay.</li>
 * <li>No allocation per command in steady state (configuration changes and snapshots allocate).</li>
 * </ul>
 *
 * <h2>Routing rules</h2>
 * <ul>
 * <li>A queue orders its contacts by priority aged with waiting time (rank
 *     {@code joinedNs - priority * agingStep}), then join time, then contact id.</li>
 * <li>An agent serves a contact when it has capacity on the queue's channel (and has not switched
 *     that channel off: {@link CommandType#AGENT_CHANNEL_SET}) and meets the queue's
 *     {@link org.loket.core.config.Requirement} (skills at levels, AND/OR, the contact's language),
 *     or one of the widening escalation steps the contact has passed.</li>
 * <li>A contact that needs an agent goes to the longest-idle agent who serves it and can take one
 *     more contact of that channel (or the one the queue's selection picks: most or least skilled,
 *     least occupied today, round robin); that agent is offered the first contact, in queue order, of
 *     those of the queue it serves (the joining one, or one before it).</li>
 * <li>Occupancy (least occupied) counts every login of the day together and starts again at
 *     {@code DAY_STARTED}; it is taken when the agent becomes available.</li>
 * <li>An agent who becomes available takes, per queue it serves, the first contact in queue order
 *     it serves, and between queues the one of highest effective (aged) priority, then earliest
 *     join, then lowest contact id: one fair order over all its queues.</li>
 * <li>Escalation: {@code afterMs} after a contact entered its current queue, each step acts on it
 *     while it waits ({@code ESCALATE}): widen (more agents serve it from now on), overflow (it moves
 *     to another queue keeping its join time; that queue's steps count from the move), offer a
 *     callback (the adapter asks), close (final prompt, outcome {@code DEFLECTED}). A step that falls
 *     due while the contact is offered acts when the offer ends, before it is offered again. A
 *     contact that asked for a callback passes callback and close steps silently.</li>
 * <li>An offer not accepted within the queue's {@code offerTimeoutMs} is retracted: the contact
 *     returns to its place and the agent is paused with {@link PauseReason#NO_ANSWER} (an agent
 *     whose logout is pending stays so, and is logged out if that was its last contact).</li>
 * <li>A logout while the agent holds contacts (offered, talking, in wrap-up, staying with a warm
 *     transfer) is pending: the agent is paused with {@link PauseReason#LOGOUT_PENDING}, which an
 *     {@code AGENT_STATE} decision says, is offered nothing new, and is logged out (another
 *     {@code AGENT_STATE}) as soon as it holds none. A later ready or pause cancels it.</li>
 * <li>After every command no available agent serves a waiting contact.</li>
 * <li>An operator's emergency closure ({@code QUEUE_CLOSURE_SET}) turns away contacts about to join
 *     the queue: they hear the closure prompt ({@code PLAY_PROMPT} with no node, final) and end
 *     {@code CLOSED}. Contacts already waiting keep their place; transfers into the queue still
 *     work. Closures outlive a configuration change.</li>
 * <li>A menu's input timeout counts from its {@code PLAY_PROMPT}, and again from the adapter's
 *     {@code PROMPT_PLAYED} for that node: a long prompt is not cut short.</li>
 * <li>Business hours ({@code QUEUE_HOURS_SET}, from the host's schedule) close and open a queue the
 *     same way, apart from the emergency closure: a contact turned away ends {@code OUTSIDE_HOURS}.
 *     While both are set, the emergency closure's prompt and outcome win.</li>
 * <li>An operator's service announcement ({@code ANNOUNCEMENT_SET}) is rendered to every voice and
 *     chat contact that arrives while it is set, before its flow ({@code ANNOUNCE}); e-mail and
 *     social work items are not told. It outlives a configuration change (by prompt name).</li>
 * <li>A transfer goes into a queue of the contact's own channel ({@link RejectReason#WRONG_CHANNEL}
 *     otherwise). It may name an agent: when that agent qualifies for the target queue and can take
 *     the contact now, it is offered to them at once; otherwise it waits in the queue in its place.
 *     A cold transfer frees the agent at once. A warm one ({@link Command#TRANSFER_WARM}; not for
 *     deferrable queues, {@link RejectReason#INVALID_ARGUMENT}) leaves the contact's place in the
 *     agent's capacity until another agent accepts it, it ends, or the agent leaves it
 *     ({@code TRANSFER_LEFT}): then {@code TRANSFER_RELEASED} says why. Meanwhile that agent is
 *     offered nothing new (its attention is on the hand-over; nor is the contact offered back).
 *     A warm transfer that introduces ({@link Command#TRANSFER_INTRODUCE}; its offers carry
 *     {@link Decision#FLAG_INTRODUCE}) keeps the first agent after the next one accepts: the three
 *     talk until the first leaves ({@code TRANSFER_LEFT}: released as {@link ReleaseReason#INTRODUCED}),
 *     the contact ends, or the next agent transfers it on (the first is released first). When the
 *     next agent leaves first ({@code TRANSFER_LEFT} naming them), the contact is back with the first
 *     alone, in the queue it was in before the transfer (as if it had not been made: its end, wrap-up
 *     limit and handling time count there): the next is released as {@link ReleaseReason#RETURNED},
 *     without wrap-up.</li>
 * <li>A flow's queue leaf (and a menu's fallback) may name another queue per channel
 *     ({@link FlowNode#queueFor}): the chatbot walks the IVR's flow and still lands in a chat queue.</li>
 * </ul>
 *
 * <h2>Configuration changes</h2>
 * The first {@code CONFIG_APPLIED} installs a configuration. A later one is a live reload: it is
 * applied during traffic when everything live has a place in it ({@link #reloadBlocker}), and
 * otherwise rejected with {@link RejectReason#CONFIGURATION_IN_FLIGHT}, the running configuration
 * staying. How contacts and agents move over is the rule of {@link #migrate}: no contact is lost,
 * none changes state, no agent is double-booked.
 */
public final class RoutingCore {
    /**
     * Format of {@link #writeState}; a reader refuses a newer one and reads older ones. Version 14 added
     * the queue a warmly transferred contact came from (older states: the queue it is in); 15 the
     * channels each agent has switched off (older states: none).
     */
    public static final int STATE_FORMAT_VERSION = 15;

    private final DecisionSink sink;
    private final Decision decision = new Decision();

    private RoutingConfig config;
    private byte[] configBytes;
    private QueueSpec[] queues;
    private EntrySpec[] entries;
    private FlowNode[] nodes;
    private long[] offerTimeoutNs;
    private long[] wrapUpNs;
    private long[] inputTimeoutNs;
    /** Per queue, its escalation steps and when each acts (ns after the contact entered the queue). */
    private EscalationStep[][] steps;
    private long[][] stepAfterNs;
    private Lanes lanes;
    /** Whether some queue waits for preferred agents: otherwise no contact is ever reserved and routing skips the lists. */
    private boolean anyPreferred;
    /**
     * Per queue, the average handling time (accepted to released, wrap-up included) as an
     * exponentially weighted mean over contacts, 1/8 per contact, in ns; 0 until one was handled.
     */
    private long[] ahtNs;
    /**
     * Per queue, the queue's own pace: the moving mean (1/8 per answer) of the time between two
     * answers while contacts kept waiting in it, in ns (0 = not seen yet), the last answer's time and
     * whether contacts still waited right after it. It sees what the handling-time model cannot:
     * agents shared with other queues, contacts that overtake, callers who give up ahead.
     */
    private long[] answerIntervalNs;
    private long[] lastAnswerNs;
    private boolean[] backlogAfterAnswer;
    /** An estimated wait when nobody who serves the contact is ready: it would wait for ever. */
    private static final long ENDLESS = Long.MAX_VALUE;
    /** Per queue, the prompt of an operator's emergency closure, or -1 when open. */
    private int[] closurePrompt;
    /** Per queue, the prompt while its business hours (or a holiday) keep it closed, or -1 when open. */
    private int[] hoursPrompt;
    /** The prompt of the operator's service announcement, or -1 when none is set. */
    private int announcementPrompt = -1;
    private Agents agents;
    private Contacts contacts;
    private DeadlineHeap timers;

    private long nowNs;
    private long sequence;
    private long commandsApplied;
    private long decisionsIssued;
    private final long[] rejectedByReason = new long[RejectReason.COUNT];
    private final long[] endedByOutcome = new long[Outcome.COUNT];

    /** @param sink receives every decision, on the caller's thread, before {@code apply} returns */
    public RoutingCore(DecisionSink sink) {
        this.sink = sink;
    }

    /**
     * Applies one command. Never throws for bad input (see the class contract).
     *
     * @param command read during the call only; not retained
     */
    public void apply(Command command) {
        if (command.timestampNs > nowNs) {
            nowNs = command.timestampNs;
        }
        sequence = command.sequence;
        commandsApplied++;
        if (config != null) {
            // Before anything else, refused commands included: the clock may have moved.
            fireDueTimers();
        }
        CommandType type = command.type;
        if (type == null) {
            reject(RejectReason.UNKNOWN_COMMAND, command);
            return;
        }
        if (type == CommandType.CONFIG_APPLIED) {
            onConfigApplied(command);
            return;
        }
        if (config == null) {
            if (type != CommandType.TICK) {
                reject(RejectReason.NO_CONFIGURATION, command);
            }
            return;
        }
        switch (type) {
            case TICK -> { }
            case CONTACT_ARRIVED -> onContactArrived(command);
            case SELF_SERVICE_INPUT -> onSelfServiceInput(command);
            case CONTACT_ABANDONED -> onContactAbandoned(command);
            case AGENT_LOGGED_IN -> onAgentLoggedIn(command);
            case AGENT_STATE_CHANGED -> onAgentStateChanged(command);
            case AGENT_CHANNEL_SET -> onAgentChannelSet(command);
            case OFFER_ACCEPTED -> onOfferAccepted(command);
            case OFFER_DECLINED -> onOfferDeclined(command);
            case CONTACT_ENDED -> onContactEnded(command);
            case WRAP_UP_DONE -> onWrapUpDone(command);
            case TRANSFER_REQUESTED -> onTransferRequested(command);
            case TRANSFER_LEFT -> onTransferLeft(command);
            case CALLBACK_REQUESTED -> onCallbackRequested(command);
            case QUEUE_CLOSURE_SET -> onQueueClosureSet(command, closurePrompt);
            case QUEUE_HOURS_SET -> onQueueClosureSet(command, hoursPrompt);
            case PROMPT_PLAYED -> onPromptPlayed(command);
            case DAY_STARTED -> agents.newDay(nowNs);
            case ANNOUNCEMENT_SET -> onAnnouncementSet(command);
            default -> reject(RejectReason.UNKNOWN_COMMAND, command);
        }
    }

    // ---------------------------------------------------------------- configuration

    private void onConfigApplied(Command command) {
        RoutingConfig candidate;
        try {
            candidate = RoutingConfigCodec.decode(command.payload == null ? new byte[0] : command.payload);
        } catch (IllegalArgumentException e) {
            reject(RejectReason.CONFIGURATION_INVALID, command);
            return;
        }
        if (!candidate.problems().isEmpty()) {
            reject(RejectReason.CONFIGURATION_INVALID, command);
            return;
        }
        if (config != null && reloadBlocker(candidate) != null) {
            reject(RejectReason.CONFIGURATION_IN_FLIGHT, command);
            return;
        }
        Decision d = begin(DecisionType.CONFIGURATION_APPLIED);
        d.score = candidate.version();
        emit();
        if (config == null) {
            install(candidate, command.payload);
        } else {
            migrate(candidate, command.payload);
        }
    }

    /**
     * Why the running state cannot move to {@code candidate}, or {@code null} when it can: everything
     * live must have a place in it. A queue that holds a live contact must stay (by name, with its
     * channel); so must a flow node where a contact is in self-service, a language a live contact
     * speaks, a logged-in agent (with at least the capacity it now uses), the prompt of a closure in
     * force, and room for the live contacts. Retire things first: close the queue and let it drain,
     * log the agent out. (The queue a warmly transferred contact came from is no reason: see {@link #migrate}.)
     */
    public String reloadBlocker(RoutingConfig candidate) {
        if (config == null) {
            return null;
        }
        if (candidate.maxLiveContacts() < contacts.live()) {
            return contacts.live() + " contacts are live, the new maxLiveContacts is " + candidate.maxLiveContacts();
        }
        for (int q = 0; q < queues.length; q++) {
            int next = indexOfQueue(candidate, queues[q].name());
            boolean closed = closurePrompt[q] >= 0 || hoursPrompt[q] >= 0;
            if (next < 0 && (closed || holdsContacts(q))) {
                return "queue '" + queues[q].name() + "' " + (closed ? "is closed" : "holds live contacts") + " and is not in the new configuration";
            }
            if (next >= 0 && holdsContacts(q) && candidate.queues().get(next).channel() != queues[q].channel()) {
                return "queue '" + queues[q].name() + "' holds live contacts and changes channel";
            }
            for (int prompt : new int[] {closurePrompt[q], hoursPrompt[q]}) {
                if (prompt >= 0 && !candidate.prompts().contains(config.prompts().get(prompt))) {
                    return "queue '" + queues[q].name() + "' is closed with prompt '" + config.prompts().get(prompt)
                            + "', which the new configuration lacks";
                }
            }
        }
        if (announcementPrompt >= 0 && !candidate.prompts().contains(config.prompts().get(announcementPrompt))) {
            return "the service announcement plays prompt '" + config.prompts().get(announcementPrompt)
                    + "', which the new configuration lacks";
        }
        for (int slot = 0; slot < contacts.highWater(); slot++) {
            int state = contacts.state(slot);
            if (state == ContactState.NONE.code()) {
                continue;
            }
            if (state == ContactState.SELF_SERVICE.code() && indexOfNode(candidate, nodes[contacts.node(slot)].name()) < 0) {
                return "a contact is in flow node '" + nodes[contacts.node(slot)].name() + "', which the new configuration lacks";
            }
            int held = contacts.agent(slot);
            if (held >= 0 && contacts.queue(slot) >= 0 && queues[contacts.queue(slot)].deferrable()
                    && agents.load(held, Channel.VOICE.code()) > 0) {
                int next = indexOfQueue(candidate, queues[contacts.queue(slot)].name());
                if (next >= 0 && !candidate.queues().get(next).deferrable()) {
                    return "agent '" + config.agents().get(held).name() + "' is on a call that interrupted work of queue '"
                            + queues[contacts.queue(slot)].name() + "', which would no longer be deferrable";
                }
            }
            if (!candidate.languages().contains(config.languages().get(contacts.language(slot)))) {
                return "a live contact speaks '" + config.languages().get(contacts.language(slot))
                        + "', which the new configuration lacks";
            }
        }
        for (int a = 0; a < agents.count; a++) {
            if (agents.presence(a) == AgentState.LOGGED_OUT.code() && agents.totalLoad(a) == 0) {
                continue;
            }
            String name = config.agents().get(a).name();
            int next = candidate.agentIndex(name);
            if (next < 0) {
                return "agent '" + name + "' is logged in and not in the new configuration";
            }
            for (Channel channel : Channel.values()) {
                int capacity = candidate.agents().get(next).capacityPerChannel()[channel.code()];
                if (agents.load(a, channel.code()) > capacity) {
                    return "agent '" + name + "' holds " + agents.load(a, channel.code()) + " "
                            + channel.name().toLowerCase(java.util.Locale.ROOT) + " contacts, more than the new capacity " + capacity;
                }
            }
        }
        return null;
    }

    private boolean holdsContacts(int q) {
        for (int slot = 0; slot < contacts.highWater(); slot++) {
            if (contacts.state(slot) != ContactState.NONE.code() && contacts.state(slot) != ContactState.SELF_SERVICE.code()
                    && contacts.queue(slot) == q) {
                return true;
            }
        }
        return false;
    }

    private static int indexOfQueue(RoutingConfig c, String name) {
        for (int q = 0; q < c.queues().size(); q++) {
            if (c.queues().get(q).name().equals(name)) {
                return q;
            }
        }
        return -1;
    }

    private static int indexOfNode(RoutingConfig c, String name) {
        for (int n = 0; n < c.flowNodes().size(); n++) {
            if (c.flowNodes().get(n).name().equals(name)) {
                return n;
            }
        }
        return -1;
    }

    /**
     * Moves the live state to a new configuration that {@link #reloadBlocker} accepts. Queues, agents,
     * flow nodes, languages and prompts are matched by name. Closures and handling times stay. Every live contact keeps
     * its state, agent, timers and join time, and a warm transfer its first agent and the queue it came from; a waiting or
     * offered contact keeps the number of escalation steps it passed (up to the new queue's count) and its tier follows the new steps;
     * steps already due under the new rules act at once. Agents keep their state and load; available
     * ones line up idle by their earliest idle time, then roster order. Finally every available agent
     * takes what it now serves, in roster order. The reload allocates; it is rare.
     */
    private void migrate(RoutingConfig next, byte[] encoded) {
        RoutingConfig old = config;
        Agents oldAgents = agents;
        Contacts oldContacts = contacts;
        int[] oldClosure = closurePrompt;
        int[] oldHours = hoursPrompt;
        long[] oldAhtNs = ahtNs;
        long[] oldIntervalNs = answerIntervalNs;
        long[] oldLastAnswerNs = lastAnswerNs;
        boolean[] oldBacklog = backlogAfterAnswer;
        install(next, encoded);
        announcementPrompt = announcementPrompt < 0 ? -1 : next.prompts().indexOf(old.prompts().get(announcementPrompt));
        for (int q = 0; q < old.queues().size(); q++) {
            int nq = indexOfQueue(next, old.queues().get(q).name());
            if (nq >= 0) {
                ahtNs[nq] = oldAhtNs[q];
                answerIntervalNs[nq] = oldIntervalNs[q];
                lastAnswerNs[nq] = oldLastAnswerNs[q];
                backlogAfterAnswer[nq] = oldBacklog[q];
                closurePrompt[nq] = oldClosure[q] < 0 ? -1 : next.prompts().indexOf(old.prompts().get(oldClosure[q]));
                hoursPrompt[nq] = oldHours[q] < 0 ? -1 : next.prompts().indexOf(old.prompts().get(oldHours[q]));
            }
        }
        int[] agentMap = new int[oldAgents.count];
        long[] idleSince = new long[agents.count];
        java.util.Arrays.fill(idleSince, -1);
        for (int a = 0; a < oldAgents.count; a++) {
            agentMap[a] = next.agentIndex(old.agents().get(a).name());
            if (agentMap[a] >= 0) {
                agents.copyFrom(agentMap[a], oldAgents, a);
                idleSince[agentMap[a]] = oldAgents.idleSinceNs(a);
            }
        }
        for (int oldSlot = 0; oldSlot < oldContacts.highWater(); oldSlot++) {
            int state = oldContacts.state(oldSlot);
            if (state == ContactState.NONE.code()) {
                continue;
            }
            int slot = contacts.allocate(oldContacts.id(oldSlot), oldContacts.arrivedNs(oldSlot));
            contacts.setState(slot, state);
            contacts.setChannel(slot, oldContacts.channel(oldSlot));
            contacts.setPriority(slot, oldContacts.priority(oldSlot));
            contacts.setLanguage(slot, next.languages().indexOf(old.languages().get(oldContacts.language(oldSlot))));
            contacts.setAgent(slot, oldContacts.agent(oldSlot) < 0 ? -1 : agentMap[oldContacts.agent(oldSlot)]);
            contacts.setNode(slot, oldContacts.node(oldSlot) < 0 ? -1
                    : indexOfNode(next, old.flowNodes().get(oldContacts.node(oldSlot)).name()));
            contacts.setRetries(slot, oldContacts.retries(oldSlot));
            contacts.setFlags(slot, oldContacts.flags(oldSlot));
            contacts.setEnqueuedNs(slot, oldContacts.enqueuedNs(oldSlot));
            contacts.setQueueEnteredNs(slot, oldContacts.queueEnteredNs(oldSlot));
            contacts.setConnectedNs(slot, oldContacts.connectedNs(oldSlot));
            contacts.setPreferred(slot, oldContacts.preferred(oldSlot) < 0 ? -1 : agentMap[oldContacts.preferred(oldSlot)]);
            contacts.setHolder(slot, oldContacts.holder(oldSlot) < 0 ? -1 : agentMap[oldContacts.holder(oldSlot)]);
            int oldQueue = oldContacts.queue(oldSlot);
            int q = oldQueue < 0 ? -1 : indexOfQueue(next, old.queues().get(oldQueue).name());
            contacts.setQueue(slot, q);
            contacts.setHolderQueue(slot, returnQueue(old, next, oldContacts.holderQueue(oldSlot), q));
            if (q >= 0 && (state == ContactState.WAITING.code() || state == ContactState.OFFERED.code())) {
                int passed = Math.min(oldContacts.step(oldSlot), steps[q].length);
                int tier = 0;
                for (int s = 0; s < passed; s++) {
                    if (steps[q][s].action() == EscalationStep.Action.WIDEN) {
                        tier++;
                    }
                }
                contacts.setStep(slot, passed);
                contacts.setTier(slot, tier);
                contacts.setLane(slot, lanes.of(q, tier, contacts.language(slot)));
            }
            if (contacts.agent(slot) >= 0 && q >= 0 && queues[q].deferrable()) {
                agents.countDeferrable(contacts.agent(slot));
            }
            if (state == ContactState.WAITING.code()) {
                contacts.insertInPlace(slot);
            } else if (oldContacts.deadlineNs(oldSlot) >= 0) {
                contacts.setDeadlineNs(slot, oldContacts.deadlineNs(oldSlot));
                timers.schedule(slot);
            }
        }
        Integer[] order = new Integer[agents.count];
        for (int a = 0; a < order.length; a++) {
            order[a] = a;
            if (idleSince[a] < 0) {
                idleSince[a] = nowNs;
            }
        }
        java.util.Arrays.sort(order, (x, y) -> idleSince[x] != idleSince[y] ? Long.compare(idleSince[x], idleSince[y])
                : Integer.compare(x, y));
        for (int a : order) {
            agents.fileAvailable(a, idleSince[a], nowNs);
        }
        // Waiting contacts in contact id order: their due steps act, or their timers are set.
        long[] waitingIds = new long[contacts.live()];
        int waiting = 0;
        for (int slot = 0; slot < contacts.highWater(); slot++) {
            if (contacts.state(slot) == ContactState.WAITING.code()) {
                waitingIds[waiting++] = contacts.id(slot);
            }
        }
        java.util.Arrays.sort(waitingIds, 0, waiting);
        for (int i = 0; i < waiting; i++) {
            int slot = contacts.slotOf(waitingIds[i]);
            if (slot < 0 || contacts.state(slot) != ContactState.WAITING.code()) {
                continue; // an earlier contact's step had it offered
            }
            if (stepDue(slot)) {
                escalate(slot);
            } else {
                scheduleEscalation(slot);
            }
        }
        for (int a = 0; a < agents.count; a++) {
            if (agents.availableChannels(a) != 0) {
                routeAgent(a);
            }
        }
    }

    /**
     * Where a warmly transferred contact returns after a reload: the queue it came from, by name, when
     * the new configuration still has it as a queue a warm transfer may leave (same channel, not
     * deferrable); otherwise the queue it is in ({@code now}), the rule before the queue was kept. Not
     * a reason to refuse the reload: that would change the decisions of journals recorded before, in
     * which no introduction ever returned.
     */
    private static int returnQueue(RoutingConfig old, RoutingConfig next, int from, int now) {
        if (from < 0) {
            return -1;
        }
        QueueSpec before = old.queues().get(from);
        int q = indexOfQueue(next, before.name());
        return q >= 0 && next.queues().get(q).channel() == before.channel() && !next.queues().get(q).deferrable() ? q : now;
    }

    private void install(RoutingConfig newConfig, byte[] encoded) {
        config = newConfig;
        configBytes = encoded.clone();
        queues = newConfig.queues().toArray(new QueueSpec[0]);
        entries = newConfig.entries().toArray(new EntrySpec[0]);
        nodes = newConfig.flowNodes().toArray(new FlowNode[0]);
        offerTimeoutNs = new long[queues.length];
        wrapUpNs = new long[queues.length];
        for (int q = 0; q < queues.length; q++) {
            offerTimeoutNs[q] = queues[q].offerTimeoutMs() * 1_000_000L;
            wrapUpNs[q] = queues[q].maxWrapUpMs() * 1_000_000L;
        }
        closurePrompt = new int[queues.length];
        java.util.Arrays.fill(closurePrompt, -1); // a reload carries closures over by queue name
        hoursPrompt = new int[queues.length];
        java.util.Arrays.fill(hoursPrompt, -1);
        inputTimeoutNs = new long[nodes.length];
        for (int n = 0; n < nodes.length; n++) {
            inputTimeoutNs[n] = nodes[n].inputTimeoutMs() * 1_000_000L;
        }
        steps = new EscalationStep[queues.length][];
        stepAfterNs = new long[queues.length][];
        for (int q = 0; q < queues.length; q++) {
            steps[q] = queues[q].steps().toArray(new EscalationStep[0]);
            stepAfterNs[q] = new long[steps[q].length];
            for (int s = 0; s < steps[q].length; s++) {
                stepAfterNs[q][s] = steps[q][s].afterMs() * 1_000_000L;
            }
        }
        anyPreferred = false;
        for (QueueSpec queue : queues) {
            anyPreferred |= queue.preferredAgentMs() > 0;
        }
        ahtNs = new long[queues.length];
        answerIntervalNs = new long[queues.length];
        lastAnswerNs = new long[queues.length];
        backlogAfterAnswer = new boolean[queues.length];
        lanes = new Lanes(newConfig);
        agents = new Agents(newConfig, lanes);
        contacts = new Contacts(newConfig.maxLiveContacts(), newConfig, lanes);
        timers = new DeadlineHeap(newConfig.maxLiveContacts(), contacts);
    }

    // ---------------------------------------------------------------- contacts and self-service

    private void onContactArrived(Command command) {
        long contactId = command.contactId;
        if (contactId < 0 || command.channel < 0 || command.channel >= Channel.COUNT
                || command.priority > RoutingConfig.MAX_PRIORITY) {
            reject(RejectReason.INVALID_ARGUMENT, command);
            return;
        }
        if (contacts.slotOf(contactId) >= 0) {
            reject(RejectReason.DUPLICATE_CONTACT, command);
            return;
        }
        if (command.entryId < 0 || command.entryId >= entries.length) {
            reject(RejectReason.UNKNOWN_ENTRY, command);
            return;
        }
        if (contacts.full()) {
            reject(RejectReason.CONTACT_CAPACITY_EXCEEDED, command);
            return;
        }
        int slot = contacts.allocate(contactId, nowNs);
        contacts.setChannel(slot, command.channel);
        contacts.setPriority(slot, command.priority);
        contacts.setLanguage(slot, command.languageId >= 0 && command.languageId < config.languages().size()
                ? command.languageId : 0);
        contacts.setPreferred(slot, command.agentId >= 0 && command.agentId < agents.count ? command.agentId : -1);
        if (announcementPrompt >= 0 && (command.channel == Channel.VOICE.code() || command.channel == Channel.CHAT.code())) {
            Decision d = begin(DecisionType.ANNOUNCE);
            d.contactId = contactId;
            d.promptId = announcementPrompt;
            d.languageId = contacts.language(slot);
            emit();
        }
        EntrySpec entry = entries[command.entryId];
        if (entry.flowNodeId() >= 0) {
            enterNode(slot, entry.flowNodeId());
        } else {
            enqueue(slot, entry.queueId(), -1);
        }
    }

    private void enterNode(int slot, int nodeId) {
        FlowNode node = nodes[nodeId];
        contacts.setNode(slot, nodeId);
        switch (node.kind()) {
            case MENU, LANGUAGE -> {
                contacts.setState(slot, ContactState.SELF_SERVICE.code());
                contacts.setRetries(slot, 0);
                promptAndWait(slot, node, nodeId);
            }
            case INFO -> {
                contacts.setState(slot, ContactState.SELF_SERVICE.code());
                playPrompt(slot, node, nodeId, Decision.FLAG_FINAL);
                end(slot, Outcome.SELF_SERVED);
            }
            case QUEUE -> enqueue(slot, node.queueFor(contacts.channel(slot)), node.priority());
        }
    }

    private void promptAndWait(int slot, FlowNode node, int nodeId) {
        playPrompt(slot, node, nodeId, 0);
        if (node.timesOut(contacts.channel(slot))) {
            contacts.setDeadlineNs(slot, nowNs + inputTimeoutNs[nodeId]);
            timers.schedule(slot);
        }
    }

    private void playPrompt(int slot, FlowNode node, int nodeId, int flags) {
        Decision d = begin(DecisionType.PLAY_PROMPT);
        d.contactId = contacts.id(slot);
        d.promptId = node.promptId();
        d.nodeId = nodeId;
        d.languageId = contacts.language(slot);
        d.flags = flags;
        emit();
    }

    /** The menu's prompt has been heard: its input timeout starts again from now. */
    private void onPromptPlayed(Command command) {
        int slot = liveSlot(command);
        if (slot < 0) {
            return;
        }
        if (command.input < 0 || command.input >= nodes.length) {
            reject(RejectReason.INVALID_ARGUMENT, command);
            return;
        }
        if (contacts.state(slot) == ContactState.SELF_SERVICE.code() && contacts.node(slot) == command.input
                && timers.scheduled(slot)) {
            contacts.setDeadlineNs(slot, nowNs + inputTimeoutNs[command.input]);
            timers.schedule(slot);
        }
    }

    private void onSelfServiceInput(Command command) {
        int slot = liveSlot(command);
        if (slot < 0) {
            return;
        }
        if (contacts.state(slot) != ContactState.SELF_SERVICE.code()) {
            reject(RejectReason.ILLEGAL_TRANSITION, command);
            return;
        }
        if (command.input < 0 || command.input >= FlowNode.INPUTS) {
            reject(RejectReason.INVALID_ARGUMENT, command);
            return;
        }
        FlowNode node = nodes[contacts.node(slot)];
        int next = node.nextByInput()[command.input];
        if (next < 0) {
            invalidInput(slot);
            return;
        }
        if (node.kind() == FlowNode.Kind.LANGUAGE && node.languageByInput()[command.input] >= 0) {
            contacts.setLanguage(slot, node.languageByInput()[command.input]);
        }
        timers.cancel(slot);
        contacts.setDeadlineNs(slot, -1);
        enterNode(slot, next);
    }

    /** A wrong or missing choice: ask again, and after too many tries hand the citizen to a human. */
    private void invalidInput(int slot) {
        int nodeId = contacts.node(slot);
        FlowNode node = nodes[nodeId];
        contacts.setRetries(slot, contacts.retries(slot) + 1);
        if (contacts.retries(slot) > node.maxRetries()) {
            timers.cancel(slot);
            contacts.setDeadlineNs(slot, -1);
            enqueue(slot, node.queueFor(contacts.channel(slot)), -1);
        } else {
            promptAndWait(slot, node, nodeId);
        }
    }

    /**
     * Puts the contact in the queue and offers it if an agent is free. Priority: the given one,
     * else the one the contact arrived with, else the queue's default. A closed queue turns it away;
     * a full one, or one whose estimated wait is too long, deflects it (see {@link Deflection}).
     */
    private void enqueue(int slot, int queueId, int priority) {
        enqueue(slot, queueId, priority, true);
    }

    private void enqueue(int slot, int queueId, int priority, boolean mayDeflect) {
        if (closurePrompt[queueId] >= 0) {
            turnAway(slot, queueId, closurePrompt[queueId], Outcome.CLOSED);
            return;
        }
        if (hoursPrompt[queueId] >= 0) {
            turnAway(slot, queueId, hoursPrompt[queueId], Outcome.OUTSIDE_HOURS);
            return;
        }
        QueueSpec queue = queues[queueId];
        long ewtNs = estimatedWaitNs(queueId, lanes.of(queueId, 0, contacts.language(slot)), contacts.queueWaiting[queueId] + 1L);
        Deflection deflection = queue.deflection();
        boolean offerCallback = false;
        if (mayDeflect && deflection.active() && (deflection.maxWaiting() > 0 && contacts.queueWaiting[queueId] >= deflection.maxWaiting()
                || deflection.maxEwtMs() > 0 && ewtNs != -1 && (ewtNs == ENDLESS || ewtNs > deflection.maxEwtMs() * 1_000_000L))) {
            if (deflection.action() != EscalationStep.Action.OFFER_CALLBACK) {
                deflect(slot, queueId, deflection, ewtNs);
            }
            switch (deflection.action()) {
                case CLOSE -> {
                    turnAway(slot, queueId, deflection.promptId(), Outcome.DEFLECTED);
                    return;
                }
                case OVERFLOW -> {
                    enqueue(slot, deflection.queueId(), priority, false);
                    return;
                }
                default -> offerCallback = true;
            }
        }
        contacts.setState(slot, ContactState.WAITING.code());
        contacts.setPriority(slot, priority >= 0 ? priority
                : contacts.priority(slot) >= 0 ? contacts.priority(slot) : queue.defaultPriority());
        contacts.setEnqueuedNs(slot, nowNs);
        enterQueue(slot, queueId);
        int preferred = contacts.preferred(slot);
        if (preferred >= 0 && queue.preferredAgentMs() > 0 && agents.isMember(preferred, contacts.lane(slot))) {
            // It waits for its preferred agent alone for a while: no lane, no escalation meanwhile.
            contacts.reserve(slot, preferred);
            announceQueued(slot, ewtNs);
            if (offerCallback) {
                deflect(slot, queueId, deflection, ewtNs);
            }
            if (agents.available(preferred, queue.channel().code())) {
                offer(slot, preferred, OfferReason.PREFERRED_AGENT, 1, 0, -1);
            } else {
                contacts.setDeadlineNs(slot, nowNs + queue.preferredAgentMs() * 1_000_000L);
                timers.schedule(slot);
            }
            return;
        }
        contacts.append(slot);
        announceQueued(slot, ewtNs);
        scheduleEscalation(slot);
        if (offerCallback) {
            deflect(slot, queueId, deflection, ewtNs);
        }
        offerToLongestIdle(slot);
    }

    /**
     * The wait for the preferred agent is over: the contact joins its lane in its place, escalation
     * steps that fell due act, and any agent who serves it may take it.
     */
    private void endReservation(int slot) {
        contacts.unlink(slot);
        contacts.insertInPlace(slot);
        // Said again, without the agent: it now waits for anyone who serves it (adapters, reports).
        announceQueued(slot, estimatedWaitNs(contacts.queue(slot), contacts.lane(slot), contacts.position(slot)));
        if (stepDue(slot)) {
            escalate(slot);
            return;
        }
        scheduleEscalation(slot);
        offerToLongestIdle(slot);
    }

    private void deflect(int slot, int queueId, Deflection deflection, long ewtNs) {
        Decision d = begin(DecisionType.DEFLECT);
        d.contactId = contacts.id(slot);
        d.queueId = queueId;
        d.reason = deflection.action().code();
        d.score = waitMs(ewtNs);
        d.candidates = contacts.queueWaiting[queueId];
        emit();
    }

    /**
     * The estimated wait of a contact at {@code position} in the queue (1 = next), in the lane it
     * waits in: 0 when an agent who serves it is idle, {@link #ENDLESS} when nobody who serves it is
     * ready; else position times the queue's pace (the time between answers while it had a
     * backlog), or, before the queue has shown a pace, position times the average handling time
     * over the ready capacity; -1 while it has neither.
     */
    private long estimatedWaitNs(int queueId, int lane, long position) {
        if (agents.idleCount[lane] > 0) {
            return 0;
        }
        if (agents.staffed[lane] <= 0) {
            return ENDLESS;
        }
        if (answerIntervalNs[queueId] > 0) {
            return position * answerIntervalNs[queueId];
        }
        return ahtNs[queueId] == 0 ? -1 : position * ahtNs[queueId] / agents.staffed[lane];
    }

    /** An agent accepted a contact of the queue: the queue's pace, if contacts kept waiting since the last answer. */
    private void recordAnswer(int q) {
        if (backlogAfterAnswer[q]) {
            long intervalNs = Math.max(1, nowNs - lastAnswerNs[q]);
            answerIntervalNs[q] = answerIntervalNs[q] == 0 ? intervalNs : answerIntervalNs[q] + (intervalNs - answerIntervalNs[q]) / 8;
        }
        lastAnswerNs[q] = nowNs;
        backlogAfterAnswer[q] = contacts.queueWaiting[q] > 0;
    }

    private static long waitMs(long ewtNs) {
        return ewtNs < 0 || ewtNs == ENDLESS ? -1 : ewtNs / 1_000_000L;
    }

    /** The agent let go of an answered contact: its handling time feeds the queue's average. */
    private void recordHandled(int slot) {
        if (contacts.connectedNs(slot) < 0) {
            return;
        }
        int q = contacts.queue(slot);
        long handledNs = Math.max(1, nowNs - contacts.connectedNs(slot));
        ahtNs[q] = ahtNs[q] == 0 ? handledNs : ahtNs[q] + (handledNs - ahtNs[q]) / 8;
    }

    /** Sets the contact's queue, at the first escalation tier, counting the queue's steps from now. */
    private void enterQueue(int slot, int queueId) {
        contacts.setQueue(slot, queueId);
        contacts.setTier(slot, 0);
        contacts.setStep(slot, 0);
        contacts.setQueueEnteredNs(slot, nowNs);
        contacts.setLane(slot, lanes.of(queueId, 0, contacts.language(slot)));
    }

    /** Sets the timer of a waiting contact to its queue's next escalation step, if it has one. */
    private void scheduleEscalation(int slot) {
        int q = contacts.queue(slot);
        int next = contacts.step(slot);
        if (next >= steps[q].length) {
            return;
        }
        contacts.setDeadlineNs(slot, Math.max(nowNs, contacts.queueEnteredNs(slot) + stepAfterNs[q][next]));
        timers.schedule(slot);
    }

    /** Whether the waiting contact's next escalation step is due. */
    private boolean stepDue(int slot) {
        int q = contacts.queue(slot);
        int next = contacts.step(slot);
        return next < steps[q].length && contacts.queueEnteredNs(slot) + stepAfterNs[q][next] <= nowNs;
    }

    /**
     * Applies every escalation step of the waiting contact that is due (its timer fired, or it came
     * back from an offer during which steps fell due), then sets the timer to the next step and
     * offers the contact if an agent now serves it.
     */
    private void escalate(int slot) {
        do {
            int q = contacts.queue(slot);
            int index = contacts.step(slot);
            contacts.setStep(slot, index + 1);
            EscalationStep step = steps[q][index];
            if ((contacts.flags(slot) & Decision.FLAG_CALLBACK) != 0 && step.action().passedByCallbackContacts()) {
                continue; // a citizen waiting for a callback was offered one already and must not be cut off
            }
            Decision d = begin(DecisionType.ESCALATE);
            d.contactId = contacts.id(slot);
            d.queueId = step.action() == EscalationStep.Action.OVERFLOW ? step.overflowQueueId() : q;
            d.reason = step.action().code();
            d.nodeId = index;
            d.priority = contacts.priority(slot);
            emit();
            switch (step.action()) {
                case WIDEN -> {
                    contacts.unlink(slot);
                    contacts.setTier(slot, contacts.tier(slot) + 1);
                    contacts.setLane(slot, lanes.of(q, contacts.tier(slot), contacts.language(slot)));
                    contacts.insertInPlace(slot);
                }
                case OVERFLOW -> {
                    contacts.unlink(slot);
                    enterQueue(slot, step.overflowQueueId());
                    contacts.insertInPlace(slot); // keeps its join time: its place
                }
                case OFFER_CALLBACK -> { }
                case CLOSE -> {
                    contacts.unlink(slot);
                    turnAway(slot, q, step.promptId(), Outcome.DEFLECTED);
                    return;
                }
            }
        } while (stepDue(slot));
        scheduleEscalation(slot);
        offerToLongestIdle(slot);
    }

    /** The contact hears (or reads) the prompt, as its last words, and ends without waiting. */
    private void turnAway(int slot, int queueId, int promptId, int outcome) {
        contacts.setQueue(slot, queueId);
        Decision d = begin(DecisionType.PLAY_PROMPT);
        d.contactId = contacts.id(slot);
        d.promptId = promptId;
        d.languageId = contacts.language(slot);
        d.queueId = queueId;
        d.flags = Decision.FLAG_FINAL;
        emit();
        end(slot, outcome);
    }

    private void announceQueued(int slot, long ewtNs) {
        Decision d = begin(DecisionType.QUEUE_CONTACT);
        d.contactId = contacts.id(slot);
        d.agentId = contacts.reservedFor(slot);
        d.queueId = contacts.queue(slot);
        d.priority = contacts.priority(slot);
        d.score = waitMs(ewtNs);
        emit();
    }

    private void onAnnouncementSet(Command command) {
        if (command.input < -1 || command.input >= config.prompts().size()) {
            reject(RejectReason.INVALID_ARGUMENT, command);
            return;
        }
        announcementPrompt = command.input;
    }

    /** Emergency closure and business hours alike: {@code prompts} is the array the command sets. */
    private void onQueueClosureSet(Command command, int[] prompts) {
        if (command.queueId < -1 || command.queueId >= queues.length || command.input < -1
                || command.input >= config.prompts().size()) {
            reject(RejectReason.INVALID_ARGUMENT, command);
            return;
        }
        if (command.queueId < 0) {
            java.util.Arrays.fill(prompts, command.input);
        } else {
            prompts[command.queueId] = command.input;
        }
    }

    private void onCallbackRequested(Command command) {
        int slot = liveSlot(command);
        if (slot < 0) {
            return;
        }
        if (contacts.state(slot) != ContactState.WAITING.code()) {
            reject(RejectReason.ILLEGAL_TRANSITION, command);
            return;
        }
        contacts.setFlags(slot, contacts.flags(slot) | Decision.FLAG_CALLBACK);
        Decision d = begin(DecisionType.CALLBACK_SCHEDULED);
        d.contactId = contacts.id(slot);
        d.queueId = contacts.queue(slot);
        emit();
    }

    private void onContactAbandoned(Command command) {
        int slot = liveSlot(command);
        if (slot < 0) {
            return;
        }
        int state = contacts.state(slot);
        if (state == ContactState.SELF_SERVICE.code()) {
            timers.cancel(slot);
            end(slot, Outcome.ABANDONED_IN_SELF_SERVICE);
        } else if (state == ContactState.WAITING.code()) {
            timers.cancel(slot);
            contacts.unlink(slot);
            end(slot, Outcome.ABANDONED);
        } else if (state == ContactState.OFFERED.code()) {
            int agent = contacts.agent(slot);
            timers.cancel(slot);
            retractOffer(slot, agent);
            unload(slot, agent);
            end(slot, Outcome.ABANDONED);
            routeAgent(agent);
        } else {
            reject(RejectReason.ILLEGAL_TRANSITION, command);
        }
    }

    private void onContactEnded(Command command) {
        int slot = liveSlot(command);
        if (slot < 0) {
            return;
        }
        if (contacts.state(slot) != ContactState.CONNECTED.code()) {
            reject(RejectReason.ILLEGAL_TRANSITION, command);
            return;
        }
        int agent = contacts.agent(slot);
        int queue = contacts.queue(slot);
        emitEnd(slot, Outcome.ANSWERED);
        if (contacts.holder(slot) >= 0) {
            releaseHolderOf(slot, ReleaseReason.CONTACT_ENDED); // the conversation ended while its first agent was still introducing
        }
        if (wrapUpNs[queue] > 0) {
            contacts.setState(slot, ContactState.WRAP_UP.code());
            agents.addWrapUps(agent, 1);
            contacts.setDeadlineNs(slot, nowNs + wrapUpNs[queue]);
            timers.schedule(slot);
        } else {
            recordHandled(slot);
            unload(slot, agent);
            contacts.free(slot);
            routeAgent(agent);
        }
    }

    private void onWrapUpDone(Command command) {
        int slot = heldSlot(command, ContactState.WRAP_UP);
        if (slot < 0) {
            return;
        }
        timers.cancel(slot);
        finishWrapUp(slot, false);
    }

    /** Ends after-contact work; when the core ends it on its own, it tells the agent's desktop first. */
    private void finishWrapUp(int slot, boolean timedOut) {
        int agent = contacts.agent(slot);
        agents.addWrapUps(agent, -1);
        recordHandled(slot);
        unload(slot, agent);
        long contactId = contacts.id(slot);
        contacts.free(slot);
        if (timedOut) {
            tellAgentState(agent, contactId); // whose after-contact work ended, for reports
        }
        routeAgent(agent);
    }

    private void onTransferRequested(Command command) {
        int slot = heldSlot(command, ContactState.CONNECTED);
        if (slot < 0) {
            return;
        }
        if (command.queueId < 0 || command.queueId >= queues.length) {
            reject(RejectReason.UNKNOWN_QUEUE, command);
            return;
        }
        QueueSpec from = queues[contacts.queue(slot)];
        QueueSpec to = queues[command.queueId];
        if (to.channel() != from.channel()) {
            reject(RejectReason.WRONG_CHANNEL, command); // an agent's load and capacity are counted per channel
            return;
        }
        boolean introduce = command.reason == Command.TRANSFER_INTRODUCE;
        boolean warm = introduce || command.reason == Command.TRANSFER_WARM;
        if (warm && (from.deferrable() || to.deferrable())) {
            reject(RejectReason.INVALID_ARGUMENT, command); // a warm transfer is for conversations, not work items
            return;
        }
        int agent = contacts.agent(slot);
        if (contacts.holder(slot) >= 0) {
            // The agent who introduced the citizen to this one is still on: passing them on ends that.
            releaseHolderOf(slot, ReleaseReason.INTRODUCED);
        }
        if (warm) {
            contacts.setHolder(slot, agent); // the agent's load stays: it stays with the citizen
            contacts.setHolderQueue(slot, contacts.queue(slot)); // where an introduction left by the next agent returns
            if (introduce) {
                contacts.setFlags(slot, contacts.flags(slot) | Decision.FLAG_INTRODUCE);
            }
            agents.addStaying(agent, 1); // and takes nothing new meanwhile (nor this contact back)
            agents.refresh(agent, false, nowNs);
        } else {
            releaseAgent(slot, agent);
        }
        Decision d = begin(DecisionType.TRANSFER_CONTACT);
        d.contactId = contacts.id(slot);
        d.agentId = agent;
        d.queueId = command.queueId;
        d.flags = warm ? Decision.FLAG_WARM | (introduce ? Decision.FLAG_INTRODUCE : 0) : 0;
        emit();
        // "No wrong door": the citizen keeps the time they joined, so the transfer costs no place.
        contacts.setState(slot, ContactState.WAITING.code());
        enterQueue(slot, command.queueId);
        contacts.setAgent(slot, -1);
        contacts.setConnectedNs(slot, -1); // its handling counts in the queue it ends in
        contacts.setPreferred(slot, -1); // a transfer names its own agent, or none
        contacts.insertInPlace(slot);
        announceQueued(slot, estimatedWaitNs(command.queueId, contacts.lane(slot), contacts.position(slot)));
        scheduleEscalation(slot);
        int target = command.input;
        if (target >= 0 && target < agents.count && target != agent && agents.available(target, to.channel().code())
                && agents.isMember(target, contacts.lane(slot))) {
            offer(slot, target, OfferReason.TRANSFERRED_TO_AGENT, 1, 0, -1);
        } else {
            offerToLongestIdle(slot);
        }
        routeAgent(agent);
    }

    private void onTransferLeft(Command command) {
        int slot = liveSlot(command);
        if (slot < 0) {
            return;
        }
        int holder = contacts.holder(slot);
        if (holder < 0) {
            reject(RejectReason.ILLEGAL_TRANSITION, command);
        } else if (holder != command.agentId && contacts.state(slot) == ContactState.CONNECTED.code()
                && contacts.agent(slot) == command.agentId) {
            returnToHolder(slot); // the agent who joined an introduction leaves it
        } else if (holder != command.agentId) {
            reject(RejectReason.WRONG_AGENT, command);
        } else {
            // Connected with its holder: the next agent accepted an introduction, which ends now.
            releaseHolderOf(slot, contacts.state(slot) == ContactState.CONNECTED.code() ? ReleaseReason.INTRODUCED : ReleaseReason.LEFT);
        }
    }

    /**
     * The agent who accepted an introduction left it before its introducer did: the contact is back
     * with the introducer alone, connected as before the transfer, in the queue it was in then (its
     * end, wrap-up limit, handling time and any later transfer count from there; its conversation's
     * time counts from the next agent's acceptance). The introducer's place in its capacity becomes
     * the conversation's; the agent who left is free at once ({@code TRANSFER_RELEASED},
     * {@link ReleaseReason#RETURNED}, with the queue it is back in: an introduction is not a
     * conversation of their own to wrap up). Both queues are of the contact's channel and not
     * deferrable (a warm transfer's rule), so the loads stay right.
     */
    private void returnToHolder(int slot) {
        int joined = contacts.agent(slot);
        int holder = contacts.holder(slot);
        unload(slot, joined);
        contacts.setQueue(slot, contacts.holderQueue(slot)); // lanes and escalation matter only while it waits
        contacts.setHolder(slot, -1);
        contacts.setHolderQueue(slot, -1);
        contacts.setFlags(slot, contacts.flags(slot) & ~Decision.FLAG_INTRODUCE);
        contacts.setAgent(slot, holder);
        agents.addStaying(holder, -1); // busy with the contact now, like any agent in a conversation
        Decision d = begin(DecisionType.TRANSFER_RELEASED);
        d.contactId = contacts.id(slot);
        d.agentId = joined;
        d.queueId = contacts.queue(slot);
        d.reason = ReleaseReason.RETURNED;
        emit();
        routeAgent(joined);
        routeAgent(holder);
    }

    /** The live contact's first agent (of a warm transfer) is free of it: no holder, no introduction; see {@link #releaseHolder}. */
    private void releaseHolderOf(int slot, int reason) {
        int holder = contacts.holder(slot);
        contacts.setHolder(slot, -1);
        contacts.setHolderQueue(slot, -1);
        contacts.setFlags(slot, contacts.flags(slot) & ~Decision.FLAG_INTRODUCE);
        releaseHolder(holder, contacts.id(slot), contacts.queue(slot), reason);
    }

    /**
     * The first agent of a warm transfer is free of the contact: its place in the agent's capacity
     * goes, the adapters hear why, and the agent takes what waits for it. The contact's own state is
     * the caller's business (it may already be freed).
     */
    private void releaseHolder(int holder, long contactId, int queue, int reason) {
        // An agent's load counts by its queues' channel (a transfer keeps it); warm transfers are never of deferrable queues.
        agents.addLoad(holder, queues[queue].channel().code(), -1, false, nowNs);
        agents.addStaying(holder, -1);
        Decision d = begin(DecisionType.TRANSFER_RELEASED);
        d.contactId = contactId;
        d.agentId = holder;
        d.queueId = queue;
        d.reason = reason;
        emit();
        routeAgent(holder);
    }

    private void end(int slot, int outcome) {
        emitEnd(slot, outcome);
        int holder = contacts.holder(slot);
        if (holder < 0) {
            contacts.free(slot);
            return;
        }
        long contactId = contacts.id(slot);
        int queue = contacts.queue(slot);
        contacts.free(slot); // first: the released agent's routing must not meet this contact
        releaseHolder(holder, contactId, queue, ReleaseReason.CONTACT_ENDED);
    }

    private void emitEnd(int slot, int outcome) {
        endedByOutcome[outcome]++;
        Decision d = begin(DecisionType.END_CONTACT);
        d.contactId = contacts.id(slot);
        d.queueId = contacts.queue(slot);
        d.agentId = contacts.agent(slot);
        d.outcome = outcome;
        emit();
    }

    // ---------------------------------------------------------------- offers

    /**
     * A contact joined (or returned to) its queue: if an agent is free for the queue, the longest
     * idle one is offered the queue's first contact. That is the joining contact unless the same
     * command freed the agent while others waited before it (a decline, a transfer): queue order wins.
     */
    private void offerToLongestIdle(int slot) {
        int lane = contacts.lane(slot);
        int agent = agents.longestIdle(lane);
        if (agent < 0) {
            return;
        }
        agents.touch(agent);
        int candidates = agents.idleCount[lane];
        long idleSinceNs = agents.idleSinceNs(agent, lane);
        agents.dropHead(lane);
        offer(firstServedInQueue(agent, lane), agent, OfferReason.forSelection(queues[lanes.queue(lane)].selection()), candidates,
                idleSinceNs,
                agents.longestIdleAgent(lane));
    }

    /**
     * The first contact, in queue order, of those the agent serves in the lane's queue: the lane's
     * own head, unless a contact of another lane of the queue that the agent also serves (another
     * tier or language) ranks before it.
     */
    private int firstServedInQueue(int agent, int lane) {
        int queue = lanes.queue(lane);
        int first = contacts.best(lane);
        if (!lanes.several(queue)) {
            return first;
        }
        for (int i = 0, n = agents.memberCount(agent); i < n; i++) {
            int other = Agents.laneOf(agents.member(agent, i));
            if (other != lane && lanes.queue(other) == queue && contacts.waiting[other] > 0) {
                int head = contacts.best(other);
                if (head >= 0 && contacts.ranksBefore(head, first)) {
                    first = head;
                }
            }
        }
        return first;
    }

    /**
     * Gives an agent who became available the best waiting contacts until it is full or none wait.
     * Within a queue, its order decides among the heads of the lanes the agent serves; between
     * queues, aged priority, then join time, then contact id.
     */
    private void routeAgent(int agent) {
        if (agents.pauseReason(agent) == PauseReason.LOGOUT_PENDING) {
            logOutIfFree(agent);
            return;
        }
        for (int channels = agents.availableChannels(agent); channels != 0; channels = agents.availableChannels(agent)) {
            int reserved = anyPreferred ? firstReservedFor(agent, channels) : -1;
            if (reserved >= 0) {
                offer(reserved, agent, OfferReason.PREFERRED_AGENT, 1, 0, -1);
                continue;
            }
            int best = -1;
            long bestScore = 0;
            int runnerUp = -1;
            int queuesWithWork = 0;
            int queueHead = -1;
            for (int i = 0, n = agents.memberCount(agent); i <= n; i++) {
                // An agent's memberships are in lane order and a queue's lanes are contiguous.
                int membership = i < n ? agents.member(agent, i) : -1;
                int lane = i < n ? Agents.laneOf(membership) : -1;
                if (queueHead >= 0 && (lane < 0 || lanes.queue(lane) != contacts.queue(queueHead))) {
                    queuesWithWork++;
                    long score = contacts.effectivePriorityMilli(queueHead, nowNs);
                    if (best < 0 || better(queueHead, score, best, bestScore)) {
                        runnerUp = best;
                        best = queueHead;
                        bestScore = score;
                    } else if (runnerUp < 0 || better(queueHead, score, runnerUp, contacts.effectivePriorityMilli(runnerUp, nowNs))) {
                        runnerUp = queueHead;
                    }
                    queueHead = -1;
                }
                if (lane < 0 || (channels & (1 << Agents.channelOf(membership))) == 0 || contacts.waiting[lane] == 0) {
                    continue;
                }
                int head = contacts.best(lane);
                if (head >= 0 && (queueHead < 0 || contacts.ranksBefore(head, queueHead))) {
                    queueHead = head;
                }
            }
            if (best < 0) {
                break;
            }
            offer(best, agent, OfferReason.BEST_WAITING_CONTACT, queuesWithWork, bestScore,
                    runnerUp < 0 ? -1 : contacts.id(runnerUp));
        }
        agents.refresh(agent, false, nowNs);
    }

    /** Of the contacts waiting for this agent alone, on channels it can take now, the one that joined first (then lower id); -1 if none. */
    private int firstReservedFor(int agent, int channels) {
        int first = -1;
        for (int s = contacts.firstReserved(agent); s >= 0; s = contacts.nextReserved(s)) {
            if ((channels & (1 << queues[contacts.queue(s)].channel().code())) != 0 && (first < 0
                    || contacts.enqueuedNs(s) < contacts.enqueuedNs(first)
                    || contacts.enqueuedNs(s) == contacts.enqueuedNs(first) && contacts.id(s) < contacts.id(first))) {
                first = s;
            }
        }
        return first;
    }

    /**
     * Between queues: higher effective priority first; then the longer waiting time weighted by each
     * queue's {@code weightPercent} (equal weights: the earlier join); then the lower contact id.
     */
    private boolean better(int a, long scoreA, int b, long scoreB) {
        if (scoreA != scoreB) {
            return scoreA > scoreB;
        }
        long waitedA = (nowNs - contacts.enqueuedNs(a)) * queues[contacts.queue(a)].weightPercent();
        long waitedB = (nowNs - contacts.enqueuedNs(b)) * queues[contacts.queue(b)].weightPercent();
        if (waitedA != waitedB) {
            return waitedA > waitedB;
        }
        return contacts.id(a) < contacts.id(b);
    }

    private void offer(int slot, int agent, int reason, int candidates, long score, long runnerUp) {
        int queue = contacts.queue(slot);
        contacts.unlink(slot);
        contacts.setState(slot, ContactState.OFFERED.code());
        contacts.setAgent(slot, agent);
        boolean interrupts = queues[queue].channel() == Channel.VOICE && agents.deferrableLoad(agent) > 0;
        agents.addLoad(agent, queues[queue].channel().code(), 1, queues[queue].deferrable(), nowNs);
        agents.addPendingOffers(agent, 1);
        agents.refresh(agent, true, nowNs);
        contacts.setDeadlineNs(slot, nowNs + offerTimeoutNs[queue]);
        timers.schedule(slot);
        Decision d = begin(DecisionType.OFFER_CONTACT);
        d.contactId = contacts.id(slot);
        d.agentId = agent;
        d.queueId = queue;
        d.priority = contacts.priority(slot);
        d.reason = reason;
        d.candidates = candidates;
        d.score = score;
        d.runnerUp = runnerUp;
        d.nodeId = contacts.step(slot);
        d.flags = (contacts.flags(slot) & (Decision.FLAG_CALLBACK | Decision.FLAG_INTRODUCE)) | (interrupts ? Decision.FLAG_INTERRUPTS : 0);
        emit();
    }

    private void onOfferAccepted(Command command) {
        int slot = heldSlot(command, ContactState.OFFERED);
        if (slot < 0) {
            return;
        }
        timers.cancel(slot);
        contacts.setDeadlineNs(slot, -1);
        contacts.setState(slot, ContactState.CONNECTED.code());
        contacts.setConnectedNs(slot, nowNs);
        recordAnswer(contacts.queue(slot));
        agents.addPendingOffers(command.agentId, -1);
        if (contacts.holder(slot) >= 0 && (contacts.flags(slot) & Decision.FLAG_INTRODUCE) == 0) {
            releaseHolderOf(slot, ReleaseReason.ACCEPTED);
        } // an introduction: the first agent talks on with both until it leaves
    }

    private void onOfferDeclined(Command command) {
        int slot = heldSlot(command, ContactState.OFFERED);
        if (slot < 0) {
            return;
        }
        int agent = command.agentId;
        timers.cancel(slot);
        releaseAgent(slot, agent);
        returnToQueue(slot);
        routeAgent(agent);
    }

    /** The offer timed out: redirect on no answer. */
    private void offerTimedOut(int slot) {
        int agent = contacts.agent(slot);
        retractOffer(slot, agent);
        unload(slot, agent);
        if (agents.pauseReason(agent) == PauseReason.LOGOUT_PENDING) {
            logOutIfFree(agent);
        } else {
            setPresence(agent, AgentState.PAUSED, PauseReason.NO_ANSWER);
            tellAgentState(agent, -1);
        }
        returnToQueue(slot);
    }

    private void retractOffer(int slot, int agent) {
        Decision d = begin(DecisionType.RETRACT_OFFER);
        d.contactId = contacts.id(slot);
        d.agentId = agent;
        d.queueId = contacts.queue(slot);
        emit();
    }

    /** Undoes the agent's hold on the contact (offer, conversation or wrap-up). */
    private void releaseAgent(int slot, int agent) {
        unload(slot, agent);
        agents.refresh(agent, false, nowNs);
    }

    /**
     * Undoes the agent's hold without filing the agent as idle yet: for callers that route the
     * agent next ({@link #routeAgent} files it at the end) or pause it. In a busy centre the agent
     * usually takes the next contact at once, and filing it idle in every queue it serves only to
     * take it out again was most of the core's cost.
     */
    private void unload(int slot, int agent) {
        if (contacts.state(slot) == ContactState.OFFERED.code()) {
            agents.addPendingOffers(agent, -1);
        }
        contacts.setDeadlineNs(slot, -1);
        QueueSpec queue = queues[contacts.queue(slot)];
        agents.addLoad(agent, queue.channel().code(), -1, queue.deferrable(), nowNs);
    }

    /** Back in its place after an offer; escalation steps that fell due meanwhile act before it is offered again. */
    private void returnToQueue(int slot) {
        contacts.setState(slot, ContactState.WAITING.code());
        contacts.setAgent(slot, -1);
        contacts.insertInPlace(slot);
        if (stepDue(slot)) {
            escalate(slot);
            return;
        }
        scheduleEscalation(slot);
        offerToLongestIdle(slot);
    }

    /**
     * The slot of the command's contact when it is in {@code expected} state and held by the
     * command's agent; otherwise rejects the command and returns -1.
     */
    private int heldSlot(Command command, ContactState expected) {
        int slot = liveSlot(command);
        if (slot < 0) {
            return -1;
        }
        if (contacts.state(slot) != expected.code()) {
            reject(RejectReason.ILLEGAL_TRANSITION, command);
            return -1;
        }
        if (contacts.agent(slot) != command.agentId) {
            reject(RejectReason.WRONG_AGENT, command);
            return -1;
        }
        return slot;
    }

    // ---------------------------------------------------------------- agents

    private void onAgentLoggedIn(Command command) {
        int agent = command.agentId;
        if (agent < 0 || agent >= agents.count) {
            reject(RejectReason.UNKNOWN_AGENT, command);
            return;
        }
        if (agents.presence(agent) != AgentState.LOGGED_OUT.code()) {
            reject(RejectReason.ILLEGAL_TRANSITION, command);
            return;
        }
        becomeReady(agent);
    }

    private void onAgentStateChanged(Command command) {
        int agent = command.agentId;
        if (agent < 0 || agent >= agents.count) {
            reject(RejectReason.UNKNOWN_AGENT, command);
            return;
        }
        boolean loggedOut = agents.presence(agent) == AgentState.LOGGED_OUT.code();
        if (command.agentState == AgentState.READY.code()) {
            if (loggedOut) {
                reject(RejectReason.ILLEGAL_TRANSITION, command);
                return;
            }
            becomeReady(agent);
        } else if (command.agentState == AgentState.PAUSED.code()) {
            if (loggedOut) {
                reject(RejectReason.ILLEGAL_TRANSITION, command);
                return;
            }
            setPresence(agent, AgentState.PAUSED, Math.max(PauseReason.UNSPECIFIED, command.reason));
        } else if (command.agentState == AgentState.LOGGED_OUT.code()) {
            if (agents.totalLoad(agent) > 0) {
                setPresence(agent, AgentState.PAUSED, PauseReason.LOGOUT_PENDING);
                tellAgentState(agent, -1);
                return;
            }
            setPresence(agent, AgentState.LOGGED_OUT, PauseReason.UNSPECIFIED);
        } else {
            reject(RejectReason.INVALID_ARGUMENT, command);
        }
    }

    /** See {@link CommandType#AGENT_CHANNEL_SET}: a channel switched on is routed at once (its contacts may wait). */
    private void onAgentChannelSet(Command command) {
        int agent = command.agentId;
        if (agent < 0 || agent >= agents.count) {
            reject(RejectReason.UNKNOWN_AGENT, command);
            return;
        }
        if (command.channel < 0 || command.channel >= Channel.COUNT || command.input < 0 || command.input > 1) {
            reject(RejectReason.INVALID_ARGUMENT, command);
            return;
        }
        boolean on = command.input == 1;
        if (agents.channelOn(agent, command.channel, on)) {
            if (on) {
                routeAgent(agent);
            } else {
                // To the back of the lines of its other channels, idle from now, as after taking work:
                // an agent idles in one order per agent (its idle entries go stale together).
                agents.refresh(agent, true, nowNs);
            }
        }
    }

    /**
     * Ready, then routed. Not filed idle first: {@link #routeAgent} files the agent at its end, and
     * an agent who takes a waiting contact at once would otherwise join every lane it serves only
     * to leave them again (one idle entry per lane, stale at once). Same idle order, same times.
     */
    private void becomeReady(int agent) {
        agents.presence(agent, AgentState.READY.code(), PauseReason.UNSPECIFIED, nowNs);
        routeAgent(agent);
    }

    /**
     * For an agent whose logout is pending, after its hold on a contact ended: filed as it is (it
     * takes nothing new), and logged out, with an {@code AGENT_STATE}, when it holds nothing now.
     */
    private void logOutIfFree(int agent) {
        agents.refresh(agent, false, nowNs);
        if (agents.totalLoad(agent) == 0) {
            setPresence(agent, AgentState.LOGGED_OUT, PauseReason.UNSPECIFIED);
            tellAgentState(agent, -1);
        }
    }

    /**
     * An {@code AGENT_STATE} decision with the agent's presence (not what its contacts make it) and
     * pause reason now; {@code contactId} names the contact whose wrap-up limit caused it, else -1.
     */
    private void tellAgentState(int agent, long contactId) {
        Decision d = begin(DecisionType.AGENT_STATE);
        d.contactId = contactId;
        d.agentId = agent;
        d.agentState = agents.presence(agent);
        d.reason = agents.pauseReason(agent);
        emit();
    }

    private void setPresence(int agent, AgentState presence, int reason) {
        agents.presence(agent, presence.code(), presence == AgentState.PAUSED ? reason : PauseReason.UNSPECIFIED, nowNs);
        agents.refresh(agent, false, nowNs);
    }

    // ---------------------------------------------------------------- timers

    private void fireDueTimers() {
        for (int slot = timers.peekDue(nowNs); slot >= 0; slot = timers.peekDue(nowNs)) {
            timers.cancel(slot);
            // No timer, no deadline: a snapshot restores a timer for every deadline it holds.
            contacts.setDeadlineNs(slot, -1);
            int state = contacts.state(slot);
            if (state == ContactState.OFFERED.code()) {
                offerTimedOut(slot);
            } else if (state == ContactState.SELF_SERVICE.code()) {
                invalidInput(slot);
            } else if (state == ContactState.WRAP_UP.code()) {
                finishWrapUp(slot, true);
            } else if (state == ContactState.WAITING.code() && contacts.reservedFor(slot) >= 0) {
                endReservation(slot);
            } else if (state == ContactState.WAITING.code()) {
                escalate(slot);
            } else {
                throw new IllegalStateException("timer fired for contact " + contacts.id(slot) + " in state " + state);
            }
        }
    }

    // ---------------------------------------------------------------- decisions

    private int liveSlot(Command command) {
        int slot = contacts.slotOf(command.contactId);
        if (slot < 0) {
            reject(RejectReason.UNKNOWN_CONTACT, command);
        }
        return slot;
    }

    private void reject(int reason, Command command) {
        rejectedByReason[reason]++;
        Decision d = begin(DecisionType.REJECT_COMMAND);
        d.reason = reason;
        d.commandType = command.type == null ? Decision.NONE : command.type.code();
        d.contactId = command.contactId;
        d.agentId = command.agentId;
        emit();
    }

    private Decision begin(DecisionType type) {
        Decision d = decision.clear();
        d.type = type;
        d.causeSequence = sequence;
        d.timestampNs = nowNs;
        return d;
    }

    private void emit() {
        decisionsIssued++;
        sink.onDecision(decision);
    }

    // ---------------------------------------------------------------- queries (tests, admin, invariants)

    /** The installed configuration, or {@code null} before the first {@code CONFIG_APPLIED}. */
    public RoutingConfig config() {
        return config;
    }

    /** The core's clock: the largest command timestamp seen, epoch ns. */
    /**
     * When the core's next timer (offer timeout, menu input timeout, wrap-up limit) falls due, so a
     * discrete-event driver can send a {@code TICK} at exactly that time.
     *
     * @return epoch ns of the earliest timer, or {@link Long#MAX_VALUE} when none is set
     */
    public long nextTimerNs() {
        return timers == null ? Long.MAX_VALUE : timers.nextDeadlineNs();
    }

    public long nowNs() {
        return nowNs;
    }

    /** Sequence of the last command applied. */
    public long lastSequence() {
        return sequence;
    }

    public long commandsApplied() {
        return commandsApplied;
    }

    public long decisionsIssued() {
        return decisionsIssued;
    }

    /** Commands rejected for a {@link RejectReason}. */
    public long rejected(int reason) {
        return rejectedByReason[reason];
    }

    /** Contacts ended with an {@link Outcome}. */
    public long ended(int outcome) {
        return endedByOutcome[outcome];
    }

    public int agentCount() {
        return agents == null ? 0 : agents.count;
    }

    /** The agent's state; {@link AgentState#LOGGED_OUT} for an unknown agent. */
    public AgentState agentState(int agent) {
        return agents == null || agent < 0 || agent >= agents.count ? AgentState.LOGGED_OUT : agents.state(agent);
    }

    /**
     * The presence the agent set (logged out, ready or paused), whatever contacts it holds;
     * {@link #agentState} is what it does now (offered, busy and wrap-up come before ready).
     */
    public AgentState agentPresence(int agent) {
        return agents == null || agent < 0 || agent >= agents.count ? AgentState.LOGGED_OUT : AgentState.ofCode(agents.presence(agent));
    }

    public int agentPauseReason(int agent) {
        return agents.pauseReason(agent);
    }

    /** Since when (core time, ns) the agent has its presence ({@link #agentPresence}, with its pause reason). */
    public long agentPresenceSinceNs(int agent) {
        return agents.presenceSinceNs(agent);
    }

    /** Contacts of deferrable queues the agent holds (a call may interrupt them). */
    public int agentDeferrableLoad(int agent) {
        return agents.deferrableLoad(agent);
    }

    /** Contacts the agent holds on a channel (offered, connected or in wrap-up). */
    public int agentLoad(int agent, Channel channel) {
        return agents.load(agent, channel.code());
    }

    public int agentCapacity(int agent, Channel channel) {
        return agents.capacity(agent, channel.code());
    }

    /** Whether the agent takes contacts of the channel at all ({@link CommandType#AGENT_CHANNEL_SET}), whatever its presence. */
    public boolean agentChannelOn(int agent, Channel channel) {
        return (agents.channelsOn(agent) & (1 << channel.code())) != 0;
    }

    /** Whether the agent could take one more contact of the channel now. */
    public boolean agentAvailable(int agent, Channel channel) {
        return agents.available(agent, channel.code());
    }

    public ContactState contactState(long contactId) {
        int slot = contacts == null ? -1 : contacts.slotOf(contactId);
        return slot < 0 ? ContactState.NONE : ContactState.ofCode(contacts.state(slot));
    }

    /**
     * The channel a live contact came in on, or null when it is not live: how a gateway tells its
     * own contacts from the others' after a restart (a contact in self-service has no queue yet).
     */
    public Channel contactChannel(long contactId) {
        int slot = contacts == null ? -1 : contacts.slotOf(contactId);
        return slot < 0 ? null : Channel.ofCode(contacts.channel(slot));
    }

    /** The queue a live contact is in or was last routed to, or -1. */
    public int contactQueue(long contactId) {
        int slot = contacts == null ? -1 : contacts.slotOf(contactId);
        return slot < 0 ? -1 : contacts.queue(slot);
    }

    /** The agent holding a live contact, or -1. */
    public int contactAgent(long contactId) {
        int slot = contacts == null ? -1 : contacts.slotOf(contactId);
        return slot < 0 ? -1 : contacts.agent(slot);
    }

    /** The agent who transferred the contact warmly and stays with it until another accepts, or -1. */
    public int contactHolder(long contactId) {
        int slot = contacts == null ? -1 : contacts.slotOf(contactId);
        return slot < 0 ? -1 : contacts.holder(slot);
    }

    /**
     * The queue a warmly transferred contact was in before that transfer, while its first agent stays
     * with it (where an introduction its next agent leaves gives it back), or -1.
     */
    public int contactHolderQueue(long contactId) {
        int slot = contacts == null ? -1 : contacts.slotOf(contactId);
        return slot < 0 ? -1 : contacts.holderQueue(slot);
    }

    /** Position (1 = next) of a waiting contact in its queue, or -1 if it is not waiting. */
    public int positionInQueue(long contactId) {
        int slot = contacts == null ? -1 : contacts.slotOf(contactId);
        return slot < 0 || contacts.state(slot) != ContactState.WAITING.code() ? -1 : contacts.position(slot);
    }

    /**
     * When a waiting contact joined the queues (the time its place is ordered by, kept through
     * escalation, transfer and unanswered offers), in core ns; -1 if it is not waiting.
     */
    public long waitingSinceNs(long contactId) {
        int slot = contacts == null ? -1 : contacts.slotOf(contactId);
        return slot < 0 || contacts.state(slot) != ContactState.WAITING.code() ? -1 : contacts.enqueuedNs(slot);
    }

    public int waitingCount(int queue) {
        return contacts.queueWaiting[queue];
    }

    public int liveContacts() {
        return contacts == null ? 0 : contacts.live();
    }

    /**
     * Copies the ids of live contacts (self-service, waiting, offered, connected, wrap-up) into
     * {@code into}, in slot order, up to its length.
     *
     * @return how many ids were copied
     */
    public int liveContactIds(long[] into) {
        if (contacts == null) {
            return 0;
        }
        int n = 0;
        for (int slot = 0; slot < contacts.highWater() && n < into.length; slot++) {
            if (contacts.state(slot) != ContactState.NONE.code()) {
                into[n++] = contacts.id(slot);
            }
        }
        return n;
    }

    /** The prompt of the queue's emergency closure, or -1 when it is open. */
    public int queueClosurePrompt(int queue) {
        return closurePrompt == null ? -1 : closurePrompt[queue];
    }

    /** The prompt of the operator's service announcement, or -1 when none is set. */
    public int announcementPrompt() {
        return announcementPrompt;
    }

    /** The prompt while the queue's business hours keep it closed, or -1 when they have it open. */
    public int queueHoursPrompt(int queue) {
        return hoursPrompt == null ? -1 : hoursPrompt[queue];
    }

    // ---------------------------------------------------------------- state

    /**
     * Writes the whole state in a fixed order: the snapshot format, and the input of
     * {@link #stateHash()}. Two cores with equal writes behave identically from then on.
     */
    public void writeState(StateWriter out) {
        out.writeInt(STATE_FORMAT_VERSION);
        out.writeLong(nowNs);
        out.writeLong(sequence);
        out.writeLong(commandsApplied);
        out.writeLong(decisionsIssued);
        for (long count : rejectedByReason) {
            out.writeLong(count);
        }
        for (long count : endedByOutcome) {
            out.writeLong(count);
        }
        out.writeBytes(configBytes);
        if (config != null) {
            agents.write(out);
            contacts.write(out);
            for (int prompt : closurePrompt) {
                out.writeInt(prompt);
            }
            for (int prompt : hoursPrompt) {
                out.writeInt(prompt);
            }
            for (long aht : ahtNs) {
                out.writeLong(aht);
            }
            for (int q = 0; q < queues.length; q++) {
                out.writeLong(answerIntervalNs[q]);
                out.writeLong(lastAnswerNs[q]);
                out.writeInt(backlogAfterAnswer[q] ? 1 : 0);
            }
            out.writeInt(announcementPrompt);
            agents.writeChannelsOff(out);
        }
    }

    /**
     * Rebuilds a core from {@link #writeState} output.
     *
     * @throws IllegalStateException when the state is of another format or does not fit its configuration
     */
    public static RoutingCore readState(StateReader in, DecisionSink sink) {
        int format = in.readInt();
        if (format < 1 || format > STATE_FORMAT_VERSION) {
            throw new IllegalStateException("core state format " + format + " is not one of 1.." + STATE_FORMAT_VERSION);
        }
        RoutingCore core = new RoutingCore(sink);
        core.nowNs = in.readLong();
        core.sequence = in.readLong();
        core.commandsApplied = in.readLong();
        core.decisionsIssued = in.readLong();
        for (int i = 0; i < core.rejectedByReason.length; i++) {
            core.rejectedByReason[i] = in.readLong();
        }
        for (int i = 0; i < core.endedByOutcome.length; i++) {
            core.endedByOutcome[i] = in.readLong();
        }
        byte[] configBytes = in.readBytes();
        if (configBytes != null) {
            core.install(RoutingConfigCodec.decode(configBytes), configBytes);
            core.agents.read(in, format);
            core.contacts.read(in, format);
            if (format >= 2) { // format 1 had no closures: every queue open
                for (int q = 0; q < core.closurePrompt.length; q++) {
                    core.closurePrompt[q] = in.readInt();
                }
            }
            if (format >= 3) { // formats 1 and 2 had no business hours: every queue open
                for (int q = 0; q < core.hoursPrompt.length; q++) {
                    core.hoursPrompt[q] = in.readInt();
                }
            }
            if (format >= 5) { // before 5, no handling times: estimates start unknown
                for (int q = 0; q < core.ahtNs.length; q++) {
                    core.ahtNs[q] = in.readLong();
                }
            }
            if (format >= 10) { // before 10, no pace: estimates fall back to handling times
                for (int q = 0; q < core.queues.length; q++) {
                    core.answerIntervalNs[q] = in.readLong();
                    core.lastAnswerNs[q] = in.readLong();
                    core.backlogAfterAnswer[q] = in.readInt() != 0;
                }
            }
            if (format >= 12) { // before 12, no service announcement
                core.announcementPrompt = in.readInt();
            }
            if (format >= 15) { // before 15, no channel switched off
                core.agents.readChannelsOff(in);
            }
            for (int slot = 0; slot < core.contacts.highWater(); slot++) {
                if (core.contacts.state(slot) != ContactState.NONE.code() && core.contacts.deadlineNs(slot) >= 0) {
                    core.timers.schedule(slot);
                }
            }
        }
        return core;
    }

    /** A 64-bit hash of {@link #writeState} output. */
    public long stateHash() {
        StateHasher hasher = new StateHasher();
        writeState(hasher);
        return hasher.hash();
    }

    /** Queue names by id, for explanations. */
    public List<QueueSpec> queues() {
        return config == null ? List.of() : config.queues();
    }
}
