package org.loket.host.kpi;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.AgentSpec;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.ReleaseReason;

/**
 * Measures the KPIs of {@code docs/kpis.md} from what the journal holds: each command and the
 * decisions it caused, in order. The same code serves a live journal, a replay and a simulated day,
 * so their figures mean the same thing.
 * <p>Contacts count in the interval in which they joined their first queue (self-service figures:
 * in which they arrived), and in that first queue. Escalation steps count in the queue whose step
 * acted (an overflow also in the queue it moved the contact to). Single-threaded; allocates per contact (reports are not the hot path).
 */
public final class KpiCollector {
    /** Interval length of the reports. */
    public static final int INTERVAL_MINUTES = 15;
    /** Waits shorter than this before hanging up are short abandons. */
    public static final long DEFAULT_SHORT_ABANDON_MS = 5_000;
    private static final long INTERVAL_MS = INTERVAL_MINUTES * 60_000L;
    /** A citizen's contact within this long after their previous one is a repeat contact (docs/domain.md's FCR: 7 days). */
    public static final long REPEAT_WINDOW_MS = 7 * 24 * 3_600_000L;
    private static final long REPEAT_WINDOW_NS = REPEAT_WINDOW_MS * 1_000_000;
    private static final List<Integer> BUCKETS = List.of(10, 20, 30, 40, 60, 90, 120, 180, 300, 600, 900, 1200, 1800);

    private final ZoneId zone;
    private final long shortAbandonMs;
    private RoutingConfig config;
    /** The configuration's working days, for queues whose service level counts working time. */
    private WorkingClock workingClock;
    private final Map<Long, ContactRecord> live = new HashMap<>();
    /** Per known citizen, their latest contact, for repeat contacts; older than the window: dropped once a day. */
    private final Map<Long, ContactRecord> lastByCitizen = new HashMap<>();
    private long citizensSweptNs;
    // Queues and agents are counted under an index of their own, one per name in the order first
    // seen: a live reload that moves ids (a queue inserted ahead of others) moves nothing here, and
    // a queue taken out of the configuration keeps its figures in the report.
    private final Map<String, Integer> queueIndex = new HashMap<>();
    private final List<QueueSpec> queueSpecs = new ArrayList<>(); // the latest spec per index
    private int[] queueOfId = new int[0];
    private final Map<String, Integer> agentIndex = new HashMap<>();
    private int[] agentOfId = new int[0];
    private final TreeMap<Long, IntervalAcc> intervals = new TreeMap<>();
    private Acc totals = new Acc();
    private final List<Acc> queues = new ArrayList<>();
    private final Acc[] channels = new Acc[Channel.COUNT];
    private final Histogram answeredWaitMs = new Histogram(3);
    private final long[] answeredBuckets = new long[BUCKETS.size() + 1];
    private final long[] abandonedBuckets = new long[BUCKETS.size() + 1];
    private long contacts;
    private long refused;

    // agents
    private int[] presence = new int[0];
    private int[] holding = new int[0];
    private long[] agentSinceNs = new long[0];
    private long[] staffedNs = new long[0];
    // per agent, for the agents' table: names by index, logged-in and holding time, offers taken,
    // paused time by reason (named by the configuration in force when the pause began)
    private final List<String> agentNames = new ArrayList<>();
    private long[] loggedInNs = new long[0];
    private long[] agentHeldNs = new long[0];
    private long[] accepted = new long[0];
    /** Per agent: answered contacts it finished and their talk plus after-contact work; transfers made; offers declined and rung out. */
    private long[] handled = new long[0];
    private long[] handledNs = new long[0];
    private long[] transferredOut = new long[0];
    private long[] declined = new long[0];
    private long[] rangOut = new long[0];
    private String[] pauseName = new String[0];
    private final List<Map<String, Long>> pausedNs = new ArrayList<>();
    // queue lengths
    private int waitingTotal;
    private long waitingSinceNs = Long.MIN_VALUE;
    private long nowNs;
    // the operator's service announcement: the periods so far, the one set now (or null) and since
    // when its time is booked into the intervals
    private final List<AnnouncementAcc> announcements = new ArrayList<>();
    private AnnouncementAcc announcement;
    private long announcementBookedNs;

    public KpiCollector(ZoneId zone, long shortAbandonMs) {
        this.zone = zone;
        this.shortAbandonMs = shortAbandonMs;
        for (int c = 0; c < Channel.COUNT; c++) {
            channels[c] = new Acc();
        }
    }

    /**
     * Feeds one command and the decisions it caused, in journal order.
     *
     * @param decisions read during the call only
     */
    public void accept(Command command, Decision[] decisions, int count) {
        boolean rejected = Decision.refused(decisions, count);
        if (command.timestampNs > nowNs) {
            nowNs = command.timestampNs;
        }
        if (command.type == CommandType.CONFIG_APPLIED && !rejected && command.payload != null) {
            install(RoutingConfigCodec.decode(command.payload));
        }
        if (config == null) {
            return;
        }
        if (!rejected) {
            onCommand(command);
        } else if (command.type == CommandType.CONTACT_ARRIVED) {
            contacts++;
            refused++;
        }
        for (int i = 0; i < count; i++) {
            onDecision(decisions[i]);
        }
    }

