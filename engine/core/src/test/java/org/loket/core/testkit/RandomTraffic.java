package org.loket.core.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionSink;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.RejectReason;
import org.loket.core.decision.ReleaseReason;
import org.loket.core.routing.RoutingCore;

/**
 * A seeded generator of realistic command streams that reacts to the core's decisions: agents
 * accept the offers the core made (or decline them, or let them time out), end their contacts and
 * finish wrap-up; citizens wait, abandon, ask for callbacks and press keys in self-service; agents
 * pause, get ready, log out and in; and now and then a command is wrong on purpose (unknown ids,
 * illegal transitions, bad arguments, an unknown command type, a configuration change in flight)
 * or arrives with a timestamp slightly in the past.
 *
 * <p>Use: the first {@link #next()} is the {@code CONFIG_APPLIED}; apply each command to a core
 * whose sink forwards every decision to {@link #onDecision} (this class is a {@link DecisionSink}),
 * then ask for the next. {@link #script} does that with a private core and returns the commands,
 * for tests that only need a realistic journal. Same seed and same decisions give the same commands.
 *
 * <p>The generator keeps its own model of the contacts and agents, built only from its commands and
 * the decisions. It does not act on a contact whose timer is due at the next command's time, so its
 * model stays exact; {@link #expectation()} tells what the core should answer to the last command.
 */
public final class RandomTraffic implements DecisionSink {
    /** What the core should answer to a command; {@code sure} is false when due timers may change the answer. */
    public record Expectation(boolean sure, int rejectReason) {
        /** {@code rejectReason} of a command that should be accepted. */
        public static final int ACCEPTED = -1;

        public boolean accepted() {
            return rejectReason == ACCEPTED;
        }

        @Override
        public String toString() {
            return (sure ? "" : "maybe ") + (accepted() ? "accepted" : "rejected " + RejectReason.name(rejectReason));
        }
    }

    /** What the generator believes about one live contact. */
    private static final class Tracked {
        final long id;
        ContactState state = ContactState.NONE;
        int queue = -1;
        int agent = -1;
        int node = -1;
        /** The channel it arrived on (a menu's input timeout may not apply to it). */
        int channel;
        long deadlineNs = -1;
        /** Escalation steps applied in the current queue, and when it entered it. */
        int step;
        long enteredQueueNs;
        boolean callback;
        /** Waits for its preferred agent alone until {@code deadlineNs}. */
        boolean reserved;
        /** The agent who transferred it warmly and stays with it, or -1. */
        int holder = -1;

        Tracked(long id) {
            this.id = id;
        }

        Tracked copy() {
            Tracked t = new Tracked(id);
            t.channel = channel;
            t.state = state;
            t.queue = queue;
            t.agent = agent;
            t.node = node;
            t.deadlineNs = deadlineNs;
            t.step = step;
            t.enteredQueueNs = enteredQueueNs;
            t.callback = callback;
            t.reserved = reserved;
            t.holder = holder;
            return t;
        }

        void restore(Tracked from) {
            channel = from.channel;
            state = from.state;
            queue = from.queue;
            agent = from.agent;
            node = from.node;
            deadlineNs = from.deadlineNs;
            step = from.step;
            enteredQueueNs = from.enteredQueueNs;
            callback = from.callback;
            reserved = from.reserved;
            holder = from.holder;
        }

        boolean dueAt(long nowNs) {
            return deadlineNs >= 0 && deadlineNs <= nowNs;
        }
    }

    private static final int ACCEPTED = Expectation.ACCEPTED;
    private static final long UNKNOWN_CONTACT_BASE = 1_000_000_000L;

    private final SplittableRandom rnd;
    private RoutingConfig config;
    /** A reload sent and not yet applied: it takes effect at its {@code CONFIGURATION_APPLIED} decision. */
    private RoutingConfig pendingConfig;
    private final byte[] configBytes;
    private final int[] entryChannel;
    private final List<Tracked> live = new ArrayList<>();
    private final Map<Long, Tracked> byId = new HashMap<>();
    private final int[] presence;

    private long sequence;
    private long clockMs;
    private long nextIdBlock = 1;
    private final List<Long> idPool = new ArrayList<>();
    private int arrivalWeight = 14;

    private Expectation expectation = new Expectation(true, Expectation.ACCEPTED);
    /** The contact the last command acts on, and what it looked like before; see {@link #optimistic}. */
    private Tracked pending;
    private Tracked pendingBefore;
    private boolean pendingIsArrival;
    private boolean pendingTouched;
    /** Effects applied once the command's decisions are in and none refused it; see {@link #settle}. */
    private Tracked settleContact;
    private ContactState settleState;
    private int settleAgent = -1;
    private int settlePresence;
    private boolean refused;
    private DecisionType previousType;
    private int previousAgent;

