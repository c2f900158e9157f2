package org.loket.host.sim;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.TreeSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.LongConsumer;
import org.loket.config.AgentPlan;
import org.loket.config.LoadedConfig;
import org.loket.config.OpeningHours;
import org.loket.config.PlannedBreak;
import org.loket.config.Shift;
import org.loket.core.AgentState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.Outcome;
import org.loket.core.routing.RoutingCore;
import org.loket.host.hours.HoursSchedule;
import org.loket.host.journal.Journal;
import org.loket.host.kpi.KpiCollector;
import org.loket.host.kpi.KpiReport;
import org.loket.host.trace.StaffingEvent;
import org.loket.host.trace.TraceContact;
import org.loket.host.trace.TraceException;

/**
 * Runs a trace through the real {@link RoutingCore} on a discrete-event clock: citizens arrive,
 * choose in menus, wait, ask for a callback or give up as their trace rows say (or take the callback
 * an escalation step offers them, by {@link Settings#callbackAcceptShare}); agents log in and out by their shifts,
 * answer offers after a ring time, talk for {@code handle_ms} and wrap up for {@code wrapup_ms}.
 * Every command and decision can be journaled, so a simulated day replays like a live one, and the
 * KPIs come from the same {@link KpiCollector} that reads live journals.
 * <p>Deterministic: the same configuration, trace and settings give the same decisions. Not
 * thread-safe; one run per instance.
 */
public final class DaySimulator {
    private static final int JOURNAL_BATCH = 256;
    /** Hours transitions are planned this far past the day's midnight (contacts may outlive the day). */
    private static final long HOURS_AHEAD_MS = 3 * 24 * 3_600_000L;

    /**
     * @param date            the simulated day (the trace's midnight is this date's midnight in {@code zone});
     *                        its weekday and holidays decide the business hours
     * @param zone            local time of trace, shifts and intervals; null for the configuration's
     *                        {@code hours.zone} (the business hours are always in that zone)
     * @param ringMs          how long an agent's phone or desktop rings before the agent accepts
     * @param shortAbandonMs  abandons quicker than this are short abandons
     * @param callbackAcceptShare share (0..1) of citizens who take a callback an escalation step offers
     *                        them; the others keep waiting (and may still give up as their row says)
     * @param seed            decides which citizens take the offer: a citizen's choice depends only on
     *                        the seed and their contact, so two configurations that offer the same
     *                        citizen a callback get the same answer; and which agents are absent
     * @param absenceShare    share (0..1) of each shift's rostered agents who do not come in (sick,
     *                        leave: the absence part of shrinkage), rounded per shift; which ones
     *                        depends only on the seed and the agent's name, so two configurations
     *                        with the same agents miss the same ones
     */
    public record Settings(LocalDate date, ZoneId zone, long ringMs, long shortAbandonMs, double callbackAcceptShare, long seed,
                           double absenceShare) {
        /** Share of citizens who accept a step's callback offer by default: an estimate, not a measured figure. */
        public static final double DEFAULT_CALLBACK_ACCEPT_SHARE = 0.4;
        /** Time from a step's callback offer to the citizen's key press: hearing the offer and pressing 1. */
        public static final long CALLBACK_DECISION_MS = 8_000;

        public Settings {
            if (!(callbackAcceptShare >= 0 && callbackAcceptShare <= 1)) {
                throw new IllegalArgumentException("callbackAcceptShare " + callbackAcceptShare + " is outside 0..1");
            }
            if (!(absenceShare >= 0 && absenceShare <= 1)) {
                throw new IllegalArgumentException("absenceShare " + absenceShare + " is outside 0..1");
            }
        }

        public Settings(LocalDate date, ZoneId zone, long ringMs, long shortAbandonMs, double callbackAcceptShare, long seed) {
            this(date, zone, ringMs, shortAbandonMs, callbackAcceptShare, seed, 0);
        }

        public Settings(LocalDate date, ZoneId zone, long ringMs, long shortAbandonMs) {
            this(date, zone, ringMs, shortAbandonMs, DEFAULT_CALLBACK_ACCEPT_SHARE, 1);
        }

        public static Settings defaults() {
            return new Settings(LocalDate.of(2027, 3, 1), ZoneId.of("Europe/Amsterdam"), 3_000,
                    KpiCollector.DEFAULT_SHORT_ABANDON_MS);
        }

        /** A draw in 0..2^53 for the agent of this name: the lower, the sooner it is absent. */
        long absenceDraw(String agentName) {
            return Decision.mix(Decision.mix(seed, 0xAB5E_2CEL), agentName.hashCode()) >>> 11;
        }

        /** Whether the citizen of {@code contactId} takes the callback offered at its {@code offer}-th offer. */
        boolean acceptsCallback(long contactId, int offer) {
            long draw = Decision.mix(Decision.mix(seed, contactId), offer) >>> 11; // 53 random bits
            return draw * 0x1.0p-53 < callbackAcceptShare;
        }
    }