    private void install(RoutingConfig next) {
        queueOfId = new int[next.queues().size()];
        for (int q = 0; q < queueOfId.length; q++) {
            QueueSpec spec = next.queues().get(q);
            int index = queueIndex.computeIfAbsent(spec.name(), name -> {
                queues.add(new Acc());
                queueSpecs.add(null);
                return queues.size() - 1;
            });
            queueSpecs.set(index, spec);
            queueOfId[q] = index;
        }
        agentOfId = new int[next.agents().size()];
        for (int a = 0; a < agentOfId.length; a++) {
            agentOfId[a] = agentIndex.computeIfAbsent(next.agents().get(a).name(), name -> {
                agentNames.add(name);
                pausedNs.add(new TreeMap<>());
                return agentIndex.size();
            });
        }
        int agents = agentIndex.size();
        if (agents > presence.length) {
            presence = Arrays.copyOf(presence, agents);
            holding = Arrays.copyOf(holding, agents);
            agentSinceNs = Arrays.copyOf(agentSinceNs, agents);
            staffedNs = Arrays.copyOf(staffedNs, agents);
            loggedInNs = Arrays.copyOf(loggedInNs, agents);
            agentHeldNs = Arrays.copyOf(agentHeldNs, agents);
            accepted = Arrays.copyOf(accepted, agents);
            handled = Arrays.copyOf(handled, agents);
            handledNs = Arrays.copyOf(handledNs, agents);
            transferredOut = Arrays.copyOf(transferredOut, agents);
            declined = Arrays.copyOf(declined, agents);
            rangOut = Arrays.copyOf(rangOut, agents);
            pauseName = Arrays.copyOf(pauseName, agents);
        }
        config = next;
        workingClock = new WorkingClock(next.workingDays());
    }

    /** The collector's own index of a queue id of the configuration in force, or -1. */
    private int queue(int id) {
        return id >= 0 && id < queueOfId.length ? queueOfId[id] : -1;
    }

    /** The collector's own index of an agent id of the configuration in force, or -1. */
    private int agent(int id) {
        return id >= 0 && id < agentOfId.length ? agentOfId[id] : -1;
    }

    private void onCommand(Command c) {
        switch (c.type) {
            case CONTACT_ARRIVED -> {
                contacts++;
                ContactRecord r = new ContactRecord();
                r.channel = c.channel;
                r.arrivedNs = c.timestampNs;
                live.put(c.contactId, r);
                if (c.citizenPseudonym != Command.UNKNOWN_CITIZEN) {
                    citizenCameBack(c.citizenPseudonym, r);
                }
            }
            case AGENT_LOGGED_IN -> setPresence(agent(c.agentId), AgentState.READY.code(), Command.NONE, c.timestampNs);
            case AGENT_STATE_CHANGED -> setPresence(agent(c.agentId), c.agentState, c.reason, c.timestampNs);
            case OFFER_ACCEPTED -> {
                ContactRecord r = live.get(c.contactId);
                if (r != null) {
                    if (r.answeredNs < 0) {
                        r.answeredNs = c.timestampNs;
                    }
                    if (r.waiting) {
                        r.waiting = false;
                        changeWaiting(-1, c.timestampNs);
                    }
                    r.agent = agent(c.agentId);
                    r.talkFromNs = c.timestampNs;
                    hold(r.agent, +1, c.timestampNs);
                    if (r.agent >= 0) {
                        accepted[r.agent]++;
                    }
                }
            }
            case OFFER_DECLINED -> {
                int a = agent(c.agentId);
                if (a >= 0) {
                    declined[a]++;
                }
            }
            case WRAP_UP_DONE -> {
                ContactRecord r = live.get(c.contactId);
                if (r != null && c.reason >= 0) {
                    r.wrapUpCode = config.wrapUpCodeLabel(c.reason);
                }
                wrapUpEnded(c.contactId, c.timestampNs);
            }
            case ANNOUNCEMENT_SET -> announcementSet(c.input, c.timestampNs);
            default -> {
            }
        }
    }

    /**
     * The operator set (prompt >= 0) or cleared the service announcement. Setting the one already set
     * goes on with its period; another prompt ends it and starts a new one.
     */
    private void announcementSet(int prompt, long atNs) {
        announcementInForce(prompt >= 0 && prompt < config.prompts().size() ? config.prompts().get(prompt) : null, atNs);
    }

    /**
     * The service announcement in force from {@code sinceNs} (epoch ns) on, or none (null): for a
     * reader that starts where the command that set it is not read (a new day, a snapshot).
     */
    public void announcementInForce(String name, long sinceNs) {
        if (announcement != null && announcement.prompt.equals(name)) {
            return;
        }
        settleAnnouncement(sinceNs);
        if (announcement != null) {
            announcement.toNs = sinceNs;
        }
        announcement = null;
        if (name != null) {
            announcement = new AnnouncementAcc(name, sinceNs);
            announcements.add(announcement);
        }
    }

