package org.loket.host.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.EntrySpec;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.Decision;
import org.loket.core.decision.Outcome;

/**
 * Simulated citizens and agents that react to the core's decisions: citizens arrive, choose in
 * menus, wait, sometimes hang up or ask for a callback (unasked, or when an escalation step offers
 * one: {@link DaySimulator.Settings#DEFAULT_CALLBACK_ACCEPT_SHARE} of them take it); agents log in, answer offers after ringing
 * (or let some ring out and come back), talk, and wrap up. A discrete-event source of commands:
 * {@link #nextDueNs()} says when the next command is due and {@link #poll} hands it out.
 * <p>Deterministic for a seed and the same decisions. Single-threaded; not for the hot path.
 */
public final class SimulatedWorld {
    private final RoutingConfig config;
    private final WorldParams params;
    private final SplittableRandom random;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<Long, Citizen> citizens = new HashMap<>();
    private long eventOrder;
    private long nextContactId;
    private long arrivalsLeft;

    /**
     * @param startNs      time of the first command (epoch ns)
     * @param contactLimit contacts to create; Long.MAX_VALUE = unbounded
     * @param firstContactId ids are handed out from here upwards
     */
    public SimulatedWorld(RoutingConfig config, WorldParams params, long seed, long startNs, long contactLimit, long firstContactId) {
        this.config = config;
        this.params = params;
        this.random = new SplittableRandom(seed);
        this.arrivalsLeft = contactLimit;
        this.nextContactId = firstContactId;
        int online = params.agentsOnline() < 0 ? config.agents().size() : Math.min(params.agentsOnline(), config.agents().size());
        for (int a = 0; a < online; a++) {
            schedule(startNs + a * 1_000L, Kind.LOGIN, -1, a, -1);
        }
        if (arrivalsLeft > 0 && params.arrivalsPerSecond() > 0 && !config.entries().isEmpty()) {
            schedule(startNs + online * 1_000L + exponentialNs(1_000_000_000.0 / params.arrivalsPerSecond()), Kind.ARRIVE, -1, -1, -1);
        }
    }

    /**
     * What a previous run left in the core (a start on a journal that was): agents logged in already
     * are not logged in again, which the core would refuse (a counted {@code REJECT_COMMAND} per
     * agent), and paused ones are made ready in their place. Before the first {@link #poll}.
     *
     * @param presence the core's presence of agent {@code a} (logged out, ready or paused)
     */
    public void recovered(java.util.function.IntFunction<org.loket.core.AgentState> presence) {
        for (Event e : events.stream().filter(e -> e.kind == Kind.LOGIN).toList()) {
            org.loket.core.AgentState now = presence.apply(e.agentId);
            if (now != org.loket.core.AgentState.LOGGED_OUT) {
                events.remove(e);
                if (now == org.loket.core.AgentState.PAUSED) {
                    schedule(e.dueNs, Kind.READY, -1, e.agentId, -1);
                }
            }
        }
    }

    /** The due time of the next command, or Long.MAX_VALUE when nothing is scheduled. */
    public long nextDueNs() {
        Event e = events.peek();
        return e == null ? Long.MAX_VALUE : e.dueNs;
    }

    /**
     * Fills {@code into} with the next command due at or before {@code nowNs}, stamped with its due time.
     *
     * @return false when nothing is due
     */
    public boolean poll(long nowNs, Command into) {
        while (!events.isEmpty() && events.peek().dueNs <= nowNs) {
            Event e = events.poll();
            if (fill(e, into.clear())) {
                into.timestampNs = e.dueNs;
                return true;
            }
        }
        return false;
    }

    private boolean fill(Event e, Command c) {
        switch (e.kind) {
            case LOGIN -> {
                c.type = CommandType.AGENT_LOGGED_IN;
                c.agentId = e.agentId;
                return true;
            }
            case READY -> {
                c.type = CommandType.AGENT_STATE_CHANGED;
                c.agentId = e.agentId;
                c.agentState = org.loket.core.AgentState.READY.code();
                return true;
            }
            case ARRIVE -> {
                arrive(e.dueNs, c);
                return true;
            }
            default -> {
                Citizen citizen = citizens.get(e.contactId);
                if (citizen == null || citizen.version != e.version) {
                    return false; // the contact moved on; this reaction is stale
                }
                c.contactId = e.contactId;
                c.agentId = e.agentId;
                switch (e.kind) {
                    case INPUT -> {
                        c.type = CommandType.SELF_SERVICE_INPUT;
                        c.input = e.input;
                    }
                    case ABANDON -> c.type = CommandType.CONTACT_ABANDONED;
                    case CALLBACK -> c.type = CommandType.CALLBACK_REQUESTED;
                    case ACCEPT -> c.type = CommandType.OFFER_ACCEPTED;
                    case END -> c.type = CommandType.CONTACT_ENDED;
                    case WRAP_UP_DONE -> {
                        c.type = CommandType.WRAP_UP_DONE;
                        citizens.remove(e.contactId);
                    }
                    default -> throw new IllegalStateException("unexpected event " + e.kind);
                }
                return true;
            }
        }
    }

    private void arrive(long nowNs, Command c) {
        long id = nextContactId++;
        int entryId = random.nextInt(config.entries().size());
        EntrySpec entry = config.entries().get(entryId);
        Channel channel = entry.queueId() >= 0 ? config.queues().get(entry.queueId()).channel() : Channel.VOICE;
        c.type = CommandType.CONTACT_ARRIVED;
        c.contactId = id;
        c.entryId = entryId;
        c.channel = channel.code();
        citizens.put(id, new Citizen());
        if (--arrivalsLeft > 0) {
            schedule(nowNs + exponentialNs(1_000_000_000.0 / params.arrivalsPerSecond()), Kind.ARRIVE, -1, -1, -1);
        }
    }