    /**
     * @param kpis            the day's KPIs
     * @param contacts        trace rows
     * @param arrived         contacts that arrived (redials that were not needed did not)
     * @param redialsSkipped  redial rows whose first attempt reached an agent or had not ended
     * @param commands        commands applied
     * @param decisions       decisions made
     * @param decisionHash    running hash over the decisions (as {@code loket replay} computes it)
     * @param elapsedMs       wall-clock time of the run
     * @param warnings        rows the configuration could not follow exactly
     * @param hours           one line: the day's business hours and the contacts they turned away
     * @param staffing        one line: agents rostered, absent, and following a staffing file
     */
    public record Result(KpiReport kpis, long contacts, long arrived, long redialsSkipped, long commands, long decisions,
                         String decisionHash, long elapsedMs, List<String> warnings, String hours, String staffing) {
    }

    private final LoadedConfig loaded;
    private final RoutingConfig config;
    private final Settings settings;
    private final ZoneId zone;
    private final FlowPlanner planner;
    private final HoursSchedule hours;
    private final long dayStartNs;
    private final KpiCollector kpis;
    private final RoutingCore core;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<Long, SimContact> byId = new HashMap<>();
    private final Map<String, SimContact> byTraceId = new HashMap<>();
    private String staffingSummary = "";
    /** Agents whose planned break has begun (paused for it, or waiting to be free to take it). */
    private final Set<Integer> onBreak = new TreeSet<>();
    /** Of those, the ones still holding contacts, with their break's length: it runs from when they are free. */
    private final Map<Integer, Long> breakWhenFreeNs = new java.util.TreeMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final Command command = new Command();
    private Decision[] decided = new Decision[64];
    private int decidedCount;
    private long order;
    private long sequence;
    private long decisions;
    private long decisionHash;
    private long arrived;
    private long redialsSkipped;
    private Journal.CommandWriter commandOut;
    private Journal.DecisionWriter decisionOut;
    private int batched;
    /** Set by {@link #staffing}: the agents it names follow it instead of their shifts. */
    private List<StaffingEvent> staffing = List.of();

    /**
     * Staffs the day from a recorded staffing file instead of the roster for the agents it names
     * (logins, pauses with their reasons, readies, logouts at their times); the others keep their
     * shift; rows naming agents this configuration lacks are left out.
     *
     * @return this
     */
    public DaySimulator staffing(List<StaffingEvent> events) {
        this.staffing = List.copyOf(events);
        return this;
    }

    public DaySimulator(LoadedConfig config, Settings settings) {
        this.loaded = config;
        this.config = config.routing();
        this.settings = settings;
        this.zone = settings.zone() != null ? settings.zone() : config.hours().zone();
        this.planner = new FlowPlanner(this.config);
        this.hours = new HoursSchedule(config);
        this.dayStartNs = localNs(0);
        this.kpis = new KpiCollector(zone, settings.shortAbandonMs());
        for (int i = 0; i < decided.length; i++) {
            decided[i] = new Decision();
        }
        this.core = new RoutingCore(d -> {
            if (decidedCount == decided.length) {
                decided = java.util.Arrays.copyOf(decided, decided.length * 2);
                for (int i = decidedCount; i < decided.length; i++) {
                    decided[i] = new Decision();
                }
            }
            decided[decidedCount++].copyFrom(d);
        });
    }