    /** Books the time the announcement has been set since the last booking into the intervals. */
    private void settleAnnouncement(long atNs) {
        if (announcement != null && atNs > announcementBookedNs) {
            spread(announcementBookedNs, atNs, (acc, ns) -> acc.announcementNs += ns);
        }
        announcementBookedNs = Math.max(announcementBookedNs, atNs);
    }

    /**
     * Links a known citizen's new contact to their previous one: a repeat if that one arrived within
     * the window; and an answered previous contact that ended within the window was not resolved at
     * first contact (booked into the figures it already counts in, or at its close if still open).
     */
    private void citizenCameBack(long citizen, ContactRecord r) {
        r.citizen = citizen;
        ContactRecord previous = lastByCitizen.put(citizen, r);
        if (previous != null && r.arrivedNs - previous.arrivedNs <= REPEAT_WINDOW_NS) {
            r.repeat = true;
            r.afterAbandon = previous.outcome == Outcome.ABANDONED || previous.outcome == Outcome.ABANDONED_IN_SELF_SERVICE;
            boolean helped = previous.answeredNs >= 0;
            long since = previous.endedNs >= 0 ? previous.endedNs : previous.answeredNs;
            if (helped && !previous.cameBack && r.arrivedNs - since <= REPEAT_WINDOW_NS) {
                previous.cameBack = true;
                for (Acc a : previous.countedIn) {
                    a.unresolved++;
                }
            }
        }
        if (r.arrivedNs - citizensSweptNs > 24 * 3_600_000_000_000L) {
            citizensSweptNs = r.arrivedNs;
            lastByCitizen.values().removeIf(last -> r.arrivedNs - Math.max(last.arrivedNs, last.endedNs) > REPEAT_WINDOW_NS);
        }
    }

    private void onDecision(Decision d) {
        ContactRecord r = d.contactId >= 0 ? live.get(d.contactId) : null;
        switch (d.type) {
            case ANNOUNCE -> {
                if (d.promptId >= 0 && d.promptId < config.prompts().size()
                        && (announcement == null || !announcement.prompt.equals(config.prompts().get(d.promptId)))) {
                    // Set before what this collector read (a live stream that began after it): from now on.
                    announcementInForce(config.prompts().get(d.promptId), d.timestampNs);
                }
                if (r != null && !r.announced) {
                    r.announced = true;
                    if (announcement != null) {
                        announcement.heard++;
                    }
                }
            }
            case PLAY_PROMPT -> {
                if (r != null) {
                    r.enteredSelfService = true;
                    if ((d.flags & Decision.FLAG_FINAL) == 0 && d.nodeId >= 0 && d.nodeId < config.flowNodes().size()) {
                        // The queue the menu's branch serves for this channel: counted there if self-served.
                        r.inMenu = true;
                        r.menuQueue = queue(config.flowNodes().get(d.nodeId).queueFor(r.channel));
                    }
                }
            }
            case QUEUE_CONTACT -> {
                if (r != null) {
                    if (r.queuedNs < 0) {
                        r.queuedNs = d.timestampNs;
                        r.firstQueue = queue(d.queueId);
                        r.estimatedWaitMs = d.score;
                    }
                    r.queue = queue(d.queueId);
                    if (!r.waiting) { // joined, or transferred back into a queue
                        r.waiting = true;
                        changeWaiting(+1, d.timestampNs);
                    }
                }
            }
            case TRANSFER_CONTACT -> {
                if (r != null) {
                    r.transfers.add(new int[] {r.queue, queue(d.queueId)});
                    r.handleNs += d.timestampNs - r.talkFromNs;
                    int from = agent(d.agentId);
                    if (from >= 0) {
                        transferredOut[from]++;
                    }
                    if ((d.flags & Decision.FLAG_WARM) == 0) {
                        hold(agent(d.agentId), -1, d.timestampNs); // a warm transfer's agent holds it until released
                    } else {
                        r.holder = agent(d.agentId);
                    }
                    r.agent = -1;
                }
            }
            case TRANSFER_RELEASED -> {
                hold(agent(d.agentId), -1, d.timestampNs);
                if (r != null) {
                    if (d.reason == ReleaseReason.RETURNED) {
                        // The agent who joined an introduction left: the introducer has it alone again, back in the
                        // queue it was in before (the decision's): a later transfer counts out of that one.
                        r.agent = r.holder;
                        r.queue = queue(d.queueId);
                    }
                    r.holder = -1;
                }
            }
            case CALLBACK_SCHEDULED -> {
                if (r != null && !r.callback) {
                    r.callback = true;
                    r.callbackAfterOfferBy = r.callbackOfferedBy;
                }
            }
            case ESCALATE -> {
                if (r != null) {
                    escalated(r, d);
                }
            }
            case AGENT_STATE -> {
                if (d.contactId >= 0) {
                    wrapUpEnded(d.contactId, d.timestampNs);
                } else if (d.agentId >= 0) {
                    if (d.reason == PauseReason.NO_ANSWER && agent(d.agentId) >= 0) {
                        rangOut[agent(d.agentId)]++; // the core's own pause after an offer timed out
                    }
                    setPresence(agent(d.agentId), d.agentState, d.reason, d.timestampNs);
                }
            }
            case END_CONTACT -> {
                if (r != null) {
                    ended(d.contactId, r, d);
                }
            }
            default -> {
            }
        }
    }

