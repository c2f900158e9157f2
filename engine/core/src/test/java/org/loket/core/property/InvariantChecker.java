package org.loket.core.property;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.OfferReason;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.RejectReason;
import org.loket.core.decision.ReleaseReason;
import org.loket.core.routing.RoutingCore;
import org.loket.core.testkit.RandomTraffic;

/**
 * Checks the core's promises after every command, from its public queries and the decisions of
 * the command only (never from its internals). Call {@link #check} after each command with the
 * decisions it produced, and {@link #finish} at the end; a broken promise throws an
 * {@link AssertionError} that names the seed, the command and what broke.
 * <ul>
 * <li>Time: the clock is the largest command time; every decision carries it and its command's
 *     sequence; decision times never decrease.</li>
 * <li>Every contact ends exactly once: an arrival is refused or starts a life; no decision about a
 *     contact follows its {@code END_CONTACT}; a contact without an end is live, one with an end is
 *     gone or in wrap-up; the core holds exactly the contacts the decisions account for; at the
 *     end the outcome and rejection counters match the decisions.</li>
 * <li>Queue order: an offer takes the first of its queue's waiting contacts (aged rank, then join
 *     time, then id; FIFO for equal priority without aging), a contact keeping its join time when it
 *     returns to its place or is transferred; announced positions follow the same order; an offer's
 *     score is the contact's effective priority; offers go to agents with the skill level, never
 *     on a channel the agent switched off.</li>
 * <li>Capacity: no agent holds more than its capacity on a channel; voice is exclusive.</li>
 * <li>No available agent qualifies for a waiting contact after a command.</li>
 * <li>Timers: no offer, menu or wrap-up is left past its deadline after a command.</li>
 * <li>Warm transfers: the agent who stays is released once, for a reason that fits; an introduction
 *     its next agent leaves is the introducer's again, back in the queue it was in before the
 *     transfer; a contact ends in the queue its decisions put it in.</li>
 * <li>Bad input: a command the traffic knows to be wrong is refused with the expected reason, and
 *     one it knows to be right is not refused.</li>
 * </ul>
 */
final class InvariantChecker {
    /** What the checker has learnt about one contact from the decisions. */
    private static final class Seen {
        boolean ended;
        boolean wrapUpEnded;
        int agent = -1;
        int outcome;
        long endedNs;
        int queue = -1;
        /** Widening steps passed in the queue, and the contact's language: which agents serve it. */
        int tier;
        int language;
        int priority;
        long joinedNs = -1;
        long offeredNs;
        int offerQueue;
        long enteredQueueNs;
        int step;
        boolean callback;
        /** The agent it waits for alone, and until when (its queue's preferredAgentMs after joining); -1 none. */
        int reservedFor = -1;
        long reservedUntilNs;
        /** An offer keeps the deadline it was made with, through a reload. */
        long offerDeadlineNs;
        long promptedNs;
        int promptNode = -1;
        /** The channel it arrived on (a menu's input timeout may not apply to it). */
        int channel;
        /** The first agent of a warm transfer, who stays until its {@code TRANSFER_RELEASED}; -1 none. */
        int holder = -1;
        /** The queue it was in before the warm transfer of {@link #holder}, where a return puts it back; -1 none. */
        int holderQueue = -1;
        /** The warm transfer that made {@link #holder} stay introduces: it stays after the next agent accepts. */
        boolean introduces;
    }

    private final long seed;
    private RoutingConfig config;
    private RoutingCore core;
    private final Map<Long, Seen> contacts = new HashMap<>();
    /** Contacts that arrived and have not left the core yet (still live, or in wrap-up). */
    private final Map<Long, Seen> open = new LinkedHashMap<>();
    /** Contacts certainly waiting: after a command from the core's queries, then updated decision by decision. */
    private final Map<Long, Seen> waiting = new LinkedHashMap<>();
    private final long[] endedByOutcome = new long[Outcome.COUNT];
    private final long[] rejectedByReason = new long[RejectReason.COUNT];
    private long lastDecisionNs = Long.MIN_VALUE;
    private long maxCommandNs = Long.MIN_VALUE;
    private int index;
    private Command command;
    private List<Decision> decisions;
    private int orderComparisons;
    /** "agent name/channel code" of each channel an agent switched off ({@code AGENT_CHANNEL_SET}): by name, which reloads keep. */
    private final java.util.Set<String> channelsOff = new java.util.HashSet<>();