    public RandomTraffic(long seed, RoutingConfig config) {
        this.rnd = new SplittableRandom(seed);
        this.config = config;
        this.configBytes = RoutingConfigCodec.encode(config);
        this.presence = new int[config.agents().size()];
        entryChannel = new int[config.entries().size()];
        for (int e = 0; e < entryChannel.length; e++) {
            int queue = config.entries().get(e).queueId();
            entryChannel[e] = queue >= 0 ? config.queues().get(queue).channel().code()
                    : config.entries().get(e).name().equals("phone") ? Channel.VOICE.code()
                    : config.entries().get(e).name().equals("chatbot") ? Channel.CHAT.code()
                    : rnd.nextInt(Channel.COUNT);
        }
    }

    /** A traffic over {@link RandomConfig#create(long) the random configuration} of the same seed. */
    public static RandomTraffic forSeed(long seed) {
        return new RandomTraffic(seed, RandomConfig.create(seed));
    }

    /**
     * A ready-made journal: {@code commands} commands (the first is the configuration), generated
     * against a private {@link RoutingCore} so that they follow its decisions.
     */
    public static List<Command> script(long seed, RoutingConfig config, int commands) {
        RandomTraffic traffic = new RandomTraffic(seed, config);
        RoutingCore core = new RoutingCore(traffic);
        List<Command> script = new ArrayList<>(commands);
        for (int i = 0; i < commands; i++) {
            Command command = traffic.next();
            core.apply(command);
            script.add(new Command().copyFrom(command));
        }
        return script;
    }

    public RoutingConfig config() {
        return config;
    }

    /** What the core should answer to the command last returned by {@link #next()}. */
    public Expectation expectation() {
        return expectation;
    }

    /** Contacts the generator believes live after the last command (call once the core applied it). */
    public int liveContacts() {
        settle();
        return live.size();
    }

    /** Sequence of the command last returned by {@link #next()}. */
    public long sequence() {
        return sequence;
    }

    /** The next command, with its sequence and timestamp set. */
    public Command next() {
        settle();
        pending = null;
        pendingBefore = null;
        pendingIsArrival = false;
        pendingTouched = false;
        refused = false;
        previousType = null;
        Command command;
        if (sequence == 0) {
            command = Commands.config(0, config);
            expectation = new Expectation(true, Expectation.ACCEPTED);
        } else {
            if (sequence % 400 == 0) {
                arrivalWeight = new int[] {5, 14, 14, 28}[rnd.nextInt(4)];
            }
            long ms = nextTimeMs();
            long nowNs = Commands.ns(Math.max(clockMs, ms));
            boolean timersDue = false;
            for (Tracked t : live) {
                timersDue |= t.dueAt(nowNs);
            }
            command = null;
            for (int attempt = 0; command == null && attempt < 8; attempt++) {
                command = rnd.nextInt(100) < 9 ? invalid(ms, nowNs) : valid(ms, nowNs);
            }
            if (command == null) {
                command = Commands.tick(ms);
                expect(ACCEPTED);
            }
            if (timersDue) {
                expectation = new Expectation(false, expectation.rejectReason());
            }
            clockMs = Math.max(clockMs, ms);
        }
        command.sequence = ++sequence;
        return command;
    }

    private long nextTimeMs() {
        int r = rnd.nextInt(100);
        if (r < 4) {
            return Math.max(0, clockMs - 50L * (1 + rnd.nextInt(20)));
        }
        long dt;
        if (r < 14) {
            dt = 0;
        } else if (r < 32) {
            dt = 250L * (1 + rnd.nextInt(4));
        } else if (r < 50) {
            dt = 50L * (1 + rnd.nextInt(4));
        } else if (r < 80) {
            dt = 100L * (2 + rnd.nextInt(9));
        } else if (r < 98) {
            dt = 500L * (2 + rnd.nextInt(5));
        } else {
            dt = 1_000L * (5 + rnd.nextInt(16));
        }
        return clockMs + dt;
    }

    // ---------------------------------------------------------------- valid commands