    /**
     * Simulates the day.
     *
     * @param journal  where to journal commands and decisions, or null
     * @param progress told the simulated time (ms after midnight) now and then, or null
     * @throws TraceException when a row names something the configuration lacks, or redials an unknown contact
     */
    public Result run(List<TraceContact> trace, Journal journal, LongConsumer progress) throws TraceException {
        long startNanoTime = System.nanoTime();
        List<SimContact> contacts = prepare(trace);
        if (journal != null) {
            commandOut = journal.commandWriter();
            decisionOut = journal.decisionWriter();
        }
        command.clear();
        command.type = CommandType.CONFIG_APPLIED;
        command.payload = RoutingConfigCodec.encode(config);
        apply(dayStartNs);
        // Business hours as the live engine has them: every queue's state at midnight, then each
        // transition at its instant, ahead of other events at the same instant.
        long dayStartMs = dayStartNs / 1_000_000;
        int[] state = hours.stateAt(dayStartMs);
        for (int q = 0; q < state.length; q++) {
            applyHours(new HoursSchedule.Transition(dayStartMs, q, state[q]));
        }
        List<HoursSchedule.Transition> transitions = hours.transitions(dayStartMs, dayStartMs + HOURS_AHEAD_MS);
        int nextTransition = 0;
        scheduleAgents();
        for (SimContact c : contacts) {
            schedule(localNs(c.row.arrivalMs()), Kind.ARRIVE, c, -1);
        }
        long steps = 0;
        while (true) {
            long nextEventNs = events.isEmpty() ? Long.MAX_VALUE : events.peek().atNs;
            long timerNs = core.nextTimerNs();
            if (timerNs == Long.MAX_VALUE && nextEventNs == Long.MAX_VALUE) {
                break; // later transitions change nothing anyone would notice
            }
            long hoursNs = nextTransition < transitions.size() ? transitions.get(nextTransition).epochMs() * 1_000_000L : Long.MAX_VALUE;
            if (hoursNs <= timerNs && hoursNs <= nextEventNs) {
                applyHours(transitions.get(nextTransition++));
            } else if (timerNs <= nextEventNs) {
                command.clear();
                command.type = CommandType.TICK;
                apply(Math.max(timerNs, core.nowNs()));
                if (core.nextTimerNs() <= timerNs) {
                    throw new IllegalStateException("the core's timer at " + timerNs + " did not fire on a tick");
                }
            } else {
                Event e = events.poll();
                if (fill(e)) {
                    apply(e.atNs);
                }
            }
            if (progress != null && (++steps & 0x3FF) == 0) {
                progress.accept((core.nowNs() - dayStartNs) / 1_000_000);
            }
        }
        if (commandOut != null) {
            flushJournal();
            commandOut.close();
            decisionOut.close();
        }
        if (progress != null) {
            progress.accept((core.nowNs() - dayStartNs) / 1_000_000);
        }
        long elapsedMs = (System.nanoTime() - startNanoTime) / 1_000_000;
        KpiReport report = kpis.report();
        return new Result(report, trace.size(), arrived, redialsSkipped, sequence, decisions,
                String.format("%016x", decisionHash), elapsedMs, List.copyOf(warnings), hoursSummary(report), staffingSummary);
    }

    /** The instant {@code ms} after the simulated day's local midnight on the local clock (summer time followed). */
    private long localNs(long ms) {
        return HoursSchedule.epochMs(settings.date().atStartOfDay().plus(java.time.Duration.ofMillis(ms)), zone) * 1_000_000L;
    }

    private void applyHours(HoursSchedule.Transition t) {
        command.clear();
        command.type = CommandType.QUEUE_HOURS_SET;
        command.queueId = t.queueId();
        command.input = t.promptId();
        apply(Math.max(t.epochMs() * 1_000_000L, core.nowNs()));
    }