    InvariantChecker(long seed, RoutingConfig config) {
        this.seed = seed;
        this.config = config;
    }

    /** Comparisons of an offered contact with another contact waiting in its queue, so far. */
    int orderComparisons() {
        return orderComparisons;
    }

    void check(RoutingCore core, Command command, List<Decision> decisions, RandomTraffic.Expectation expectation) {
        this.command = command;
        this.decisions = decisions;
        index++;
        checkTime(core);
        this.core = core;
        checkDecisionStream();
        followPromptPlayed();
        checkRejection(expectation);
        if (core.config() == null) {
            return;
        }
        checkContactsAccounted(core);
        checkCapacity(core);
        checkNoIdleAgentForWaitingContact(core);
        checkTimersOnTime(core);
    }

    /**
     * An accepted reload: the rules of the new configuration from now on. Contacts keep the number
     * of escalation steps passed, at most the new count, and their tier follows the new steps.
     */
    private void followReload() {
        contacts.values().forEach(seen -> seen.reservedFor = -1); // a reload ends the waits for a preferred agent
        // Steps a waiting callback contact passed silently before the switch (their timers fired first)
        // count as passed; an offered contact passes nothing until its offer ends.
        for (Seen seen : waiting.values()) {
            if (!seen.ended && seen.queue >= 0 && seen.callback) {
                java.util.List<EscalationStep> steps = config.queues().get(seen.queue).steps();
                while (seen.step < nextActingStep(seen) && seen.enteredQueueNs + steps.get(seen.step).afterMs() * 1_000_000L <= core.nowNs()) {
                    seen.step++;
                }
            }
        }
        config = core.config();
        for (Seen seen : contacts.values()) {
            if (!seen.ended && seen.queue >= 0) {
                java.util.List<EscalationStep> steps = config.queues().get(seen.queue).steps();
                seen.step = Math.min(seen.step, steps.size());
                seen.tier = (int) steps.subList(0, seen.step).stream().filter(s -> s.action() == EscalationStep.Action.WIDEN).count();
            }
        }
    }

    /** "agent name/channel" of a valid {@code AGENT_CHANNEL_SET} command, else null. */
    private String channelSwitched() {
        if (command.type != CommandType.AGENT_CHANNEL_SET || config == null || command.agentId < 0 || command.agentId >= config.agents().size()
                || command.channel < 0 || command.channel >= Channel.COUNT || command.input < 0 || command.input > 1) {
            return null;
        }
        return config.agents().get(command.agentId).name() + "/" + command.channel;
    }

    /** Time never goes back; every decision carries the core's clock and its command's sequence. */
    private void checkTime(RoutingCore core) {
        maxCommandNs = Math.max(maxCommandNs, command.timestampNs);
        require(core.nowNs() == maxCommandNs, "clock %d is not the largest command time %d", core.nowNs(), maxCommandNs);
        for (Decision d : decisions) {
            require(d.timestampNs >= lastDecisionNs, "decision time went back from %d: %s", lastDecisionNs, d);
            require(d.timestampNs == core.nowNs(), "decision not at the core's time %d: %s", core.nowNs(), d);
            require(d.causeSequence == command.sequence, "decision names another command: %s", d);
            lastDecisionNs = d.timestampNs;
        }
    }