    private Command valid(long ms, long nowNs) {
        int r = rnd.nextInt(112 + arrivalWeight);
        if (r < arrivalWeight) {
            return arrive(ms);
        }
        r -= arrivalWeight;
        if (r >= 100) {
            r = 0; // accepting is the most common thing agents do
        }
        if (r < 20) {
            Tracked t = pick(c -> c.state == ContactState.OFFERED && !c.dueAt(nowNs));
            if (t == null) {
                return null;
            }
            settleContact(t, ContactState.CONNECTED);
            return expect(ACCEPTED, Commands.accept(ms, t.id, t.agent));
        }
        if (r < 23) {
            Tracked t = pick(c -> c.state == ContactState.OFFERED && !c.dueAt(nowNs));
            if (t == null) {
                return null;
            }
            Command c = Commands.decline(ms, t.id, t.agent);
            optimistic(t).state = ContactState.WAITING;
            t.agent = -1;
            escalationDeadline(t, nowNs);
            return expect(ACCEPTED, c);
        }
        if (r < 35) {
            Tracked t = pick(c -> c.state == ContactState.CONNECTED);
            return t == null ? null : expect(ACCEPTED, Commands.end(ms, t.id));
        }
        if (r < 43) {
            Tracked t = pick(c -> c.state == ContactState.WRAP_UP && !c.dueAt(nowNs));
            if (t == null) {
                return null;
            }
            settleContact(t, ContactState.NONE);
            return expect(ACCEPTED, Commands.wrapUpDone(ms, t.id, t.agent));
        }
        if (r < 45) {
            Tracked t = pick(c -> c.state == ContactState.CONNECTED);
            if (t == null) {
                return null;
            }
            int target = queueOfChannel(config.queues().get(t.queue).channel(), true);
            int kind = rnd.nextInt(3); // cold, warm, warm with an introduction
            boolean warm = kind > 0;
            if (kind == 2 && target == t.queue) {
                // An introduction is usually to another queue's expert; one left by them returns the contact here.
                target = otherQueueOfChannel(t.queue);
            }
            Command transfer = switch (kind) {
                case 0 -> Commands.transfer(ms, t.id, t.agent, target);
                case 1 -> Commands.warmTransfer(ms, t.id, t.agent, target);
                default -> Commands.introducingTransfer(ms, t.id, t.agent, target);
            };
            if (rnd.nextBoolean()) {
                transfer.input = rnd.nextInt(presence.length); // a named agent: any, able to take it or not
            }
            // A warm transfer is for conversations: not out of or into a deferrable (work item) queue.
            boolean workItem = queue(t.queue).deferrable() || queue(target).deferrable();
            return expect(warm && workItem ? RejectReason.INVALID_ARGUMENT : ACCEPTED, transfer);
        }
        if (r < 46) {
            // The first agent of a warm transfer leaves the citizen to wait alone, or leaves an introduction;
            // or the agent who accepted an introduction leaves it, and the citizen is back with the first.
            Tracked t = pick(c -> c.holder >= 0 && !c.dueAt(nowNs));
            if (t == null) {
                return null;
            }
            boolean joinedLeaves = t.state == ContactState.CONNECTED && rnd.nextBoolean();
            return expect(ACCEPTED, Commands.transferLeft(ms, t.id, joinedLeaves ? t.agent : t.holder));
        }
        if (r < 51) {
            Tracked t = pick(c -> (c.state == ContactState.WAITING || c.state == ContactState.OFFERED
                    || c.state == ContactState.SELF_SERVICE) && !c.dueAt(nowNs));
            return t == null ? null : expect(ACCEPTED, Commands.abandon(ms, t.id));
        }
        if (r < 52) {
            Tracked t = pick(c -> c.state == ContactState.WAITING && !c.dueAt(nowNs));
            return t == null ? null : expect(ACCEPTED, Commands.callback(ms, t.id));
        }
        if (r < 53 && rnd.nextInt(8) == 0) {
            return expect(ACCEPTED, Commands.dayStarted(ms)); // midnight: occupancy counts from now
        }
        if (r < 53 && rnd.nextInt(7) == 0 && !config.prompts().isEmpty()) {
            // An operator sets the service announcement (an outage) or clears it.
            return expect(ACCEPTED, Commands.announcement(ms, rnd.nextBoolean() ? rnd.nextInt(config.prompts().size()) : -1));
        }
        if (r < 53) {
            // An operator closes a queue (or all) for a while, or opens them again.
            // Closing one queue at a time, opening one or all: queues stay closed briefly, traffic flows.
            boolean close = rnd.nextInt(3) == 0 && !config.prompts().isEmpty();
            int queue = !close && rnd.nextBoolean() ? -1 : rnd.nextInt(config.queues().size());
            int prompt = close ? rnd.nextInt(config.prompts().size()) : -1;
            // Emergency closures and business hours are set apart and overlap.
            return expect(ACCEPTED, rnd.nextBoolean() ? Commands.closure(ms, queue, prompt) : Commands.hours(ms, queue, prompt));
        }
        if (r < 56 && rnd.nextInt(2) == 0) {
            // The adapter says a menu prompt finished: its input time starts again (a stale node changes nothing).
            Tracked t = pick(c -> c.state == ContactState.SELF_SERVICE && !c.dueAt(nowNs));
            if (t == null) {
                return null;
            }
            boolean current = rnd.nextInt(5) != 0;
            Command c = Commands.promptPlayed(ms, t.id, current ? t.node : rnd.nextInt(config.flowNodes().size()));
            if ((current || c.input == t.node) && t.deadlineNs >= 0) {
                t.deadlineNs = nowNs + config.flowNodes().get(t.node).inputTimeoutMs() * 1_000_000L;
            }
            return expect(ACCEPTED, c);
        }
        if (r < 68) {
            Tracked t = pick(c -> c.state == ContactState.SELF_SERVICE && !c.dueAt(nowNs));
            if (t == null) {
                return null;
            }
            int[] next = config.flowNodes().get(t.node).nextByInput();
            int input = rnd.nextInt(FlowNode.INPUTS);
            if (rnd.nextInt(10) < 8) {
                for (int i = 0; i < FlowNode.INPUTS && next[input] < 0; i++) {
                    input = (input + 1) % FlowNode.INPUTS;
                }
            }
            if (rnd.nextInt(20) == 0) {
                return expect(RejectReason.INVALID_ARGUMENT, Commands.input(ms, t.id, rnd.nextBoolean() ? 12 + rnd.nextInt(3) : -2));
            }
            return expect(ACCEPTED, Commands.input(ms, t.id, input));
        }
        if (r < 72) {
            int a = pickAgent(p -> p == AgentState.LOGGED_OUT.code());
            if (a < 0) {
                return null;
            }
            settleAgent(a, AgentState.READY);
            return expect(ACCEPTED, Commands.login(ms, a));
        }
        if (r < 78) {
            int a = pickAgent(p -> p == AgentState.PAUSED.code());
            if (a < 0) {
                return null;
            }
            settleAgent(a, AgentState.READY);
            return expect(ACCEPTED, Commands.ready(ms, a));
        }
        if (r < 81) {
            int a = pickAgent(p -> p == AgentState.READY.code());
            if (a < 0) {
                return null;
            }
            settleAgent(a, AgentState.PAUSED);
            int reason = new int[] {-1, PauseReason.UNSPECIFIED, PauseReason.FIRST_OPERATOR_CODE, 20}[rnd.nextInt(4)];
            return expect(ACCEPTED, Commands.pause(ms, a, reason));
        }
        if (r < 83) {
            int a = pickAgent(p -> p != AgentState.LOGGED_OUT.code());
            if (a < 0) {
                return null;
            }
            // An agent who holds contacts is paused until they are done (the core's AGENT_STATE says so).
            settleAgent(a, AgentState.LOGGED_OUT);
            return expect(ACCEPTED, Commands.logout(ms, a));
        }
        if (r >= 84 && r < 86) {
            // A phone stops answering (voice off) or is back, or an agent takes no chats for a while:
            // any agent, in any state; off one time in three, so channels are mostly on.
            int a = rnd.nextInt(presence.length);
            return expect(ACCEPTED, Commands.channel(ms, a, Channel.ofCode(rnd.nextInt(Channel.COUNT)), rnd.nextInt(3) != 0));
        }
        if (r < 84 && rnd.nextInt(4) == 0) {
            // A live reload: the same configuration, or one with other requirements, escalation,
            // priorities, timeouts and skills under the same names. Everything live has a place in
            // it, so the core must take it.
            pendingConfig = rnd.nextBoolean() ? config : RandomConfig.mutate(config, rnd);
            return expect(ACCEPTED, Commands.config(ms, pendingConfig));
        }
        return expect(ACCEPTED, Commands.tick(ms));
    }

