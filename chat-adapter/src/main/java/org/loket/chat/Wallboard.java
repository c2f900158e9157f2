package org.loket.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.loket.config.LoadedConfig;
import org.loket.core.AgentState;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.host.kpi.Figures;
import org.loket.host.kpi.JournalKpis;
import org.loket.host.kpi.KpiCollector;
import org.loket.host.kpi.KpiReport;
import org.loket.host.kpi.TodayKpis;
import org.loket.host.kpi.WorkingClock;
import org.loket.host.trace.Adherence;

/**
 * The supervisors' wallboard, kept on the hub's thread: the pages that watch it, today's figures
 * (the reports' collector fed with every command and its decisions, so the wallboard and
 * {@code loket report} agree), the service announcement in force, real-time adherence, and the
 * frame built from the hub's views of queues and agents. {@link #push} sends a frame only when
 * something changed ({@link #changed}), and each new minute while the roster has shifts.
 * <p>Hub thread only, but for {@link #firstFedSequence}.
 */
final class Wallboard {
    private final ChatSettings settings;
    private final ChatCounters counters;
    private final ObjectMapper json;
    /** The hub's views, read at each frame: a reload replaces the arrays. */
    private final Supplier<QueueView[]> queues;
    private final Supplier<AgentView[]> agents;
    private final Set<Peer> watchers = new LinkedHashSet<>();
    private boolean dirty = true;
    private RoutingConfig routing;
    /** The configuration's working days: when a queue's oldest contact passes a target of working days. */
    private WorkingClock workingClock;
    private Map<String, Map<String, String>> promptTexts;
    /** The configuration's supervisors by name: they may sign in and act on the wallboard. */
    private Map<String, org.loket.config.Supervisor> supervisors = Map.of();
    /**
     * Today's figures; a new collector from each local midnight of the configuration's hours zone
     * (contacts that arrived before it are yesterday's). After a restart it is replaced by one
     * seeded from the journal ({@link #todaySeeded}).
     */
    private TodayKpis today;
    private ZoneId dayZone;
    /** Today's schedule against what agents do (the adherence column). */
    private final LiveAdherence adherence;
    /** Per agent name, the number a supervisor's phone dials to listen in. */
    private Map<String, Integer> agentNumbers;
    /** The clock the schedule is read at; tests set another. */
    LongSupplier scheduleClockMs = System::currentTimeMillis;
    /** The minute of {@link #scheduleClockMs} last shown: a new one may bring a shift or break. */
    private long scheduleMinute = -1;
    /** The prompt of the service announcement in force (null: none) and since when (epoch ms). */
    private String announcement;
    private long announcementSinceMs;
    /** The commands fed since the seed from the journal began (null when none is on its way). */
    private List<Fed> awaitingSeed;
    /** The sequence of the first command the hub was fed, MIN_VALUE before: the seed reads the journal up to it. */
    private volatile long firstFedSequence = Long.MIN_VALUE;

    /** A command with its decisions (copies), fed live while the journal seed was being read. */
    private record Fed(Command command, Decision[] decisions) {
    }

    Wallboard(ChatSettings settings, LoadedConfig config, ChatCounters counters, ObjectMapper json,
              Supplier<QueueView[]> queues, Supplier<AgentView[]> agents) {
        this.settings = settings;
        this.counters = counters;
        this.json = json;
        this.queues = queues;
        this.agents = agents;
        this.adherence = new LiveAdherence(config);
        configure(config);
        this.today = new TodayKpis(dayZone, KpiCollector.DEFAULT_SHORT_ABANDON_MS, RoutingConfigCodec.encode(routing));
    }