    /**
     * Walks the decisions in order: each contact ends exactly once and nothing follows its end; an
     * arrival is either accepted or refused; every offer takes the first contact of its queue among
     * those known to wait there at that moment.
     */
    private void checkDecisionStream() {
        boolean arrival = command.type == CommandType.CONTACT_ARRIVED && command.contactId >= 0;
        boolean arrivalRejected = false;
        boolean wasOpen = arrival && open.containsKey(command.contactId);
        if (arrival && !open.containsKey(command.contactId)) {
            require(!contacts.containsKey(command.contactId), "test traffic reused contact id %d", command.contactId);
        }
        followLanguageChoice();
        // Switched on, the agent is routed after the switch; switched off, nothing of this command follows it.
        String channelSwitched = channelSwitched();
        if (channelSwitched != null && command.input == 1) {
            channelsOff.remove(channelSwitched);
        }
        Seen retracted = null;
        long retractedId = -1;
        int rejects = 0;
        for (Decision d : decisions) {
            if (retracted != null) {
                // A retracted offer either ends (abandoned) or the contact goes back to its place.
                if (!(d.type == DecisionType.END_CONTACT && d.contactId == retractedId)) {
                    waiting.put(retractedId, retracted);
                }
                retracted = null;
            }
            if (d.type == DecisionType.REJECT_COMMAND) {
                rejects++;
                rejectedByReason[d.reason]++;
                require(d.commandType == (command.type == null ? Decision.NONE : command.type.code())
                        && d.contactId == command.contactId && d.agentId == command.agentId, "reject does not echo its command: %s", d);
                arrivalRejected |= arrival;
                continue;
            }
            if (d.type == DecisionType.CONFIGURATION_APPLIED) {
                require(command.type == CommandType.CONFIG_APPLIED && d.score == core.config().version(),
                        "configuration applied by another command or with another version: %s", d);
                followReload();
                continue;
            }
            if (d.contactId == Decision.NONE) {
                continue;
            }
            Seen seen = contacts.get(d.contactId);
            if (seen == null && arrival && d.contactId == command.contactId) {
                seen = new Seen();
                seen.channel = command.channel;
                seen.language = command.languageId >= 0 && command.languageId < config.languages().size() ? command.languageId : 0;
                contacts.put(d.contactId, seen);
                open.put(d.contactId, seen);
            }
            require(seen != null, "decision for a contact that never arrived: %s", d);
            if (d.type == DecisionType.AGENT_STATE) {
                // The wrap-up limit of an answered contact ends after the contact did, once.
                require(seen.ended && seen.outcome == Outcome.ANSWERED && !seen.wrapUpEnded && d.agentId == seen.agent,
                        "wrap-up end for a contact that is not in wrap-up with that agent: %s", d);
                seen.wrapUpEnded = true;
                continue;
            }
            if (d.type == DecisionType.TRANSFER_RELEASED) {
                // Released once, for the reason that happened: the next agent accepted (not for an introduction),
                // the contact ended, or the agent left (before an acceptance; after one, or when the contact
                // was passed on, from an introduction).
                if (d.reason == ReleaseReason.RETURNED) {
                    // The agent who accepted an introduction left it: the contact is its introducer's alone again,
                    // back in the queue it was in before the transfer.
                    require(!seen.ended && seen.holder >= 0 && seen.introduces && seen.holder != d.agentId
                                    && command.type == CommandType.TRANSFER_LEFT && command.contactId == d.contactId && command.agentId == d.agentId
                                    && core.contactState(d.contactId) == ContactState.CONNECTED && core.contactAgent(d.contactId) == seen.holder,
                            "return to the introducer %d after command %s, the contact is %s with agent %d: %s", seen.holder, command.type,
                            core.contactState(d.contactId), core.contactAgent(d.contactId), d);
                    require(d.queueId == seen.holderQueue && core.contactQueue(d.contactId) == seen.holderQueue,
                            "return to the introducer into queue %d (the core says %d), the contact came from queue %d: %s",
                            d.queueId, core.contactQueue(d.contactId), seen.holderQueue, d);
                    seen.queue = seen.holderQueue;
                    seen.holder = -1;
                    seen.holderQueue = -1;
                    continue;
                }
                require(seen.holder >= 0 && seen.holder == d.agentId, "release of agent %d, who does not stay with the contact: %s",
                        d.agentId, d);
                boolean fits = switch (d.reason) {
                    case ReleaseReason.ACCEPTED -> !seen.ended && !seen.introduces && command.type == CommandType.OFFER_ACCEPTED
                            && command.contactId == d.contactId;
                    case ReleaseReason.INTRODUCED -> !seen.ended && seen.introduces && (command.type == CommandType.TRANSFER_LEFT && command.agentId == d.agentId
                                || command.type == CommandType.TRANSFER_REQUESTED && command.contactId == d.contactId);
                    case ReleaseReason.LEFT -> !seen.ended && command.type == CommandType.TRANSFER_LEFT && command.agentId == d.agentId;
                    case ReleaseReason.CONTACT_ENDED -> seen.ended && seen.endedNs == d.timestampNs;
                    default -> false;
                };
                require(fits, "release for %s after command %s: %s", ReleaseReason.name(d.reason), command.type, d);
                seen.holder = -1;
                seen.holderQueue = -1;
                continue;
            }
            require(!seen.ended, "decision after the contact ended: %s", d);
            switch (d.type) {
                case END_CONTACT -> {
                    require(seen.queue < 0 || d.queueId == seen.queue, "end in queue %d of a contact its decisions put in queue %d: %s",
                            d.queueId, seen.queue, d);
                    seen.ended = true;
                    seen.agent = d.agentId;
                    seen.outcome = d.outcome;
                    seen.endedNs = d.timestampNs;
                    endedByOutcome[d.outcome]++;
                    waiting.remove(d.contactId);
                }
                case QUEUE_CONTACT -> {
                    if (seen.reservedFor >= 0 && d.queueId == seen.queue && d.agentId < 0) {
                        require(d.timestampNs >= seen.reservedUntilNs, "the wait for the preferred agent ended early: %s", d);
                        seen.reservedFor = -1; // it now waits for anyone, in the same place
                        continue;
                    }
                    if (seen.joinedNs < 0) {
                        seen.joinedNs = d.timestampNs;
                    }
                    seen.queue = d.queueId;
                    seen.tier = 0;
                    seen.step = 0;
                    seen.enteredQueueNs = d.timestampNs;
                    seen.priority = d.priority;
                    seen.reservedFor = d.agentId;
                    seen.reservedUntilNs = d.timestampNs + config.queues().get(d.queueId).preferredAgentMs() * 1_000_000L;
                    waiting.put(d.contactId, seen);
                }
                case OFFER_CONTACT -> {
                    require(d.nodeId >= seen.step, "an offer names fewer escalation steps passed than acted: %s", d);
                    seen.step = d.nodeId; // steps a callback contact passed silently show here
                    seen.offerDeadlineNs = d.timestampNs + config.queues().get(d.queueId).offerTimeoutMs() * 1_000_000L;
                    require(seen.queue == d.queueId && seen.priority == d.priority, "offer of a contact from another queue: %s", d);
                    AgentSpec agent = config.agents().get(d.agentId);
                    QueueSpec queue = config.queues().get(d.queueId);
                    require(serves(agent, seen), "offer to an agent who does not meet the queue's requirement at tier %d: %s",
                            seen.tier, d);
                    require(!channelsOff.contains(agent.name() + "/" + queue.channel().code()),
                            "offer to an agent who switched the queue's channel off: %s", d);
                    if (d.reason == OfferReason.PREFERRED_AGENT) {
                        require(seen.reservedFor == d.agentId, "offer to a preferred agent the contact does not wait for: %s", d);
                    } else {
                        require(seen.reservedFor < 0, "offer to another agent of a contact that waits for its preferred agent: %s", d);
                        checkQueueOrder(d.contactId, seen, d, agent);
                    }
                    seen.reservedFor = -1;
                    require(((d.flags & Decision.FLAG_INTRODUCE) != 0) == (seen.holder >= 0 && seen.introduces),
                            "an offer says introduction %s, its agent who stays %d introduces: %s", (d.flags & Decision.FLAG_INTRODUCE) != 0,
                            seen.holder, d);
                    if (d.reason == OfferReason.BEST_WAITING_CONTACT) {
                        require(d.score == effectivePriorityMilli(seen, queue, d.timestampNs),
                                "offer explains score %d, the contact's effective priority is %d: %s",
                                d.score, effectivePriorityMilli(seen, queue, d.timestampNs), d);
                    }
                    waiting.remove(d.contactId);
                    seen.offeredNs = d.timestampNs;
                    seen.offerQueue = d.queueId;
                }
                case RETRACT_OFFER -> {
                    retracted = seen;
                    retractedId = d.contactId;
                }
                case CALLBACK_SCHEDULED -> seen.callback = true;
                case TRANSFER_CONTACT -> {
                    if ((d.flags & Decision.FLAG_WARM) != 0) {
                        require(seen.holder < 0, "a second warm transfer before the first was released: %s", d);
                        seen.holder = d.agentId;
                        seen.holderQueue = seen.queue;
                        seen.introduces = (d.flags & Decision.FLAG_INTRODUCE) != 0;
                    }
                }
                case PLAY_PROMPT -> {
                    seen.promptedNs = d.timestampNs;
                    seen.promptNode = d.nodeId;
                    seen.language = d.languageId;
                }
                case ESCALATE -> {
                    require(seen.queue >= 0 && d.nodeId >= 0 && d.nodeId < config.queues().get(seen.queue).steps().size(),
                            "escalation of a contact by a step its queue does not have: %s", d);
                    EscalationStep step = config.queues().get(seen.queue).steps().get(d.nodeId);
                    require(step.action().code() == d.reason, "escalation names another action than its step: %s", d);
                    long dueNs = seen.enteredQueueNs + step.afterMs() * 1_000_000L;
                    require(d.timestampNs >= dueNs, "escalation step acted %d ns early: %s", dueNs - d.timestampNs, d);
                    require(d.nodeId == nextActingStep(seen), "escalation step %d acted, step %d was next: %s", d.nodeId,
                            nextActingStep(seen), d);
                    seen.step = d.nodeId + 1;
                    if (step.action() == EscalationStep.Action.WIDEN) {
                        seen.tier++;
                    } else if (step.action() == EscalationStep.Action.OVERFLOW) {
                        require(d.queueId == step.overflowQueueId(), "overflow into another queue than its step's: %s", d);
                        seen.queue = d.queueId;
                        seen.tier = 0;
                        seen.step = 0;
                        seen.enteredQueueNs = d.timestampNs;
                    }
                }
                default -> {
                }
            }
        }
        if (retracted != null) {
            waiting.put(retractedId, retracted);
        }
        require(rejects <= 1, "%d rejections for one command", rejects);
        if (channelSwitched != null && command.input == 0) {
            channelsOff.add(channelSwitched);
        }
        if (arrival && arrivalRejected) {
            require(wasOpen || !contacts.containsKey(command.contactId),
                    "a refused arrival of contact %d has a life", command.contactId);
        }
        if (arrival && !arrivalRejected && !open.containsKey(command.contactId)) {
            // Accepted without any decision is impossible: it prompts, queues or ends.
            fail("arrival of contact %d neither refused nor started", command.contactId);
        }
    }