    private Command arrive(long ms) {
        long id = freshId();
        int entry = rnd.nextInt(config.entries().size());
        int priority = rnd.nextInt(10) < 5 ? -1 : rnd.nextInt(4) == 0 ? rnd.nextInt(10) : rnd.nextInt(3);
        Command c = Commands.arrive(ms, id, Channel.ofCode(entryChannel[entry]), entry, priority);
        int r = rnd.nextInt(10);
        c.languageId = r < 6 ? -1 : r < 9 ? rnd.nextInt(config.languages().size()) : 7;
        // A quarter name a preferred agent (their last one), some of them an agent that does not exist.
        c.agentId = rnd.nextInt(4) != 0 ? -1 : rnd.nextInt(presence.length + 1);
        // Tracked even when the core looks full: a wrap-up timer due now may free a place first.
        boolean full = live.size() >= config.maxLiveContacts();
        Tracked t = new Tracked(id);
        t.channel = c.channel;
        track(t);
        pending = t;
        pendingIsArrival = true;
        return expect(full ? RejectReason.CONTACT_CAPACITY_EXCEEDED : ACCEPTED, c);
    }

    /** Fresh contact ids, handed out from shuffled blocks so they are not always increasing. */
    private long freshId() {
        if (idPool.isEmpty()) {
            for (int i = 0; i < 4; i++) {
                idPool.add(nextIdBlock + i);
            }
            nextIdBlock += 4 + rnd.nextInt(3);
            for (int i = idPool.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                Long swap = idPool.get(i);
                idPool.set(i, idPool.get(j));
                idPool.set(j, swap);
            }
        }
        return idPool.remove(idPool.size() - 1);
    }

    // ---------------------------------------------------------------- invalid commands