    private void ended(long contactId, ContactRecord r, Decision d) {
        r.outcome = d.outcome;
        r.endedNs = d.timestampNs;
        if (r.waiting && d.outcome != Outcome.ANSWERED) {
            changeWaiting(-1, d.timestampNs);
        }
        r.waiting = false;
        if (d.outcome == Outcome.ANSWERED) {
            r.handleNs += d.timestampNs - r.talkFromNs;
            if (r.agent >= 0) {
                handled[r.agent]++;
                handledNs[r.agent] += d.timestampNs - r.talkFromNs;
            }
            QueueSpec queue = config.queues().get(d.queueId);
            if (queue.maxWrapUpMs() > 0) {
                return; // the record closes when the wrap-up ends
            }
            hold(r.agent, -1, d.timestampNs);
        }
        if (r.firstQueue < 0 && d.queueId >= 0) {
            r.countedInQueue = queue(d.queueId); // turned away before joining (closure, hours, deflection): it counts there
        }
        if (d.outcome == Outcome.SELF_SERVED && r.inMenu) {
            r.countedInQueue = r.menuQueue;
        }
        close(contactId, r);
    }

    /** One escalation step acted on the contact; booked when the contact ends, like every figure. */
    private void escalated(ContactRecord r, Decision d) {
        EscalationStep.Action action = EscalationStep.Action.ofCode(d.reason);
        if (action == null) {
            return; // an action this report does not know yet
        }
        if (action == EscalationStep.Action.OFFER_CALLBACK && r.callback) {
            return; // already to be called back: the adapters make no offer
        }
        int from = r.queue;
        int to = queue(d.queueId);
        r.escalations.add(new int[] {action.code(), from, to});
        if (action == EscalationStep.Action.OVERFLOW) {
            r.queue = to;
        } else if (action == EscalationStep.Action.OFFER_CALLBACK) {
            r.callbackOfferedBy = from;
        }
    }

    private void wrapUpEnded(long contactId, long atNs) {
        ContactRecord r = live.get(contactId);
        if (r == null || r.outcome != Outcome.ANSWERED) {
            return;
        }
        r.handleNs += atNs - r.endedNs;
        if (r.agent >= 0) {
            handledNs[r.agent] += atNs - r.endedNs;
        }
        hold(r.agent, -1, atNs);
        close(contactId, r);
    }

    /** Adds a finished contact to every figure it belongs to. */
    private void close(long contactId, ContactRecord r) {
        live.remove(contactId);
        long countedAtNs = r.queuedNs >= 0 ? r.queuedNs : r.arrivedNs;
        IntervalAcc interval = interval(countedAtNs);
        List<Acc> accs = new ArrayList<>(6);
        accs.add(totals);
        accs.add(interval.total);
        if (r.channel >= 0 && r.channel < Channel.COUNT) {
            accs.add(channels[r.channel]);
            accs.add(interval.channels[r.channel]);
        }
        Acc queue = r.firstQueue >= 0 ? queues.get(r.firstQueue) : r.countedInQueue >= 0 ? queues.get(r.countedInQueue) : null;
        QueueSpec first = r.firstQueue >= 0 ? queueSpecs.get(r.firstQueue) : null;
        long thresholdMs = first != null ? first.serviceLevelMs() : 0;
        int targetPercent = first != null ? first.serviceLevelTargetPercent() : 0;
        long waitMs = -1;
        if (r.answeredNs >= 0) {
            waitMs = (r.answeredNs - r.queuedNs) / 1_000_000;
            answeredWaitMs.recordValue(Math.max(0, waitMs));
            answeredBuckets[bucket(waitMs)]++;
        } else if (r.outcome == Outcome.ABANDONED) {
            waitMs = (r.endedNs - r.queuedNs) / 1_000_000;
            abandonedBuckets[bucket(waitMs)]++;
        } else if (r.outcome == Outcome.DEFLECTED && r.queuedNs >= 0) {
            waitMs = (r.endedNs - r.queuedNs) / 1_000_000;
        }
        long serviceWaitMs = first != null && first.serviceLevelOnWorkingDays() && r.answeredNs >= 0
                ? workingClock.workingMs(r.queuedNs / 1_000_000, r.answeredNs / 1_000_000) : waitMs;
        for (Acc a : accs) {
            a.add(r, waitMs, serviceWaitMs, thresholdMs, targetPercent, shortAbandonMs);
            for (int[] e : r.escalations) {
                a.escalated(e[0]);
                if (e[0] == EscalationStep.Action.OVERFLOW.code()) {
                    a.overflowedIn++; // out of one queue of these contacts, into another
                }
            }
            if (r.callbackAfterOfferBy >= 0) {
                a.callbackOffersAccepted++;
            }
            a.transferredOut += r.transfers.size(); // out of one queue of these contacts, into another
            a.transferredIn += r.transfers.size();
        }
        if (queue != null) {
            queue.add(r, waitMs, serviceWaitMs, thresholdMs, targetPercent, shortAbandonMs);
            accs.add(queue);
        }
        if (r.citizen != Command.UNKNOWN_CITIZEN && r.answeredNs >= 0) {
            r.countedIn = accs; // a repeat contact within the window books "unresolved" here later
        }
        // Per queue, escalations belong to the queue whose step acted, not to the contact's first queue.
        for (int[] e : r.escalations) {
            if (e[1] >= 0 && e[1] < queues.size()) {
                queues.get(e[1]).escalated(e[0]);
            }
            if (e[0] == EscalationStep.Action.OVERFLOW.code() && e[2] >= 0 && e[2] < queues.size()) {
                queues.get(e[2]).overflowedIn++;
            }
        }
        if (r.callbackAfterOfferBy >= 0 && r.callbackAfterOfferBy < queues.size()) {
            queues.get(r.callbackAfterOfferBy).callbackOffersAccepted++;
        }
        // Per queue, a transfer counts out of the queue the contact was in and into the one it went to.
        for (int[] t : r.transfers) {
            if (t[0] >= 0 && t[0] < queues.size()) {
                queues.get(t[0]).transferredOut++;
            }
            if (t[1] >= 0 && t[1] < queues.size()) {
                queues.get(t[1]).transferredIn++;
            }
        }
    }