    /** The next escalation step that acts on the contact: one waiting for a callback passes callback and close steps. */
    private int nextActingStep(Seen seen) {
        java.util.List<EscalationStep> steps = config.queues().get(seen.queue).steps();
        int i = seen.step;
        while (i < steps.size() && seen.callback && steps.get(i).action().passedByCallbackContacts()) {
            i++;
        }
        return i;
    }

    /** A menu's prompt heard: its input timeout counts from now, if the contact is still at that node. */
    private void followPromptPlayed() {
        Seen seen = command.type == CommandType.PROMPT_PLAYED ? contacts.get(command.contactId) : null;
        if (seen != null && !seen.ended && seen.promptNode == command.input
                && core.contactState(command.contactId) == ContactState.SELF_SERVICE
                && decisions.stream().noneMatch(d -> d.type == DecisionType.REJECT_COMMAND)) {
            seen.promptedNs = core.nowNs();
        }
    }

    /** A language menu's choice changes the contact's language, even when no prompt follows it. */
    private void followLanguageChoice() {
        Seen seen = command.type == CommandType.SELF_SERVICE_INPUT ? contacts.get(command.contactId) : null;
        if (seen == null || seen.ended || seen.promptNode < 0 || command.input < 0 || command.input >= FlowNode.INPUTS
                || decisions.stream().anyMatch(d -> d.type == DecisionType.REJECT_COMMAND)) {
            return;
        }
        FlowNode node = config.flowNodes().get(seen.promptNode);
        if (node.kind() == FlowNode.Kind.LANGUAGE && node.nextByInput()[command.input] >= 0
                && node.languageByInput()[command.input] >= 0) {
            seen.language = node.languageByInput()[command.input];
        }
    }