    /** A new configuration is in force (today's collector keeps its day; the next one starts at the new zone's midnight). */
    void configure(LoadedConfig next) {
        routing = next.routing();
        workingClock = new WorkingClock(routing.workingDays());
        promptTexts = next.promptTexts();
        agentNumbers = next.agentNumbers();
        dayZone = next.hours().zone();
        if (today != null) {
            today.zone(dayZone);
        }
        adherence.configure(next);
        supervisors = new java.util.HashMap<>();
        next.supervisors().forEach(s -> supervisors.put(s.name(), s));
        for (Peer page : watchers) {
            if (page.supervisor != null && !supervisors.containsKey(page.supervisor)) {
                page.send(json.createObjectNode().put("type", "error").put("code", "removed")
                        .put("message", "You are no longer a supervisor in the configuration; the page shows, but cannot act.").toString());
                page.supervisor = null;
            } else if (page.supervisor != null) {
                page.send(signedIn(page.supervisor).toString()); // the prompts may have changed
            }
        }
        dirty = true;
    }

    /** Whether {@code name} is a supervisor of the configuration in force. */
    boolean isSupervisor(String name) {
        return supervisors.containsKey(name);
    }

    /** Whether supervisor {@code name} supervises {@code agent} (its {@code monitors}) and may change its state. */
    boolean supervises(String name, String agent) {
        org.loket.config.Supervisor s = supervisors.get(name);
        return s != null && s.agents().contains(agent);
    }

    /**
     * What a signed-in supervisor's page needs besides the frame: its name, the prompts it may
     * announce (each with its text in the first language, as callers hear it before the menu), the
     * agents whose state it may change (roster order) and the pause reasons.
     */
    private ObjectNode signedIn(String supervisor) {
        ObjectNode f = json.createObjectNode().put("type", "signed-in").put("supervisor", supervisor);
        ArrayNode prompts = f.putArray("prompts");
        for (String prompt : routing.prompts()) {
            prompts.addObject().put("prompt", prompt).put("text", firstLanguageText(prompt));
        }
        ArrayNode agents = f.putArray("agents");
        routing.agents().stream().map(a -> a.name()).filter(a -> supervises(supervisor, a)).forEach(agents::add);
        routing.pauseReasons().forEach(f.putArray("pauseReasons")::add);
        // How it may join its agents' calls from its own phone (when the phone channel runs).
        ArrayNode modes = f.putArray("monitorModes");
        for (org.loket.config.Supervisor.Mode mode : org.loket.config.Supervisor.Mode.values()) {
            if (supervisors.get(supervisor).modes().contains(mode)) {
                modes.add(mode.label());
            }
        }
        return f;
    }

    /** Something shown changed: the next {@link #push} sends a frame. */
    void changed() {
        dirty = true;
    }

    /** A page that showed the supervisor token or signed in as a supervisor: it gets the frame now and every change after. */
    void subscribe(Peer page) {
        watchers.add(page);
        if (page.supervisor != null) {
            page.send(signedIn(page.supervisor).toString());
        }
        page.send(frame().toString());
    }

    void unsubscribe(Peer page) {
        watchers.remove(page);
    }

    /** The pages subscribed now (a copy: the caller may unsubscribe them). */
    List<Peer> pages() {
        return List.copyOf(watchers);
    }

    /** Sends the frame to every page if something changed since the last push. */
    void push() {
        long minute = scheduleClockMs.getAsLong() / 60_000L;
        if (minute != scheduleMinute && adherence.anyShift()) {
            scheduleMinute = minute; // shifts and breaks start and end on the minute: a push per minute shows them
            dirty = true;
        }
        if (watchers.isEmpty() || !dirty) {
            return;
        }
        dirty = false;
        String frame = frame().toString();
        for (Peer p : watchers) {
            p.send(frame);
        }
    }

    /** One command with its decisions (copies), in journal order: today's figures and the announcement. */
    void onCommand(Command command, Decision[] decisions) {
        if (firstFedSequence == Long.MIN_VALUE) {
            firstFedSequence = command.sequence;
        }
        if (awaitingSeed != null) {
            awaitingSeed.add(new Fed(command, decisions));
        }
        today.accept(command, decisions, decisions.length);
        if (command.type == CommandType.ANNOUNCEMENT_SET && !Decision.refused(decisions, decisions.length)) {
            announcement = command.input < 0 ? null : routing.prompts().get(command.input);
            announcementSinceMs = command.timestampNs / 1_000_000L;
        }
        // A push that ran between this command's decisions (or the desk's own update) and this call
        // showed the figures before it; some commands change them with no decision at all (an
        // agent's WRAP_UP_DONE closes the answered contact). Only a bare tick changes nothing shown.
        if (decisions.length > 0 || command.type != CommandType.TICK) {
            dirty = true;
        }
    }