    /** "Monday 2027-03-01 (Europe/Amsterdam): helpdesk 08:00-22:00, tax 09:00-17:00; 12 contacts turned away outside hours". */
    private String hoursSummary(KpiReport report) {
        OpeningHours opening = loaded.hours();
        LocalDate date = settings.date();
        String name = opening.holidays().get(date);
        StringBuilder s = new StringBuilder(date.getDayOfWeek().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH))
                .append(' ').append(date).append(" (").append(opening.zone()).append("): ");
        if (name != null) {
            s.append("a holiday").append(name.isEmpty() ? "" : " (" + name + ")").append(", every queue closed");
        } else {
            s.append("helpdesk ").append(open(opening.on(date)));
            opening.queues().keySet().stream().sorted().forEach(q -> s.append(", ").append(q).append(' ').append(open(opening.on(q, date))));
        }
        long turnedAway = report.totals().outsideHours();
        return s.append("; ").append(turnedAway).append(turnedAway == 1 ? " contact" : " contacts")
                .append(" turned away outside hours").toString();
    }

    private static String open(Shift shift) {
        return shift == null ? "closed" : shift.toString();
    }

    /** Resolves every row against the configuration before anything runs; reports all problems at once. */
    private List<SimContact> prepare(List<TraceContact> trace) throws TraceException {
        List<String> problems = new ArrayList<>();
        List<SimContact> contacts = new ArrayList<>(trace.size());
        long nextId = 1;
        int selfServedUnreachable = 0;
        // Rows the configuration cannot follow, by trace id: a redial of one is not "no earlier contact".
        Map<String, TraceContact> unfollowable = new HashMap<>();
        for (TraceContact row : trace) {
            String where = row.where();
            int language = row.language() == null ? -1 : config.languages().indexOf(row.language());
            if (row.language() != null && language < 0) {
                problems.add(where + ": column language = '" + row.language() + "': valid: " + config.languages());
            }
            FlowPlanner.Plan plan;
            try {
                plan = planner.plan(row.channel(), row.topic(), language, row.selfServed());
            } catch (IllegalArgumentException e) {
                problems.add(where + ": column topic = '" + row.topic() + "': " + e.getMessage());
                unfollowable.put(row.contactId(), row);
                continue;
            }
            if (row.selfServed() && !plan.reachesInfo()) {
                selfServedUnreachable++;
            }
            SimContact c = new SimContact(row, plan, nextId++, Math.max(language, 0));
            if (row.redialOf() != null) {
                SimContact first = byTraceId.get(row.redialOf());
                TraceContact invalid = unfollowable.get(row.redialOf());
                if (first == null && invalid != null) {
                    problems.add(where + ": column redial_of = '" + row.redialOf() + "': redials the contact of "
                            + invalid.where() + ", which the configuration cannot follow (above)");
                } else if (first == null) {
                    problems.add(where + ": column redial_of = '" + row.redialOf() + "': no earlier contact has that id");
                }
                c.redialOf = first;
                if (first != null) {
                    c.citizen = first.citizen; // a redial is the same citizen: reports count it as a repeat contact
                }
            }
            byTraceId.put(row.contactId(), c);
            contacts.add(c);
            if (problems.size() >= 50) {
                break;
            }
        }
        if (!problems.isEmpty()) {
            throw new TraceException(problems);
        }
        if (selfServedUnreachable > 0) {
            warnings.add(selfServedUnreachable + " rows are marked self-served but no information leaf is on their way;"
                    + " they were queued");
        }
        return contacts;
    }

    /** Whether the agent's shift ended while it held contacts: the core logs it out after the last (nothing else may undo that). */
    private boolean leaving(int agent) {
        return core.agentPresence(agent) == AgentState.PAUSED && core.agentPauseReason(agent) == PauseReason.LOGOUT_PENDING;
    }

    /** Fills {@link #command} for a due event; false when the event is stale. */
    private boolean fill(Event e) {
        command.clear();
        SimContact c = e.contact;
        switch (e.kind) {
            case SHIFT_START -> {
                command.type = CommandType.AGENT_LOGGED_IN;
                command.agentId = e.agent;
            }
            case SHIFT_END -> {
                if (core.agentPresence(e.agent) == AgentState.LOGGED_OUT || leaving(e.agent)) {
                    return false;
                }
                onBreak.remove(e.agent); // the break ends with the shift
                breakWhenFreeNs.remove(e.agent);
                // Still holding contacts, the core keeps the logout pending: no new offers, logged out after the last.
                presence(e.agent, AgentState.LOGGED_OUT, Command.NONE);
            }
            case STAFF_READY, STAFF_PAUSE -> {
                AgentState state = core.agentState(e.agent);
                if (state == AgentState.LOGGED_OUT || leaving(e.agent)) {
                    return false;
                }
                presence(e.agent, e.kind == Kind.STAFF_READY ? AgentState.READY : AgentState.PAUSED,
                        e.kind == Kind.STAFF_READY ? Command.NONE : (int) e.token);
            }
            case BREAK_START -> {
                if (core.agentState(e.agent) == AgentState.LOGGED_OUT || leaving(e.agent) || !onBreak.add(e.agent)) {
                    return false;
                }
                PlannedBreak planned = loaded.plans().get(e.agent).breaks().get((int) e.token);
                presence(e.agent, AgentState.PAUSED, pauseCode(planned.reason()));
                breakWhenFreeNs.put(e.agent, planned.lengthMs() * 1_000_000L);
            }
            case BREAK_END -> {
                if (!onBreak.remove(e.agent) || leaving(e.agent) || core.agentState(e.agent) != AgentState.PAUSED) {
                    return false;
                }
                presence(e.agent, AgentState.READY, Command.NONE);
            }
            case BACK_FROM_PAUSE -> {
                if (leaving(e.agent) || onBreak.contains(e.agent) || core.agentState(e.agent) != AgentState.PAUSED) {
                    return false;
                }
                presence(e.agent, AgentState.READY, Command.NONE);
            }
            case ARRIVE -> {
                // A redial of a contact that was answered, still open, or itself a redial not needed is not needed either.
                if (c.redialOf != null && (c.redialOf.phase != Phase.ENDED || c.redialOf.outcome == Outcome.ANSWERED || c.redialOf.skipped)) {
                    redialsSkipped++;
                    c.skipped = true;
                    c.phase = Phase.ENDED;
                    c.outcome = -1;
                    return false;
                }
                arrived++;
                byId.put(c.id, c);
                c.phase = Phase.SELF_SERVICE;
                command.type = CommandType.CONTACT_ARRIVED;
                command.contactId = c.id;
                command.entryId = c.plan.entryId();
                command.channel = c.row.channel().code();
                command.priority = c.row.priority();
                command.languageId = c.language;
                command.citizenPseudonym = c.citizen;
            }
            case INPUT -> {
                if (c.phase != Phase.SELF_SERVICE || e.token != c.token) {
                    return false;
                }
                command.type = CommandType.SELF_SERVICE_INPUT;
                command.contactId = c.id;
                command.input = c.plan.inputs()[c.step++];
            }
            case ABANDON -> {
                if ((c.phase != Phase.WAITING && c.phase != Phase.OFFERED) || c.calledBack) {
                    return false; // a citizen waiting for a callback has hung up and keeps their place
                }
                command.type = CommandType.CONTACT_ABANDONED;
                command.contactId = c.id;
            }
            case CALLBACK -> {
                if (c.phase != Phase.WAITING || c.calledBack) {
                    return false;
                }
                command.type = CommandType.CALLBACK_REQUESTED;
                command.contactId = c.id;
            }
            case ACCEPT -> {
                if (c.phase != Phase.OFFERED || e.token != c.token) {
                    return false;
                }
                command.type = CommandType.OFFER_ACCEPTED;
                command.contactId = c.id;
                command.agentId = e.agent;
            }
            case HANG_UP -> {
                if (c.phase != Phase.CONNECTED) {
                    return false;
                }
                command.type = CommandType.CONTACT_ENDED;
                command.contactId = c.id;
                command.agentId = c.agent;
            }
            case WRAP_UP_DONE -> {
                if (c.phase != Phase.WRAP_UP) {
                    return false;
                }
                command.type = CommandType.WRAP_UP_DONE;
                command.contactId = c.id;
                command.agentId = c.agent;
            }
        }
        return true;
    }

    /** Fills {@link #command} with an agent's presence change. */
    private void presence(int agent, AgentState state, int reason) {
        command.type = CommandType.AGENT_STATE_CHANGED;
        command.agentId = agent;
        command.agentState = state.code();
        command.reason = reason;
    }

    /** The configuration's code of a pause reason's name; unspecified for a name it lacks. */
    private int pauseCode(String reason) {
        int code = config.pauseReasonCode(reason);
        return code < 0 ? PauseReason.UNSPECIFIED : code;
    }

    /** Applies {@link #command} at {@code atNs}: journal, core, KPIs, then the world's reactions. */
    private void apply(long atNs) {
        command.sequence = ++sequence;
        command.timestampNs = atNs;
        decidedCount = 0;
        if (commandOut != null) {
            if (batched == 0) {
                commandOut.begin();
                decisionOut.begin();
            }
            commandOut.add(command);
        }
        core.apply(command);
        decisions += decidedCount;
        for (int i = 0; i < decidedCount; i++) {
            decisionHash = decided[i].hashInto(decisionHash);
        }
        if (decisionOut != null && decidedCount > 0) {
            decisionOut.add(command.sequence, decided, decidedCount);
        }
        if (commandOut != null && ++batched == JOURNAL_BATCH) {
            flushJournal();
        }
        kpis.accept(command, decided, decidedCount);
        boolean rejected = Decision.refused(decided, decidedCount);
        if (!rejected) {
            afterCommand(atNs);
        }
        for (int i = 0; i < decidedCount; i++) {
            react(decided[i], atNs);
        }
        if (!breakWhenFreeNs.isEmpty()) {
            for (var it = breakWhenFreeNs.entrySet().iterator(); it.hasNext(); ) {
                var pending = it.next();
                if (core.agentState(pending.getKey()) == AgentState.PAUSED) {
                    schedule(atNs + pending.getValue(), Kind.BREAK_END, null, pending.getKey());
                    it.remove();
                }
            }
        }
    }

    private void flushJournal() {
        if (batched > 0) {
            commandOut.end();
            decisionOut.end();
            batched = 0;
        }
    }

    private void afterCommand(long atNs) {
        SimContact c = command.contactId >= 0 ? byId.get(command.contactId) : null;
        if (c == null) {
            return;
        }
        switch (command.type) {
            case OFFER_ACCEPTED -> {
                c.phase = Phase.CONNECTED;
                schedule(atNs + c.row.handleMs() * 1_000_000L, Kind.HANG_UP, c, c.agent);
            }
            case WRAP_UP_DONE -> end(c, Outcome.ANSWERED);
            default -> {
            }
        }
    }

    /**
     * Agents a staffing file names log in, pause and leave as it says; the others by their shift,
     * with its planned breaks: a break pauses the agent at its start (a contact it holds is finished
     * first) and lasts its full length from when the agent is free, so a break taken late ends late.
     */
    private void scheduleAgents() {
        java.util.Map<String, Integer> agentIds = new java.util.HashMap<>();
        for (int a = 0; a < config.agents().size(); a++) {
            agentIds.put(config.agents().get(a).name(), a);
        }
        java.util.Set<Integer> staffed = new java.util.HashSet<>();
        java.util.Set<String> unknown = new java.util.TreeSet<>();
        for (StaffingEvent e : staffing) {
            Integer agent = agentIds.get(e.agent());
            if (agent == null) {
                unknown.add(e.agent()); // not in this configuration (a what-if without that agent)
                continue;
            }
            staffed.add(agent);
            switch (e.presence()) {
                case LOGIN -> schedule(localNs(e.atMs()), Kind.SHIFT_START, null, agent);
                case LOGOUT -> schedule(localNs(e.atMs()), Kind.SHIFT_END, null, agent);
                case READY -> schedule(localNs(e.atMs()), Kind.STAFF_READY, null, agent);
                case PAUSE -> schedule(localNs(e.atMs()), Kind.STAFF_PAUSE, null, agent, pauseCode(e.reason()));
            }
        }
        if (!unknown.isEmpty()) {
            warnings.add("the staffing names " + unknown.size() + " agents this configuration lacks (left out): "
                    + String.join(", ", unknown.stream().limit(10).toList()) + (unknown.size() > 10 ? ", ..." : ""));
        }
        Set<Integer> absent = Roster.absent(loaded, settings, staffed);
        long rostered = java.util.stream.IntStream.range(0, config.agents().size())
                .filter(a -> !staffed.contains(a) && loaded.planOn(a, settings.date()) != null).count();
        staffingSummary = String.format(java.util.Locale.ROOT, "%d agents rostered on %s %s, %d absent (%.0f %% of each shift)%s",
                rostered, settings.date().getDayOfWeek().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH), settings.date(),
                absent.size(), settings.absenceShare() * 100,
                staffed.isEmpty() ? "" : "; " + staffed.size() + " follow the staffing file");
        for (int a = 0; a < config.agents().size(); a++) {
            AgentPlan plan = loaded.planOn(a, settings.date());
            if (plan == null || staffed.contains(a) || absent.contains(a)) {
                continue;
            }
            Shift shift = plan.shift();
            schedule(localNs(shift.startMs()), Kind.SHIFT_START, null, a);
            if (!shift.equals(Shift.ALL_DAY)) {
                schedule(localNs(shift.endMs()), Kind.SHIFT_END, null, a);
            }
            List<PlannedBreak> breaks = plan.breaks();
            for (int b = 0; b < breaks.size(); b++) {
                schedule(localNs(breaks.get(b).when().startMs()), Kind.BREAK_START, null, a, b);
            }
        }
    }

    /**
     * How long a citizen takes at each menu of their plan: {@code selfServiceMs} spread evenly, no step
     * past its menu's input timeout (where it applies to the channel), and what a capped step cannot take given to the others, so the
     * contact joins its queue exactly {@code selfServiceMs} after arriving whenever the menus allow it
     * (a trace extracted from a journal then plays its recorded day again).
     */
    private long[] stepDelaysMs(FlowPlanner.Plan plan, long selfServiceMs, int channel) {
        int steps = plan.inputs().length;
        long[] capMs = new long[steps];
        int node = config.entries().get(plan.entryId()).flowNodeId();
        for (int k = 0; k < steps; k++) {
            FlowNode menu = config.flowNodes().get(node);
            capMs[k] = stepCapMs(menu, channel);
            node = menu.nextByInput()[plan.inputs()[k]];
        }
        Integer[] byCap = new Integer[steps];
        for (int k = 0; k < steps; k++) {
            byCap[k] = k;
        }
        java.util.Arrays.sort(byCap, java.util.Comparator.comparingLong(k -> capMs[k]));
        long[] delays = new long[steps];
        long remainingMs = Math.max(0, selfServiceMs);
        for (int i = 0; i < steps; i++) {
            int k = byCap[i];
            delays[k] = Math.min(capMs[k], remainingMs / (steps - i));
            remainingMs -= delays[k];
        }
        return delays;
    }

    /** The longest a step at {@code menu} may take: just under its input timeout, or any time where that does not apply. */
    private static long stepCapMs(FlowNode menu, int channel) {
        return menu.timesOut(channel) ? menu.inputTimeoutMs() - 1 : Long.MAX_VALUE;
    }

    private void react(Decision d, long atNs) {
        SimContact c = d.contactId >= 0 ? byId.get(d.contactId) : null;
        switch (d.type) {
            case PLAY_PROMPT -> {
                if (c != null && (d.flags & Decision.FLAG_FINAL) == 0 && c.step < c.plan.inputs().length) {
                    if (c.stepMs == null) {
                        c.stepMs = stepDelaysMs(c.plan, c.row.selfServiceMs(), c.row.channel().code());
                    }
                    // A citizen who took longer than the menu waits is modelled as answering just in time.
                    long stepMs = Math.min(c.stepMs[c.step], stepCapMs(config.flowNodes().get(d.nodeId), c.row.channel().code()));
                    schedule(atNs + Math.max(0, stepMs) * 1_000_000L, Kind.INPUT, c, -1, ++c.token);
                }
            }
            case QUEUE_CONTACT -> {
                if (c != null) {
                    boolean first = c.phase == Phase.SELF_SERVICE;
                    c.phase = Phase.WAITING;
                    if (first && c.row.abandons()) {
                        schedule(atNs + c.row.patienceMs() * 1_000_000L, Kind.ABANDON, c, -1);
                    }
                    if (first && c.row.callbackAfterMs() >= 0) {
                        schedule(atNs + c.row.callbackAfterMs() * 1_000_000L, Kind.CALLBACK, c, -1);
                    }
                }
            }
            case OFFER_CONTACT -> {
                if (c != null) {
                    c.phase = Phase.OFFERED;
                    c.agent = d.agentId;
                    schedule(atNs + settings.ringMs() * 1_000_000L, Kind.ACCEPT, c, d.agentId, ++c.token);
                }
            }
            case CALLBACK_SCHEDULED -> {
                if (c != null) {
                    c.calledBack = true;
                }
            }
            case ESCALATE, DEFLECT -> {
                // Overflow and close need nothing here: the contact keeps waiting, or its END_CONTACT follows.
                if (c != null && d.reason == EscalationStep.Action.OFFER_CALLBACK.code() && !c.calledBack
                        && settings.acceptsCallback(c.id, c.callbackOffers++)) {
                    schedule(atNs + Settings.CALLBACK_DECISION_MS * 1_000_000L, Kind.CALLBACK, c, -1);
                }
            }
            case RETRACT_OFFER -> {
                if (c != null && c.phase == Phase.OFFERED) {
                    c.phase = Phase.WAITING;
                }
            }
            case AGENT_STATE -> {
                if (d.contactId >= 0) {
                    if (c != null) {
                        end(c, Outcome.ANSWERED); // the queue's wrap-up limit ended it
                    }
                } else if (d.reason == PauseReason.NO_ANSWER) {
                    schedule(atNs + 10_000_000_000L, Kind.BACK_FROM_PAUSE, null, d.agentId);
                }
            }
            case END_CONTACT -> {
                if (c != null) {
                    if (d.outcome == Outcome.ANSWERED) {
                        QueueSpec queue = config.queues().get(d.queueId);
                        if (queue.maxWrapUpMs() > 0) {
                            c.phase = Phase.WRAP_UP;
                            if (c.row.wrapUpMs() < queue.maxWrapUpMs()) {
                                schedule(atNs + c.row.wrapUpMs() * 1_000_000L, Kind.WRAP_UP_DONE, c, c.agent);
                            }
                            return;
                        }
                    }
                    end(c, d.outcome);
                }
            }
            case REJECT_COMMAND -> {
                if (c != null && d.commandType == CommandType.CONTACT_ARRIVED.code()) {
                    end(c, -1);
                }
            }
            default -> {
            }
        }
    }

    private void end(SimContact c, int outcome) {
        c.phase = Phase.ENDED;
        c.outcome = outcome;
        byId.remove(c.id);
    }

    private void schedule(long atNs, Kind kind, SimContact contact, int agent) {
        schedule(atNs, kind, contact, agent, 0);
    }

    private void schedule(long atNs, Kind kind, SimContact contact, int agent, long token) {
        events.add(new Event(atNs, order++, kind, contact, agent, token));
    }

    private enum Kind { SHIFT_START, SHIFT_END, BACK_FROM_PAUSE, STAFF_READY, STAFF_PAUSE, BREAK_START, BREAK_END, ARRIVE, INPUT, ABANDON, CALLBACK, ACCEPT, HANG_UP, WRAP_UP_DONE }

    private enum Phase { NEW, SELF_SERVICE, WAITING, OFFERED, CONNECTED, WRAP_UP, ENDED }

    /** A citizen of the trace and where they are. */
    private static final class SimContact {
        final TraceContact row;
        final FlowPlanner.Plan plan;
        final long id;
        final int language;
        SimContact redialOf;
        /** The citizen's pseudonym: the first contact's of a chain of redials (never Command.UNKNOWN_CITIZEN). */
        long citizen;
        /** A redial that was not needed: it never arrived. */
        boolean skipped;
        Phase phase = Phase.NEW;
        boolean calledBack;
        /** Callback offers escalation steps made this citizen so far. */
        int callbackOffers;
        int outcome = -1;
        int step;
        /** The time taken at each menu step, worked out at the first prompt. */
        long[] stepMs;
        long token;
        int agent = -1;

        SimContact(TraceContact row, FlowPlanner.Plan plan, long id, int language) {
            this.row = row;
            this.plan = plan;
            this.id = id;
            this.citizen = id + 1;
            this.language = language;
        }
    }

    private record Event(long atNs, long order, Kind kind, SimContact contact, int agent, long token)
            implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return atNs != o.atNs ? Long.compare(atNs, o.atNs) : Long.compare(order, o.order);
        }
    }
}