    /**
     * The offered contact must come first in its queue among the contacts known to wait there:
     * priority aged with waiting time (rank {@code joined - priority * agingStep}), then join time,
     * then contact id. Contacts put back by a decline are not known to wait until the next command,
     * so they are left out: the check only ever compares with contacts certainly waiting.
     */
    private void checkQueueOrder(long offeredId, Seen offered, Decision d, AgentSpec agent) {
        QueueSpec queue = config.queues().get(d.queueId);
        for (Map.Entry<Long, Seen> e : waiting.entrySet()) {
            Seen other = e.getValue();
            long otherId = e.getKey();
            // Only contacts the same agent could have taken: escalation tiers and languages apart.
            if (otherId == offeredId || other.queue != d.queueId || other.ended || other.reservedFor >= 0 || !serves(agent, other)) {
                continue;
            }
            orderComparisons++;
            if (before(queue, otherId, other, offeredId, offered)) {
                String rule = queue.priorityAgingMs() == 0 && other.priority == offered.priority
                        ? "FIFO within equal priority" : "queue order (aged priority, join time, id)";
                fail("%s broken in queue %d: offered contact %d (priority %d, joined %d) while contact %d "
                                + "(priority %d, joined %d) waits before it: %s", rule, d.queueId, offeredId, offered.priority,
                        offered.joinedNs, otherId, other.priority, other.joinedNs, d);
            }
        }
    }