    /** Reacts to one decision of the core. */
    public void onDecision(Decision d) {
        Citizen citizen = d.contactId >= 0 ? citizens.get(d.contactId) : null;
        long now = d.timestampNs;
        switch (d.type) {
            case PLAY_PROMPT -> {
                if (citizen != null && (d.flags & Decision.FLAG_FINAL) == 0) {
                    citizen.version++;
                    schedule(now + params.thinkMs() * 1_000_000L, Kind.INPUT, d.contactId, -1, chooseInput(d.nodeId), citizen);
                }
            }
            case QUEUE_CONTACT -> {
                if (citizen != null) {
                    citizen.version++;
                    if (params.meanPatienceMs() > 0) {
                        schedule(now + exponentialNs(params.meanPatienceMs() * 1_000_000.0), Kind.ABANDON, d.contactId, -1, -1, citizen);
                    }
                    if (random.nextDouble() < params.callbackShare()) {
                        schedule(now + 5_000_000_000L, Kind.CALLBACK, d.contactId, -1, -1, citizen);
                    }
                }
            }
            case CALLBACK_SCHEDULED -> {
                if (citizen != null) {
                    citizen.version++; // a citizen waiting for a callback does not hang up
                    citizen.calledBack = true;
                }
            }
            case ESCALATE, DEFLECT -> {
                // A step's (or a slow queue's) callback offer; the other steps leave the citizen waiting as before (or END_CONTACT follows).
                if (citizen != null && !citizen.calledBack && d.reason == EscalationStep.Action.OFFER_CALLBACK.code()
                        && random.nextDouble() < DaySimulator.Settings.DEFAULT_CALLBACK_ACCEPT_SHARE) {
                    schedule(now + DaySimulator.Settings.CALLBACK_DECISION_MS * 1_000_000L, Kind.CALLBACK, d.contactId, -1, -1, citizen);
                }
            }
            case OFFER_CONTACT -> {
                if (citizen != null) {
                    citizen.version++;
                    if (random.nextDouble() >= params.noAnswerShare()) {
                        schedule(now + params.ringMs() * 1_000_000L, Kind.ACCEPT, d.contactId, d.agentId, -1, citizen);
                        schedule(now + (params.ringMs() + 1) * 1_000_000L + exponentialNs(params.meanHandleMs() * 1_000_000.0),
                                Kind.END, d.contactId, d.agentId, -1, citizen);
                    }
                }
            }
            case RETRACT_OFFER -> {
                if (citizen != null) {
                    citizen.version++;
                    if (params.meanPatienceMs() > 0) {
                        schedule(now + exponentialNs(params.meanPatienceMs() * 1_000_000.0), Kind.ABANDON, d.contactId, -1, -1, citizen);
                    }
                }
            }
            case AGENT_STATE -> {
                if (d.agentState == org.loket.core.AgentState.PAUSED.code()) {
                    schedule(now + 10_000_000_000L, Kind.READY, -1, d.agentId, -1);
                }
            }
            case END_CONTACT -> {
                if (citizen != null) {
                    long maxWrapUpMs = d.outcome == Outcome.ANSWERED ? config.queues().get(d.queueId).maxWrapUpMs() : 0;
                    if (maxWrapUpMs > 0) {
                        // Say done before the core's own wrap-up limit would end it.
                        citizen.version++;
                        long wrapUpMs = Math.min(params.wrapUpMs(), maxWrapUpMs - 1);
                        schedule(now + wrapUpMs * 1_000_000L, Kind.WRAP_UP_DONE, d.contactId, d.agentId, -1, citizen);
                    } else {
                        citizens.remove(d.contactId);
                    }
                }
            }
            case REJECT_COMMAND -> {
                if (citizen != null && d.commandType == CommandType.CONTACT_ARRIVED.code()) {
                    citizens.remove(d.contactId);
                }
            }
            default -> {
            }
        }
    }

    private int chooseInput(int nodeId) {
        FlowNode node = config.flowNodes().get(nodeId);
        int[] next = node.nextByInput();
        int valid = 0;
        for (int n : next) {
            if (n >= 0) {
                valid++;
            }
        }
        if (valid == 0 || random.nextDouble() < 0.03) {
            return random.nextInt(FlowNode.INPUTS);
        }
        int pick = random.nextInt(valid);
        for (int i = 0; i < next.length; i++) {
            if (next[i] >= 0 && pick-- == 0) {
                return i;
            }
        }
        throw new IllegalStateException("no input chosen");
    }

    private long exponentialNs(double meanNs) {
        return (long) (-Math.log(1.0 - random.nextDouble()) * meanNs);
    }

    private void schedule(long dueNs, Kind kind, long contactId, int agentId, int input) {
        events.add(new Event(dueNs, eventOrder++, kind, contactId, agentId, input, 0));
    }

    private void schedule(long dueNs, Kind kind, long contactId, int agentId, int input, Citizen citizen) {
        events.add(new Event(dueNs, eventOrder++, kind, contactId, agentId, input, citizen.version));
    }

    private enum Kind { LOGIN, READY, ARRIVE, INPUT, ABANDON, CALLBACK, ACCEPT, END, WRAP_UP_DONE }

    /** What the world knows of a citizen: a version that makes older scheduled reactions stale. */
    private static final class Citizen {
        long version;
        boolean calledBack;
    }

    private record Event(long dueNs, long order, Kind kind, long contactId, int agentId, int input, long version)
            implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return dueNs != o.dueNs ? Long.compare(dueNs, o.dueNs) : Long.compare(order, o.order);
        }
    }
}