    private Command invalid(long ms, long nowNs) {
        int agents = presence.length;
        switch (rnd.nextInt(16)) {
            case 0 -> {
                long unknown = UNKNOWN_CONTACT_BASE + rnd.nextInt(1_000);
                int agent = rnd.nextInt(agents);
                Command c = switch (rnd.nextInt(8)) {
                    case 0 -> Commands.accept(ms, unknown, agent);
                    case 1 -> Commands.decline(ms, unknown, agent);
                    case 2 -> Commands.end(ms, unknown);
                    case 3 -> Commands.abandon(ms, unknown);
                    case 4 -> Commands.input(ms, unknown, 1);
                    case 5 -> Commands.callback(ms, unknown);
                    case 6 -> Commands.wrapUpDone(ms, unknown, agent);
                    default -> Commands.transfer(ms, unknown, agent, 0);
                };
                return expect(RejectReason.UNKNOWN_CONTACT, c);
            }
            case 1 -> {
                int unknown = rnd.nextBoolean() ? agents + rnd.nextInt(3) : -1 - rnd.nextInt(2);
                Command c = switch (rnd.nextInt(4)) {
                    case 0 -> Commands.login(ms, unknown);
                    case 1 -> Commands.ready(ms, unknown);
                    case 2 -> Commands.pause(ms, unknown, 0);
                    default -> Commands.logout(ms, unknown);
                };
                return expect(RejectReason.UNKNOWN_AGENT, c);
            }
            case 2 -> {
                int entry = rnd.nextBoolean() ? config.entries().size() + rnd.nextInt(2) : -1;
                return expect(RejectReason.UNKNOWN_ENTRY, Commands.arrive(ms, freshId(), Channel.VOICE, entry));
            }
            case 3 -> {
                Command c = Commands.arrive(ms, freshId(), Channel.CHAT, 0);
                switch (rnd.nextInt(3)) {
                    case 0 -> c.channel = rnd.nextBoolean() ? Channel.COUNT : -1;
                    case 1 -> c.priority = RoutingConfig.MAX_PRIORITY + 1 + rnd.nextInt(3);
                    default -> c.contactId = -1 - rnd.nextInt(5);
                }
                return expect(RejectReason.INVALID_ARGUMENT, c);
            }
            case 4 -> {
                // Not one whose timer is due: it may end first (a menu's fallback into a closed queue).
                Tracked t = pick(c -> c.state != ContactState.WRAP_UP && !c.dueAt(nowNs));
                return t == null ? null : expect(RejectReason.DUPLICATE_CONTACT, Commands.arrive(ms, t.id, Channel.VOICE, 0));
            }
            case 5 -> {
                Tracked t = pick(c -> (c.state == ContactState.WAITING
                        || c.state == ContactState.SELF_SERVICE || c.state == ContactState.OFFERED) && !c.dueAt(nowNs));
                if (t == null) {
                    return null;
                }
                return expect(RejectReason.ILLEGAL_TRANSITION, rnd.nextBoolean() ? Commands.end(ms, t.id)
                        : t.state == ContactState.SELF_SERVICE ? Commands.callback(ms, t.id)
                        : Commands.input(ms, t.id, 1));
            }
            case 6 -> {
                Tracked t = pick(c -> c.state == ContactState.CONNECTED);
                if (t == null) {
                    return null;
                }
                Command c = switch (rnd.nextInt(4)) {
                    case 0 -> Commands.wrapUpDone(ms, t.id, t.agent);
                    case 1 -> Commands.callback(ms, t.id);
                    case 2 -> Commands.abandon(ms, t.id);
                    default -> Commands.accept(ms, t.id, t.agent);
                };
                return expect(RejectReason.ILLEGAL_TRANSITION, c);
            }
            case 7 -> {
                Tracked t = pick(c -> c.state == ContactState.WAITING && !c.dueAt(nowNs));
                if (t == null) {
                    return null;
                }
                if (rnd.nextInt(3) == 0) {
                    // Leaving a warm transfer: only its first agent may, and only while it holds one.
                    if (t.holder >= 0 && agents > 1) {
                        return expect(RejectReason.WRONG_AGENT, Commands.transferLeft(ms, t.id, (t.holder + 1 + rnd.nextInt(agents - 1)) % agents));
                    }
                    return t.holder >= 0 ? null : expect(RejectReason.ILLEGAL_TRANSITION, Commands.transferLeft(ms, t.id, rnd.nextInt(agents)));
                }
                if (rnd.nextBoolean()) {
                    return expect(RejectReason.ILLEGAL_TRANSITION, Commands.transfer(ms, t.id, rnd.nextInt(agents), 0));
                }
                // A timer due now may offer the contact to that very agent first: then the accept holds.
                settleContact(t, ContactState.CONNECTED);
                return expect(RejectReason.ILLEGAL_TRANSITION, Commands.accept(ms, t.id, rnd.nextInt(agents)));
            }
            case 8 -> {
                int a = pickAgent(p -> p != AgentState.LOGGED_OUT.code());
                return a < 0 ? null : expect(RejectReason.ILLEGAL_TRANSITION, Commands.login(ms, a));
            }
            case 9 -> {
                int a = pickAgent(p -> p == AgentState.LOGGED_OUT.code());
                return a < 0 ? null : expect(RejectReason.ILLEGAL_TRANSITION,
                        rnd.nextBoolean() ? Commands.ready(ms, a) : Commands.pause(ms, a, 0));
            }
            case 10 -> {
                Tracked t = pick(c -> (c.state == ContactState.OFFERED || c.state == ContactState.WRAP_UP) && !c.dueAt(nowNs)
                        || c.state == ContactState.CONNECTED);
                if (t == null || agents < 2) {
                    return null;
                }
                int other = (t.agent + 1 + rnd.nextInt(agents - 1)) % agents;
                Command c = switch (t.state) {
                    case OFFERED -> rnd.nextBoolean() ? Commands.accept(ms, t.id, other) : Commands.decline(ms, t.id, other);
                    case WRAP_UP -> Commands.wrapUpDone(ms, t.id, other);
                    default -> Commands.transfer(ms, t.id, other, 0);
                };
                return expect(RejectReason.WRONG_AGENT, c);
            }
            case 11 -> {
                Tracked t = pick(c -> c.state == ContactState.CONNECTED);
                if (t == null) {
                    return null;
                }
                int other = queueOfChannel(config.queues().get(t.queue).channel(), false);
                if (other >= 0 && rnd.nextBoolean()) {
                    return expect(RejectReason.WRONG_CHANNEL, Commands.transfer(ms, t.id, t.agent, other));
                }
                int queue = rnd.nextBoolean() ? config.queues().size() + rnd.nextInt(2) : -1;
                return expect(RejectReason.UNKNOWN_QUEUE, Commands.transfer(ms, t.id, t.agent, queue));
            }
            case 12 -> {
                if (rnd.nextInt(4) == 0) {
                    // A channel out of range, or neither on nor off; or an agent that does not exist.
                    Command c = Commands.channel(ms, rnd.nextInt(agents), Channel.CHAT, true);
                    switch (rnd.nextInt(3)) {
                        case 0 -> c.channel = rnd.nextBoolean() ? Channel.COUNT : -1;
                        case 1 -> c.input = rnd.nextBoolean() ? 2 : -1;
                        default -> {
                            c.agentId = rnd.nextBoolean() ? agents + rnd.nextInt(3) : -1;
                            return expect(RejectReason.UNKNOWN_AGENT, c);
                        }
                    }
                    return expect(RejectReason.INVALID_ARGUMENT, c);
                }
                Command c = Commands.ready(ms, rnd.nextInt(agents));
                c.agentState = new int[] {AgentState.OFFERED.code(), AgentState.BUSY.code(), AgentState.WRAP_UP.code(), 9, -1}[rnd.nextInt(5)];
                return expect(RejectReason.INVALID_ARGUMENT, c);
            }
            case 13 -> {
                Command c = Commands.tick(ms);
                c.type = null;
                return expect(RejectReason.UNKNOWN_COMMAND, c);
            }
            case 14 -> {
                Command c = Commands.config(ms, config);
                c.payload = rnd.nextBoolean() ? new byte[] {1, 2, 3} : java.util.Arrays.copyOf(configBytes, configBytes.length / 2);
                return expect(RejectReason.CONFIGURATION_INVALID, c);
            }
            default -> {
                Tracked t = pick(c -> c.state == ContactState.CONNECTED || c.state == ContactState.WRAP_UP && !c.dueAt(nowNs));
                if (t == null) {
                    return null;
                }
                return expect(RejectReason.ILLEGAL_TRANSITION,
                        t.state == ContactState.WRAP_UP ? Commands.abandon(ms, t.id) : Commands.input(ms, t.id, 1));
            }
        }
    }