    /**
     * The service announcement in force as a frame for agents' desktops ({@code prompt} null: none),
     * with its text in the first language: agents should know what every caller heard first.
     */
    ObjectNode announcementFrame() {
        ObjectNode f = json.createObjectNode().put("type", "announcement").put("prompt", announcement);
        return announcement == null ? f.putNull("text") : f.put("text", firstLanguageText(announcement)).put("sinceMs", announcementSinceMs);
    }

    /** The prompt of the service announcement in force, or null. */
    String announcement() {
        return announcement;
    }

    /** The announcement the core has in force (read after a restart or a resync); null: none. */
    void announcementRead(String prompt) {
        if (!Objects.equals(announcement, prompt)) {
            announcement = prompt;
            announcementSinceMs = System.currentTimeMillis();
            dirty = true;
        }
    }

    /**
     * Hub thread, before the hub is fed its first command: today's figures will be seeded from
     * the journal; until then the commands fed are kept to be fed to the seed as well.
     */
    void seedingToday() {
        awaitingSeed = new ArrayList<>();
    }

    /**
     * The sequence of the first command the hub was fed, or MIN_VALUE: every command before it passed
     * egress before this gateway was added and is in the journal only. Any thread.
     */
    long firstFedSequence() {
        return firstFedSequence;
    }

    /**
     * Hub thread: the figures of today up to {@link #firstFedSequence} read from the journal; the
     * commands fed since follow (to {@code alsoFed} too: another reader seeded by the same read),
     * and the seeded figures replace the live-only ones.
     *
     * @return false when no seed was awaited (nothing was fed to either)
     */
    boolean todaySeeded(TodayKpis seeded, JournalKpis.Visitor alsoFed) {
        if (awaitingSeed == null) {
            return false;
        }
        seeded.zone(dayZone);
        for (Fed fed : awaitingSeed) {
            seeded.accept(fed.command(), fed.decisions(), fed.decisions().length);
            alsoFed.accept(fed.command(), fed.decisions(), fed.decisions().length);
        }
        awaitingSeed = null;
        today = seeded;
        dirty = true;
        return true;
    }

    /** Hub thread: no seed comes (no journal, or it could not be read): today's figures count from the start of this run. */
    void todayNotSeeded() {
        awaitingSeed = null;
    }