    /** Priority in thousandths of a level, plus the levels gained by waiting since joining. */
    private static long effectivePriorityMilli(Seen contact, QueueSpec queue, long nowNs) {
        long agingNs = queue.priorityAgingMs() * 1_000_000L;
        long aged = agingNs == 0 ? 0 : Math.max(0, nowNs - contact.joinedNs) * 1000 / agingNs;
        return contact.priority * 1000L + aged;
    }

    private static boolean before(QueueSpec queue, long aId, Seen a, long bId, Seen b) {
        long stepNs = queue.priorityAgingMs() * 1_000_000L;
        if (queue.priorityAgingMs() == 0) {
            if (a.priority != b.priority) {
                return a.priority > b.priority;
            }
        } else {
            long rankA = a.joinedNs - a.priority * stepNs;
            long rankB = b.joinedNs - b.priority * stepNs;
            if (rankA != rankB) {
                return rankA < rankB;
            }
        }
        return a.joinedNs != b.joinedNs ? a.joinedNs < b.joinedNs : aId < bId;
    }

    private void checkRejection(RandomTraffic.Expectation expectation) {
        if (expectation == null || !expectation.sure()) {
            return;
        }
        Decision reject = null;
        for (Decision d : decisions) {
            if (d.type == DecisionType.REJECT_COMMAND) {
                reject = d;
            }
        }
        if (expectation.accepted()) {
            require(reject == null, "a valid command was refused: %s", reject);
        } else {
            require(reject != null && reject.reason == expectation.rejectReason(), "expected the command to be refused with %s, got %s",
                    RejectReason.name(expectation.rejectReason()), reject);
        }
    }