    // ---------------------------------------------------------------- the model

    @Override
    public void onDecision(Decision d) {
        Tracked t = d.contactId < 0 ? null : byId.get(d.contactId);
        if (t != null && t == pending && d.type != DecisionType.REJECT_COMMAND) {
            pendingTouched = true;
        }
        switch (d.type) {
            case OFFER_CONTACT -> {
                if (t != null) {
                    t.reserved = false;
                    t.step = d.nodeId; // steps passed silently (a callback contact) show here
                    t.state = ContactState.OFFERED;
                    t.agent = d.agentId;
                    t.queue = d.queueId;
                    t.deadlineNs = d.timestampNs + queue(d.queueId).offerTimeoutMs() * 1_000_000L;
                }
            }
            case RETRACT_OFFER, TRANSFER_CONTACT, QUEUE_CONTACT -> {
                if (t != null) {
                    if (d.type == DecisionType.TRANSFER_CONTACT && (d.flags & Decision.FLAG_WARM) != 0) {
                        t.holder = d.agentId;
                    }
                    t.state = ContactState.WAITING;
                    t.agent = -1;
                    if (d.type == DecisionType.QUEUE_CONTACT && t.reserved && d.queueId == t.queue && d.agentId < 0) {
                        t.reserved = false; // the wait for the preferred agent ended: same queue, same place
                        escalationDeadline(t, d.timestampNs);
                        break;
                    }
                    t.reserved = false;
                    if (d.type == DecisionType.QUEUE_CONTACT) {
                        t.queue = d.queueId;
                        t.step = 0;
                        t.enteredQueueNs = d.timestampNs;
                    }
                    escalationDeadline(t, d.timestampNs);
                    if (d.type == DecisionType.QUEUE_CONTACT && d.agentId >= 0) {
                        t.reserved = true; // waits for its preferred agent alone; no escalation meanwhile
                        t.deadlineNs = d.timestampNs + queue(d.queueId).preferredAgentMs() * 1_000_000L;
                    }
                }
            }
            case CALLBACK_SCHEDULED -> {
                if (t != null) {
                    t.callback = true;
                    if (!t.reserved) { // a wait for the preferred agent keeps its own deadline
                        escalationDeadline(t, d.timestampNs);
                    }
                }
            }
            case ESCALATE -> {
                if (t != null) {
                    t.reserved = false;
                    t.step = d.nodeId + 1;
                    if (d.reason == EscalationStep.Action.OVERFLOW.code()) {
                        t.queue = d.queueId;
                        t.step = 0;
                        t.enteredQueueNs = d.timestampNs;
                    }
                    escalationDeadline(t, d.timestampNs);
                }
            }
            case PLAY_PROMPT -> {
                if (t != null && (d.flags & Decision.FLAG_FINAL) == 0) {
                    t.state = ContactState.SELF_SERVICE;
                    t.node = d.nodeId;
                    FlowNode node = config.flowNodes().get(d.nodeId);
                    t.deadlineNs = node.timesOut(t.channel) ? d.timestampNs + node.inputTimeoutMs() * 1_000_000L : -1;
                }
            }
            case END_CONTACT -> {
                if (t != null) {
                    long wrapUpMs = d.queueId < 0 ? 0 : queue(d.queueId).maxWrapUpMs();
                    if (d.outcome == Outcome.ANSWERED && wrapUpMs > 0) {
                        t.state = ContactState.WRAP_UP;
                        t.agent = d.agentId;
                        t.deadlineNs = d.timestampNs + wrapUpMs * 1_000_000L;
                    } else {
                        forget(t);
                    }
                }
            }
            case AGENT_STATE -> {
                if (d.contactId < 0 && (d.reason == PauseReason.LOGOUT_PENDING || d.agentState == AgentState.LOGGED_OUT.code())) {
                    presence[d.agentId] = d.agentState; // a logout waits for the agent's last contact
                    if (settleAgent == d.agentId) {
                        settleAgent = -1;
                    }
                } else if (previousType == DecisionType.RETRACT_OFFER && previousAgent == d.agentId) {
                    presence[d.agentId] = AgentState.PAUSED.code();
                } else {
                    wrapUpTimedOut(d.agentId, d.timestampNs);
                }
            }
            case TRANSFER_RELEASED -> {
                if (t != null) {
                    if (d.reason == ReleaseReason.RETURNED) {
                        t.agent = t.holder; // the introducer has the conversation alone again
                        t.queue = d.queueId; // in the queue it was in before the transfer
                    }
                    t.holder = -1;
                }
            }
            case REJECT_COMMAND -> rejected(d);
            case CONFIGURATION_APPLIED -> {
                if (pendingConfig != null) {
                    reload(pendingConfig, d.timestampNs);
                    pendingConfig = null;
                }
            }
            default -> {
            }
        }
        previousType = d.type;
        previousAgent = d.agentId;
    }