    /**
     * The wallboard's picture: per queue and per agent (the agents who are logged in, hold a
     * contact, or whom today's schedule expects now, with what it expects and whether they do it).
     * Pushed only when something changed (and each new minute while the roster has shifts); the page
     * counts waits and times in state on from {@code oldestJoinedMs} and {@code sinceMs} itself, so a
     * quiet centre costs few frames, and shows its clock in {@code zone}.
     */
    ObjectNode frame() {
        long nowMs = System.currentTimeMillis();
        long nowNs = nowMs * 1_000_000L;
        Instant at = Instant.ofEpochMilli(nowMs);
        // The helpdesk's zone (the hours'), in which "today" runs: the page shows its clock times in it,
        // and its offset now for a browser that does not know the zone's id.
        ObjectNode w = json.createObjectNode().put("type", "wallboard").put("at", at.toString())
                .put("zone", dayZone.getId()).put("utcOffsetSeconds", dayZone.getRules().getOffset(at).getTotalSeconds());
        ArrayNode qs = w.putArray("queues");
        KpiReport report = today.report(nowNs);
        AgentView[] agentViews = agents.get();
        for (QueueView q : queues.get()) {
            long oldestJoinedNs = nowNs;
            for (Conversation c : q.waiting) {
                oldestJoinedNs = Math.min(oldestJoinedNs, c.joinedNs);
            }
            long longestMs = (nowNs - oldestJoinedNs) / 1_000_000L;
            Figures f = report == null ? null : report.queue(q.spec.name());
            int[] byState = new int[AgentState.values().length];
            for (int a : q.qualified) {
                byState[agentViews[a].shown]++;
            }
            ObjectNode node = qs.addObject().put("name", q.spec.name())
                    .put("channel", q.spec.channel().name().toLowerCase(Locale.ROOT))
                    .put("waiting", q.waiting.size()).put("longestWaitSeconds", longestMs / 1000)
                    .put("oldestJoinedMs", q.waiting.isEmpty() ? 0 : oldestJoinedNs / 1_000_000L)
                    .put("offered", f == null ? 0 : f.offered()).put("answered", f == null ? 0 : f.answered())
                    .put("abandoned", f == null ? 0 : f.abandoned()).put("deflected", f == null ? 0 : f.deflected())
                    .put("answeredWithinTarget", f == null ? 0 : f.answeredWithinThreshold())
                    .put("transferredIn", f == null ? 0 : f.transfers().in())
                    .put("transferredOut", f == null ? 0 : f.transfers().out())
                    .put("targetSeconds", q.spec.serviceLevelMs() / 1000)
                    .put("targetWorkingDays", q.spec.serviceLevelOnWorkingDays() ? q.spec.serviceLevelMs() / 86_400_000L : 0)
                    .put("targetPercent", q.spec.serviceLevelTargetPercent());
            if (!q.waiting.isEmpty()) {
                // When the oldest waiting contact passes the threshold: the page turns its longest wait red then.
                long oldestMs = oldestJoinedNs / 1_000_000L;
                node.put("oldestDueMs", q.spec.serviceLevelOnWorkingDays() ? workingClock.dueMs(oldestMs, q.spec.serviceLevelMs())
                        : oldestMs + q.spec.serviceLevelMs());
            }
            percent(node, "serviceLevelPercent", f == null ? null : f.serviceLevel());
            ObjectNode states = node.putObject("agents");
            for (AgentState s : AgentState.values()) {
                if (s != AgentState.LOGGED_OUT) {
                    states.put(s.name().toLowerCase(Locale.ROOT), byState[s.code()]);
                }
            }
        }
        // The day so far for the whole centre, with the citizens who came back (an outage shows there first).
        Figures all = report == null ? null : report.totals();
        ObjectNode day = w.putObject("today").put("offered", all == null ? 0 : all.offered())
                .put("answered", all == null ? 0 : all.answered()).put("abandoned", all == null ? 0 : all.abandoned())
                .put("repeats", all == null ? 0 : all.repeats().repeated())
                .put("redials", all == null ? 0 : all.repeats().afterAbandon());
        percent(day, "serviceLevelPercent", all == null ? null : all.serviceLevel());
        percent(day, "targetPercent", all == null ? null : all.serviceLevelTarget());
        if (announcement == null) {
            w.putNull("announcement");
        } else { // what every caller and chat hears first, in the first language
            ObjectNode a = w.putObject("announcement").put("prompt", announcement).put("text", firstLanguageText(announcement))
                    .put("sinceMs", announcementSinceMs);
            // Who heard it (since it was set, or since midnight), and how today's told contacts ended.
            KpiReport.AnnouncementPeriod period = report == null || report.announcements().isEmpty() ? null
                    : report.announcements().getLast();
            a.put("heard", period != null && period.to() == null && period.prompt().equals(announcement) ? period.heard() : 0);
            Figures.Announcement told = all == null ? null : all.announcement();
            percent(a, "leftBeforeQueuePercent", told == null ? null : told.leftBeforeQueue());
            percent(a, "abandonPercent", told == null ? null : told.abandonRate());
            percent(a, "everyoneAbandonPercent", all == null ? null : all.abandonRate());
        }
        ArrayNode as = w.putArray("agents");
        int[] agentsByState = new int[AgentState.values().length];
        Map<String, Integer> pausedByReason = new TreeMap<>();
        LiveAdherence.Moment moment = adherence.moment(scheduleClockMs.getAsLong());
        int onShift = 0;
        int onBreak = 0;
        int out = 0;
        for (AgentView a : agentViews) {
            boolean loggedOut = a.shown == AgentState.LOGGED_OUT.code() && a.held.isEmpty();
            boolean working = !a.held.isEmpty() || (a.shown != AgentState.LOGGED_OUT.code() && a.shown != AgentState.PAUSED.code());
            LiveAdherence.Now planned = adherence.at(moment, a.id, working, a.shownSinceMs);
            if (loggedOut && planned.planned() == Adherence.Planned.OFF) {
                continue; // neither here nor expected
            }
            onShift += planned.planned() == Adherence.Planned.OFF ? 0 : 1;
            onBreak += planned.planned() == Adherence.Planned.BREAK ? 1 : 0;
            out += Boolean.FALSE.equals(planned.adheres()) ? 1 : 0;
            if (!loggedOut) {
                agentsByState[a.shown]++;
            }
            if (a.shown == AgentState.PAUSED.code()) {
                pausedByReason.merge(pauseReasonName(a.reason), 1, Integer::sum);
            }
            ObjectNode row = as.addObject().put("name", a.name).put("number", agentNumbers.getOrDefault(a.name, 0)).put("state", AgentState.ofCode(a.shown).name().toLowerCase(Locale.ROOT))
                    // An agent who paused while holding contacts pauses once they are done: the reason shows now.
                    .put("reason", a.presence == AgentState.PAUSED.code() ? pauseReasonName(a.reason) : "")
                    .put("pausing", a.presence == AgentState.PAUSED.code() && a.shown != AgentState.PAUSED.code())
                    .put("loggingOut", a.logoutPending())
                    .put("voiceOff", a.voiceOff)
                    .put("secondsInState", (nowMs - a.shownSinceMs) / 1000).put("sinceMs", a.shownSinceMs)
                    .put("contacts", a.held.size())
                    .put("shift", planned.shift()).put("planned", LiveAdherence.name(planned.planned())).put("plannedUntil", planned.until());
            if (planned.adheres() == null) {
                row.putNull("adheres");
            } else {
                row.put("adheres", planned.adheres()).put("outSinceMs", planned.outSinceMs());
            }
        }
        // Real-time adherence: who the schedule expects now, and who does something else (red after the grace).
        w.putObject("schedule").put("onShift", onShift).put("onBreak", onBreak).put("outOfAdherence", out)
                .put("graceSeconds", settings.adherenceGraceSeconds());
        // The whole floor at a glance: every agent logged in or holding a contact, once, and why they pause.
        ObjectNode totals = w.putObject("agentTotals");
        for (AgentState s : AgentState.values()) {
            if (s != AgentState.LOGGED_OUT) {
                totals.put(s.name().toLowerCase(Locale.ROOT), agentsByState[s.code()]);
            }
        }
        ObjectNode paused = w.putObject("pausedByReason");
        pausedByReason.forEach(paused::put);
        ObjectNode counts = w.putObject("counters");
        counters.snapshot().forEach(counts::put);
        return w;
    }

    /** A share as a percentage with one decimal, or null. */
    private static void percent(ObjectNode node, String field, Double share) {
        if (share == null) {
            node.putNull(field);
        } else {
            node.put(field, Math.round(1000.0 * share) / 10.0);
        }
    }

    /** A prompt's text in the configuration's first language (what callers hear before the language menu). */
    private String firstLanguageText(String prompt) {
        return promptTexts.getOrDefault(prompt, Map.of()).getOrDefault(routing.languages().get(0), prompt);
    }

    private String pauseReasonName(int reason) {
        return routing.pauseReasonName(reason);
    }
}