    private static int bucket(long waitMs) {
        for (int i = 0; i < BUCKETS.size(); i++) {
            if (waitMs < BUCKETS.get(i) * 1000L) {
                return i;
            }
        }
        return BUCKETS.size();
    }

    // ---------------------------------------------------------------- agents and queue lengths

    private boolean staffed(int agent) {
        return holding[agent] > 0 || presence[agent] == AgentState.READY.code();
    }

    /** @param reason a pause's reason code ({@code PauseReason}); ignored for other states */
    private void setPresence(int agent, int state, int reason, long atNs) {
        if (agent < 0 || agent >= presence.length) {
            return;
        }
        if (state != AgentState.READY.code() && state != AgentState.PAUSED.code() && state != AgentState.LOGGED_OUT.code()) {
            return; // derived states (offered, busy, wrap-up) say nothing about presence
        }
        settleAgent(agent, atNs);
        presence[agent] = state;
        if (state == AgentState.PAUSED.code()) {
            pauseName[agent] = config.pauseReasonLabel(reason);
        }
    }

    private void hold(int agent, int delta, long atNs) {
        if (agent < 0 || agent >= holding.length) {
            return;
        }
        settleAgent(agent, atNs);
        holding[agent] = Math.max(0, holding[agent] + delta);
    }

    /** Books the agent's time since the last change as staffed and/or holding. */
    private void settleAgent(int agent, long atNs) {
        long since = agentSinceNs[agent];
        agentSinceNs[agent] = atNs;
        if (since <= 0 || atNs <= since) {
            return;
        }
        long spanNs = atNs - since;
        if (presence[agent] != AgentState.LOGGED_OUT.code() || holding[agent] > 0) {
            loggedInNs[agent] += spanNs;
        }
        if (holding[agent] > 0) {
            agentHeldNs[agent] += spanNs;
        } else if (presence[agent] == AgentState.PAUSED.code()) {
            pausedNs.get(agent).merge(pauseName[agent], spanNs, Long::sum);
        }
        boolean isStaffed = staffed(agent);
        boolean isHolding = holding[agent] > 0;
        if (!isStaffed) {
            return;
        }
        staffedNs[agent] += atNs - since;
        spread(since, atNs, (acc, ns) -> {
            acc.staffedNs += ns;
            if (isHolding) {
                acc.heldNs += ns;
            }
        });
    }

    private void changeWaiting(int delta, long atNs) {
        if (waitingSinceNs != Long.MIN_VALUE && atNs > waitingSinceNs) {
            int level = waitingTotal;
            spread(waitingSinceNs, atNs, (acc, ns) -> acc.waitingNs += (double) level * ns);
        }
        waitingSinceNs = atNs;
        waitingTotal += delta;
        IntervalAcc at = interval(atNs);
        at.maxWaiting = Math.max(at.maxWaiting, waitingTotal);
    }

    private interface Booking {
        void book(IntervalAcc acc, long ns);
    }

    /** Splits [fromNs, toNs) over the intervals it crosses. */
    private void spread(long fromNs, long toNs, Booking booking) {
        long t = fromNs;
        while (t < toNs) {
            long start = intervalStartMs(t / 1_000_000);
            long endNs = Math.min(toNs, (start + INTERVAL_MS) * 1_000_000);
            booking.book(interval(t), endNs - t);
            t = endNs;
        }
    }

    private long intervalStartMs(long epochMs) {
        long offsetMs = zone.getRules().getOffset(Instant.ofEpochMilli(epochMs)).getTotalSeconds() * 1000L;
        return Math.floorDiv(epochMs + offsetMs, INTERVAL_MS) * INTERVAL_MS - offsetMs;
    }

    private IntervalAcc interval(long atNs) {
        return intervals.computeIfAbsent(intervalStartMs(atNs / 1_000_000), k -> new IntervalAcc());
    }

    // ---------------------------------------------------------------- report