    /** A waiting contact's timer: its queue's next escalation step (now, if it fell due while offered). */
    private void escalationDeadline(Tracked t, long nowNs) {
        List<EscalationStep> steps = queue(t.queue).steps();
        int next = t.step;
        while (next < steps.size() && t.callback && steps.get(next).action().passedByCallbackContacts()) {
            next++; // passed silently
        }
        t.deadlineNs = next < steps.size() ? Math.max(nowNs, t.enteredQueueNs + steps.get(next).afterMs() * 1_000_000L) : -1;
    }

    /** The core ended an agent's wrap-up on its own: the one due first, as its timers fire in deadline order. */
    private void wrapUpTimedOut(int agent, long nowNs) {
        Tracked first = null;
        for (Tracked t : live) {
            if (t.state == ContactState.WRAP_UP && t.agent == agent && t.dueAt(nowNs)
                    && (first == null || t.deadlineNs < first.deadlineNs || t.deadlineNs == first.deadlineNs && t.id < first.id)) {
                first = t;
            }
        }
        if (first != null) {
            if (first == pending) {
                pendingTouched = true;
            }
            forget(first);
        }
    }

    private void rejected(Decision d) {
        if (pending != null && !pendingTouched) {
            if (pendingIsArrival) {
                forget(pending);
            } else {
                pending.restore(pendingBefore);
                if (pending.state != ContactState.NONE && !byId.containsKey(pending.id)) {
                    track(pending);
                }
            }
        }
        refused = true;
        if (d.reason == RejectReason.UNKNOWN_CONTACT && d.contactId < UNKNOWN_CONTACT_BASE) {
            Tracked lost = byId.get(d.contactId);
            if (lost != null) {
                forget(lost);
            }
        }
    }