    /**
     * Every contact that arrived is live until its end, and after its end only in wrap-up; the core
     * holds exactly the contacts the decisions account for; the waiting counts agree.
     */
    private void checkContactsAccounted(RoutingCore core) {
        waiting.clear();
        int[] waitingPerQueue = new int[config.queues().size()];
        for (Iterator<Map.Entry<Long, Seen>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Seen> e = it.next();
            long id = e.getKey();
            Seen seen = e.getValue();
            ContactState state = core.contactState(id);
            require(core.contactHolder(id) == (state == ContactState.NONE ? -1 : seen.holder),
                    "contact %d is held warmly by agent %d, its decisions say %d", id, core.contactHolder(id), seen.holder);
            require(core.contactHolderQueue(id) == (state == ContactState.NONE ? -1 : seen.holderQueue),
                    "contact %d returns to queue %d if its introduction is left, its decisions say %d", id,
                    core.contactHolderQueue(id), seen.holderQueue);
            require(!seen.ended || seen.holder < 0, "contact %d ended, its warm transfer's agent %d was not released", id, seen.holder);
            if (seen.ended) {
                require(state == ContactState.NONE || state == ContactState.WRAP_UP && seen.outcome == Outcome.ANSWERED,
                        "contact %d ended (%s) but is %s", id, Outcome.name(seen.outcome), state);
            } else {
                require(state != ContactState.NONE && state != ContactState.WRAP_UP, "contact %d is %s without an end", id, state);
            }
            if (state == ContactState.NONE) {
                it.remove();
            } else if (state == ContactState.WAITING) {
                int queue = core.contactQueue(id);
                require(queue == seen.queue, "contact %d waits in queue %d, its decisions say %d", id, queue, seen.queue);
                waitingPerQueue[queue]++;
                waiting.put(id, seen);
            }
        }
        require(core.liveContacts() == open.size(), "core holds %d contacts, the decisions account for %d",
                core.liveContacts(), open.size());
        for (int q = 0; q < waitingPerQueue.length; q++) {
            require(core.waitingCount(q) == waitingPerQueue[q], "queue %d counts %d waiting, %d contacts wait there",
                    q, core.waitingCount(q), waitingPerQueue[q]);
        }
        checkPositions(core);
        if (command.type == CommandType.CONTACT_ARRIVED && !open.containsKey(command.contactId)) {
            Seen seen = contacts.get(command.contactId);
            require(seen == null || seen.ended, "contact %d is gone without an end", command.contactId);
        }
    }

    /** The position the core announces to a waiting contact is its place in the documented queue order. */
    private void checkPositions(RoutingCore core) {
        for (Map.Entry<Long, Seen> e : waiting.entrySet()) {
            Seen seen = e.getValue();
            QueueSpec queue = config.queues().get(seen.queue);
            int position = 1;
            for (Map.Entry<Long, Seen> other : waiting.entrySet()) {
                // A contact waiting for its own preferred agent is not ahead of anyone.
                if (other.getValue().queue == seen.queue && other.getValue().reservedFor < 0
                        && before(queue, other.getKey(), other.getValue(), e.getKey(), seen)) {
                    position++;
                }
            }
            require(core.positionInQueue(e.getKey()) == position, "contact %d is told position %d in queue %d, by the queue order it is %d",
                    e.getKey(), core.positionInQueue(e.getKey()), seen.queue, position);
        }
    }

    /**
     * No agent holds more than its capacity on a channel, and a voice contact takes the whole agent.
     * The first agent of a warm transfer still counts the contact. A pending logout is a paused
     * agent who still holds a contact: the core logs the agent out when its last one is done.
     */
    private void checkCapacity(RoutingCore core) {
        int[][] staying = new int[core.agentCount()][Channel.COUNT];
        for (Seen seen : open.values()) {
            if (seen.holder >= 0) {
                staying[seen.holder][config.queues().get(seen.queue).channel().code()]++;
            }
        }
        for (int a = 0; a < core.agentCount(); a++) {
            int total = 0;
            for (Channel channel : Channel.values()) {
                int load = core.agentLoad(a, channel);
                require(load >= staying[a][channel.code()], "agent %d holds %d %s contacts, it stays with %d after warm transfers",
                        a, load, channel, staying[a][channel.code()]);
                require(load >= 0 && load <= core.agentCapacity(a, channel), "agent %d holds %d %s contacts, capacity %d",
                        a, load, channel, core.agentCapacity(a, channel));
                total += load;
            }
            require(total > 0 || core.agentPauseReason(a) != PauseReason.LOGOUT_PENDING,
                    "agent %d's logout is pending although it holds nothing", a);
            require(core.agentPauseReason(a) != PauseReason.LOGOUT_PENDING || core.agentPresence(a) == AgentState.PAUSED,
                    "agent %d's logout is pending, but it is %s", a, core.agentPresence(a));
            int voice = core.agentLoad(a, Channel.VOICE);
            int deferrable = core.agentDeferrableLoad(a);
            require(voice == 0 || voice + deferrable == total, "agent %d holds voice and other, not deferrable contacts at once"
                    + " (%d voice, %d deferrable, %d in all)", a, voice, deferrable, total);
        }
    }