    /** The figures so far. Contacts that have not ended are reported as open, not counted. */
    public KpiReport report() {
        for (int a = 0; a < presence.length; a++) {
            settleAgent(a, nowNs);
        }
        changeWaiting(0, nowNs);
        settleAnnouncement(nowNs);
        List<Figures> queueFigures = new ArrayList<>();
        long allStaffed = Arrays.stream(staffedNs).sum();
        long allHeld = intervals.values().stream().mapToLong(i -> i.heldNs).sum();
        if (config != null) {
            for (int q = 0; q < config.queues().size(); q++) {
                QueueSpec queue = config.queues().get(q);
                long qualifiedStaffedNs = 0;
                for (int a = 0; a < config.agents().size(); a++) {
                    AgentSpec agent = config.agents().get(a);
                    int capacity = agent.capacityPerChannel()[queue.channel().code()];
                    if (queue.servedAtAllBy(agent, config)) {
                        // An agent who may hold three chats offers three chats' worth of time.
                        qualifiedStaffedNs += staffedNs[agentOfId[a]] * capacity;
                    }
                }
                Acc acc = queues.get(queueOfId[q]);
                queueFigures.add(acc.figures(queue.name(), lower(queue.channel()),
                        ratio(acc.handledNs, qualifiedStaffedNs)));
            }
            // Queues a reload took out: their figures up to then (occupancy unknown: their skills
            // are named by a configuration no longer in force).
            for (int index = 0; index < queues.size(); index++) {
                QueueSpec gone = queueSpecs.get(index);
                if (queueIndex.get(gone.name()) == index && !configured(gone.name())) {
                    queueFigures.add(queues.get(index).figures(gone.name(), lower(gone.channel()), null));
                }
            }
        }
        List<Figures> channelFigures = new ArrayList<>();
        for (Channel c : Channel.values()) {
            channelFigures.add(channels[c.code()].figures(lower(c), lower(c), null));
        }
        List<KpiReport.Interval> intervalList = new ArrayList<>();
        DateTimeFormatter clock = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm", Locale.ROOT);
        for (Map.Entry<Long, IntervalAcc> e : intervals.entrySet()) {
            IntervalAcc i = e.getValue();
            String start = clock(e.getKey(), clock);
            List<Figures> perChannel = new ArrayList<>();
            for (Channel c : Channel.values()) {
                perChannel.add(i.channels[c.code()].figures(lower(c), lower(c), null));
            }
            double intervalNs = INTERVAL_MS * 1_000_000.0;
            intervalList.add(new KpiReport.Interval(start, e.getKey(), i.total.figures(start, null, ratio(i.heldNs, i.staffedNs)),
                    perChannel, i.waitingNs / intervalNs, i.maxWaiting, i.staffedNs / intervalNs, i.announcementNs / 1_000_000));
        }
        DateTimeFormatter seconds = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);
        KpiReport.WaitDistribution waits = new KpiReport.WaitDistribution(BUCKETS, answeredBuckets.clone(),
                abandonedBuckets.clone(), answeredWaitMs.getValueAtPercentile(50), answeredWaitMs.getValueAtPercentile(90),
                answeredWaitMs.getValueAtPercentile(99));
        List<KpiReport.AgentFigures> agentFigures = new ArrayList<>();
        for (int a = 0; a < agentNames.size(); a++) {
            if (loggedInNs[a] == 0 && accepted[a] == 0) {
                continue; // never present in this report's time
            }
            Map<String, Long> pausedMs = new TreeMap<>();
            pausedNs.get(a).forEach((reason, ns) -> pausedMs.put(reason, ns / 1_000_000));
            agentFigures.add(new KpiReport.AgentFigures(agentNames.get(a), accepted[a], handled[a],
                    handled[a] == 0 ? null : handledNs[a] / handled[a] / 1_000_000, transferredOut[a], declined[a], rangOut[a],
                    loggedInNs[a] / 1_000_000,
                    staffedNs[a] / 1_000_000, agentHeldNs[a] / 1_000_000, ratio(agentHeldNs[a], staffedNs[a]), pausedMs));
        }
        return new KpiReport(zone.getId(), INTERVAL_MINUTES, shortAbandonMs, contacts, refused, live.size(),
                totals.figures("total", null, ratio(allHeld, allStaffed)), queueFigures, channelFigures, intervalList, waits,
                agentFigures, announcements.stream().map(a -> new KpiReport.AnnouncementPeriod(a.prompt,
                        clock(a.fromNs / 1_000_000, seconds), a.fromNs / 1_000_000, a.toNs < 0 ? null : clock(a.toNs / 1_000_000, seconds),
                        a.toNs < 0 ? null : a.toNs / 1_000_000, a.heard)).toList());
    }

    private String clock(long epochMs, DateTimeFormatter clock) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMs), zone).format(clock);
    }

    private boolean configured(String queueName) {
        for (QueueSpec q : config.queues()) {
            if (q.name().equals(queueName)) {
                return true;
            }
        }
        return false;
    }

    private static String lower(Channel c) {
        return c.name().toLowerCase(Locale.ROOT);
    }

    static Double ratio(double numerator, double denominator) {
        return denominator > 0 ? numerator / denominator : null;
    }

    /** What the collector knows of one live contact. */
    private static final class ContactRecord {
        int channel = -1;
        long arrivedNs;
        boolean enteredSelfService;
        /** Heard a menu; {@link #menuQueue}: the queue its branch serves for the contact's channel (-1 none). */
        boolean inMenu;
        int menuQueue = -1;
        // Queues and agents below are the collector's own indexes (see install), not configuration ids.
        /** The queue a contact that never joined one counts in (self-served under its menu, or turned away by its closure). */
        int countedInQueue = -1;
        int firstQueue = -1;
        /** The queue it is in now (after transfers, overflows, an introduction given back); a transfer counts out of it. */
        int queue = -1;
        long queuedNs = -1;
        /** The core's estimated wait when it joined its first queue (ms), -1 unknown. */
        long estimatedWaitMs = -1;
        boolean waiting;
        long answeredNs = -1;
        long talkFromNs;
        long handleNs;
        int agent = -1;
        /** The agent of a warm transfer who stays with the citizen until released, or -1. */
        int holder = -1;
        long endedNs = -1;
        int outcome = -1;
        boolean callback;
        /** The queue whose step last offered a callback, or -1. */
        int callbackOfferedBy = -1;
        /** The queue whose step's offer the citizen took (asked for a callback after it), or -1. */
        int callbackAfterOfferBy = -1;
        /** Escalation steps that acted: action code, queue before, queue after. */
        final List<int[]> escalations = new ArrayList<>(0);
        /** Transfers by an agent: queue before, queue after. */
        final List<int[]> transfers = new ArrayList<>(0);
        /** The wrap-up code the agent recorded (the configuration's name), or null. */
        String wrapUpCode;
        /** The citizen's pseudonym, or Command.UNKNOWN_CITIZEN. */
        long citizen = Command.UNKNOWN_CITIZEN;
        /** The citizen's previous contact arrived within the repeat window (and had been abandoned). */
        boolean repeat;
        boolean afterAbandon;
        /** Answered, and the citizen contacted again within the window after it ended. */
        boolean cameBack;
        /** Once closed: the figures it counts in (answered contacts of known citizens only). */
        List<Acc> countedIn = List.of();
        /** Heard the operator's service announcement when it arrived. */
        boolean announced;
    }

    /** One period of the operator's service announcement. */
    private static final class AnnouncementAcc {
        final String prompt;
        final long fromNs;
        long toNs = -1;
        long heard;

        AnnouncementAcc(String prompt, long fromNs) {
            this.prompt = prompt;
            this.fromNs = fromNs;
        }
    }

    /** Counters behind one {@link Figures}. */
    private static final class Acc {
        long offered;
        long answered;
        long answeredWithin;
        long abandoned;
        long shortAbandoned;
        long enteredSelfService;
        long selfServed;
        long abandonedInSelfService;
        long callbacks;
        long closed;
        long outsideHours;
        long deflected;
        /** Deflected after joining a queue: they count against the service level. */
        long deflectedWaiting;
        /** Sum over the contacts in the service level's denominator of their first queue's target (percent). */
        long serviceLevelTargetPercentSum;
        long otherOutcomes;
        long widened;
        long overflowedOut;
        long overflowedIn;
        long callbackOffers;
        long callbackOffersAccepted;
        long closedByStep;
        long transferredOut;
        long transferredIn;
        long waitAnsweredMsSum;
        long estimated;
        long estimateAbsErrorMsSum;
        long estimateErrorMsSum;
        long estimatesWithinHalf;
        long handledNs;
        long longestWaitMs;
        /** Answered contacts by the wrap-up code their agent recorded, by name. */
        final Map<String, Long> wrapUpCodes = new TreeMap<>();
        long citizensKnown;
        long repeats;
        long repeatsAfterAbandon;
        long answeredKnown;
        long unresolved;
        // contacts that heard the service announcement, and how they ended
        long heardAnnouncement;
        long announcedSelfServed;
        long announcedAbandonedInSelfService;
        long announcedOffered;
        long announcedAnswered;
        long announcedAbandoned;

        /**
         * @param serviceWaitMs the wait of an answered contact as its first queue's service level counts it:
         *                      {@code waitMs}, or the working time of it ({@link QueueSpec#serviceLevelOnWorkingDays})
         * @param thresholdMs   the service-level threshold of the contact's first queue
         * @param targetPercent that queue's service-level target
         */
        void add(ContactRecord r, long waitMs, long serviceWaitMs, long thresholdMs, int targetPercent, long shortAbandonMs) {
            if (r.citizen != Command.UNKNOWN_CITIZEN) {
                citizensKnown++;
                repeats += r.repeat ? 1 : 0;
                repeatsAfterAbandon += r.afterAbandon ? 1 : 0;
                if (r.answeredNs >= 0) {
                    answeredKnown++;
                    unresolved += r.cameBack ? 1 : 0;
                }
            }
            if (r.enteredSelfService) {
                enteredSelfService++;
            }
            if (r.announced) {
                heardAnnouncement++;
                announcedSelfServed += r.outcome == Outcome.SELF_SERVED ? 1 : 0;
                announcedAbandonedInSelfService += r.outcome == Outcome.ABANDONED_IN_SELF_SERVICE ? 1 : 0;
                if (r.queuedNs >= 0) {
                    announcedOffered++;
                    announcedAnswered += r.answeredNs >= 0 ? 1 : 0;
                    announcedAbandoned += r.answeredNs < 0 && r.outcome == Outcome.ABANDONED ? 1 : 0;
                }
            }
            if (r.outcome == Outcome.SELF_SERVED) {
                selfServed++;
            } else if (r.outcome == Outcome.ABANDONED_IN_SELF_SERVICE) {
                abandonedInSelfService++;
            }
            if (r.callback) {
                callbacks++;
            }
            if (r.outcome == Outcome.CLOSED) {
                closed++;
            } else if (r.outcome == Outcome.OUTSIDE_HOURS) {
                outsideHours++;
            } else if (r.outcome == Outcome.DEFLECTED) {
                deflected++;
                if (r.queuedNs >= 0) {
                    deflectedWaiting++;
                    serviceLevelTargetPercentSum += targetPercent;
                }
            } else if (!known(r.outcome)) {
                otherOutcomes++;
            }
            if (r.queuedNs < 0) {
                return;
            }
            offered++;
            if (r.answeredNs >= 0) {
                answered++;
                waitAnsweredMsSum += waitMs;
                if (r.estimatedWaitMs >= 0) {
                    long error = waitMs - r.estimatedWaitMs;
                    estimated++;
                    estimateErrorMsSum += error;
                    estimateAbsErrorMsSum += Math.abs(error);
                    if (Math.abs(error) <= Math.max(30_000, waitMs / 2)) {
                        estimatesWithinHalf++;
                    }
                }
                if (serviceWaitMs <= thresholdMs) {
                    answeredWithin++;
                }
                serviceLevelTargetPercentSum += targetPercent;
                handledNs += r.handleNs;
                if (r.wrapUpCode != null) {
                    wrapUpCodes.merge(r.wrapUpCode, 1L, Long::sum);
                }
            } else if (r.outcome == Outcome.ABANDONED) {
                abandoned++;
                if (waitMs < shortAbandonMs) {
                    shortAbandoned++;
                } else {
                    serviceLevelTargetPercentSum += targetPercent;
                }
            }
            longestWaitMs = Math.max(longestWaitMs, waitMs);
        }

        void escalated(int action) {
            switch (EscalationStep.Action.ofCode(action)) {
                case WIDEN -> widened++;
                case OVERFLOW -> overflowedOut++;
                case OFFER_CALLBACK -> callbackOffers++;
                case CLOSE -> closedByStep++;
                case null -> { }
            }
        }

        Figures figures(String name, String channel, Double occupancy) {
            long serviceLevelContacts = answered + abandoned - shortAbandoned + deflectedWaiting;
            return new Figures(name, channel, offered, answered, answeredWithin, abandoned, shortAbandoned,
                    enteredSelfService, selfServed, abandonedInSelfService, callbacks, closed, outsideHours, deflected, otherOutcomes,
                    ratio(answeredWithin, serviceLevelContacts), ratio(serviceLevelTargetPercentSum / 100.0, serviceLevelContacts),
                    ratio(abandoned, answered + abandoned),
                    ratio(waitAnsweredMsSum, answered), ratio(handledNs / 1e6, answered), longestWaitMs, occupancy,
                    ratio(selfServed, enteredSelfService),
                    new Figures.Escalation(widened, overflowedOut, overflowedIn, callbackOffers, callbackOffersAccepted, closedByStep),
                    new Figures.Transfers(transferredOut, transferredIn),
                    new Figures.WaitEstimate(estimated, ratio(estimateAbsErrorMsSum, estimated), ratio(estimateErrorMsSum, estimated),
                            ratio(estimatesWithinHalf, estimated)), wrapUpCodes,
                    new Figures.Repeats(citizensKnown, repeats, repeatsAfterAbandon, answeredKnown, unresolved,
                            answeredKnown > 0 ? 1 - (double) unresolved / answeredKnown : null),
                    new Figures.Announcement(heardAnnouncement, announcedSelfServed, announcedAbandonedInSelfService,
                            announcedOffered, announcedAnswered, announcedAbandoned,
                            ratio(announcedSelfServed + announcedAbandonedInSelfService, heardAnnouncement),
                            ratio(announcedAbandoned, announcedAnswered + announcedAbandoned)));
        }
    }

    /** Whether this report knows the outcome (it has a figure of its own or is one of the plain ends). */
    private static boolean known(int outcome) {
        return outcome >= Outcome.ANSWERED && outcome <= Outcome.DEFLECTED;
    }

    /** Counters of one interval. */
    private static final class IntervalAcc {
        final Acc total = new Acc();
        final Acc[] channels = new Acc[Channel.COUNT];
        long staffedNs;
        long heldNs;
        double waitingNs;
        int maxWaiting;
        long announcementNs;

        IntervalAcc() {
            for (int c = 0; c < Channel.COUNT; c++) {
                channels[c] = new Acc();
            }
        }
    }
}