    /**
     * For a command whose effect comes after the decisions of the timers it makes due and before
     * the decisions it causes (a decline puts the contact back, then it may be offered again): apply
     * the effect now, and undo it if the command is refused before any decision touched the contact.
     * Only used for contacts whose own timer is not due, so no timer decision precedes the effect.
     */
    private Tracked optimistic(Tracked t) {
        pending = t;
        pendingBefore = t.copy();
        return t;
    }

    /** For a command that causes no decision about its contact after its effect: apply it once accepted. */
    private void settleContact(Tracked t, ContactState state) {
        settleContact = t;
        settleState = state;
    }

    /** Presence changes cause no decision that changes presence again: apply once accepted. */
    private void settleAgent(int agent, AgentState state) {
        settleAgent = agent;
        settlePresence = state.code();
    }

    private void settle() {
        if (!refused) {
            if (settleContact != null && byId.get(settleContact.id) == settleContact) {
                settleContact.deadlineNs = -1;
                settleContact.state = settleState;
                if (settleState == ContactState.NONE) {
                    forget(settleContact);
                }
            }
            if (settleAgent >= 0) {
                presence[settleAgent] = settlePresence;
            }
        }
        settleContact = null;
        settleAgent = -1;
    }

    private void track(Tracked t) {
        live.add(t);
        byId.put(t.id, t);
    }

    private void forget(Tracked t) {
        live.remove(t);
        byId.remove(t.id);
    }


    /** Follows a reload: its timeouts from now on, and escalation steps clamped to the new queues' counts. */
    private void reload(RoutingConfig next, long nowNs) {
        for (Tracked t : live) {
            t.reserved = false; // a reload ends the waits for a preferred agent
        }
        for (Tracked t : live) {
            // Steps a callback contact passed silently before the switch count as passed.
            if (t.callback && t.queue >= 0 && t.state == ContactState.WAITING) {
                List<EscalationStep> steps = queue(t.queue).steps();
                while (t.step < steps.size() && steps.get(t.step).action().passedByCallbackContacts()
                        && t.enteredQueueNs + steps.get(t.step).afterMs() * 1_000_000L <= nowNs) {
                    t.step++;
                }
            }
        }
        config = next;
        for (Tracked t : live) {
            if (t.state == ContactState.WAITING || t.state == ContactState.OFFERED) {
                t.step = Math.min(t.step, queue(t.queue).steps().size());
            }
            if (t.state == ContactState.WAITING) {
                escalationDeadline(t, nowNs);
            }
        }
    }

    private boolean quiescent() {
        if (!live.isEmpty()) {
            return false;
        }
        for (int p : presence) {
            if (p != AgentState.LOGGED_OUT.code()) {
                return false;
            }
        }
        return true;
    }

    /** A random queue of {@code channel} (or, with {@code same} false, of another channel; -1 when there is none). */
    private int queueOfChannel(Channel channel, boolean same) {
        int[] fitting = java.util.stream.IntStream.range(0, config.queues().size())
                .filter(q -> (config.queues().get(q).channel() == channel) == same).toArray();
        return fitting.length == 0 ? -1 : fitting[rnd.nextInt(fitting.length)];
    }

    /** The next queue after {@code q} (wrapping) of the same channel, or {@code q} when it is the only one. */
    private int otherQueueOfChannel(int q) {
        int queues = config.queues().size();
        for (int i = 1; i < queues; i++) {
            int other = (q + i) % queues;
            if (config.queues().get(other).channel() == config.queues().get(q).channel()) {
                return other;
            }
        }
        return q;
    }

    private Tracked pick(Predicate<Tracked> filter) {
        List<Tracked> candidates = new ArrayList<>();
        for (Tracked t : live) {
            if (filter.test(t)) {
                candidates.add(t);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(rnd.nextInt(candidates.size()));
    }

    private int pickAgent(java.util.function.IntPredicate filter) {
        int count = 0;
        for (int p : presence) {
            if (filter.test(p)) {
                count++;
            }
        }
        if (count == 0) {
            return -1;
        }
        int n = rnd.nextInt(count);
        for (int a = 0; a < presence.length; a++) {
            if (filter.test(presence[a]) && n-- == 0) {
                return a;
            }
        }
        throw new IllegalStateException();
    }

    private QueueSpec queue(int id) {
        return config.queues().get(id);
    }

    private Command expect(int reason, Command command) {
        expect(reason);
        return command;
    }

    private void expect(int reason) {
        expectation = new Expectation(true, reason);
    }
}