    /** The core's promise: after every command no available agent qualifies for a waiting contact. */
    private void checkNoIdleAgentForWaitingContact(RoutingCore core) {
        for (Map.Entry<Long, Seen> e : waiting.entrySet()) {
            Seen contact = e.getValue();
            QueueSpec queue = config.queues().get(contact.queue);
            for (int a = 0; a < config.agents().size(); a++) {
                if (contact.reservedFor >= 0 && contact.reservedFor != a) {
                    continue; // it waits for its preferred agent alone
                }
                require(!(serves(config.agents().get(a), contact) && core.agentAvailable(a, queue.channel())),
                        "agent %d is available for contact %d waiting in queue %d (tier %d)", a, e.getKey(), contact.queue,
                        contact.tier);
            }
        }
    }

    /** Whether the agent serves the contact where it waits (its tier, its language). */
    private boolean serves(AgentSpec agent, Seen contact) {
        return config.queues().get(contact.queue).servedBy(agent, contact.tier, config.languageSkill(contact.language));
    }

    /** Due timers fire before the command that made them due: nothing is left overdue after a command. */
    private void checkTimersOnTime(RoutingCore core) {
        long now = core.nowNs();
        for (Map.Entry<Long, Seen> e : open.entrySet()) {
            Seen seen = e.getValue();
            ContactState state = core.contactState(e.getKey());
            long deadline = switch (state) {
                case OFFERED -> seen.offerDeadlineNs;
                case SELF_SERVICE -> config.flowNodes().get(seen.promptNode).timesOut(seen.channel)
                        ? seen.promptedNs + config.flowNodes().get(seen.promptNode).inputTimeoutMs() * 1_000_000L : Long.MAX_VALUE;
                case WRAP_UP -> seen.endedNs + config.queues().get(seen.queue).maxWrapUpMs() * 1_000_000L;
                case WAITING -> seen.reservedFor >= 0 ? seen.reservedUntilNs
                        : nextActingStep(seen) < config.queues().get(seen.queue).steps().size()
                        ? seen.enteredQueueNs + config.queues().get(seen.queue).steps().get(nextActingStep(seen)).afterMs() * 1_000_000L
                        : Long.MAX_VALUE;
                default -> Long.MAX_VALUE;
            };
            require(deadline > now, "contact %d is still %s at %d, its timer was due at %d (queue %d, step %d, callback %s, entered %d)", e.getKey(), state, now, deadline, seen.queue, seen.step, seen.callback, seen.enteredQueueNs);
        }
    }

    /** At the end: every contact that arrived either ended once or is still live; the core's counters agree. */
    void finish(RoutingCore core) {
        command = null;
        decisions = List.of();
        int live = 0;
        for (Map.Entry<Long, Seen> e : contacts.entrySet()) {
            ContactState state = core.contactState(e.getKey());
            if (!e.getValue().ended) {
                require(state != ContactState.NONE, "contact %d vanished without an end", e.getKey());
            }
            if (state != ContactState.NONE) {
                live++;
            }
        }
        require(live == core.liveContacts(), "%d contacts accounted live, core holds %d", live, core.liveContacts());
        for (int o = 0; o < endedByOutcome.length; o++) {
            require(endedByOutcome[o] == core.ended(o), "%d ends with outcome %s seen, core counts %d",
                    endedByOutcome[o], Outcome.name(o), core.ended(o));
        }
        for (int r = 0; r < rejectedByReason.length; r++) {
            require(rejectedByReason[r] == core.rejected(r), "%d rejections for %s seen, core counts %d",
                    rejectedByReason[r], RejectReason.name(r), core.rejected(r));
        }
    }

    private void require(boolean condition, String format, Object... args) {
        if (!condition) {
            fail(format, args);
        }
    }

    private void fail(String format, Object... args) {
        List<String> lines = new ArrayList<>();
        lines.add("seed " + seed + ", command #" + index + ": " + String.format(format, args));
        lines.add("  command: " + command);
        for (Decision d : decisions) {
            lines.add("  decided: " + d);
        }
        throw new AssertionError(String.join("\n", lines));
    }
}
