package org.loket.host.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.loket.core.AgentState;
import org.loket.core.config.RoutingConfig;
import org.loket.core.routing.RoutingCore;
import org.loket.host.config.ConfigApplier;
import org.loket.host.pipeline.Engine;

/**
 * The engine's own figures and the routing state at the moment of a scrape: the pipeline's
 * counters (commands through it, refused publishes, gateway faults, the journal's last sequence),
 * configuration changes by outcome, and, read on the core thread between batches
 * ({@link Engine#query}), per queue the waiting contacts, the longest wait and whether it is open,
 * agents by state and the configuration's version. When the core does not answer within
 * {@link #QUERY_TIMEOUT_MS} (a halted or swamped engine) the routing state is left out of that
 * scrape and {@code loket_metrics_state_timeouts_total} counts it; the rest is still reported.
 */
public final class EngineMetrics implements MultiCollector {
    static final long QUERY_TIMEOUT_MS = 2_000;

    private final Engine engine;
    /** Null when configurations are not applied through the admin API or a watch. */
    private final ConfigApplier applier;
    private final AtomicLong stateTimeouts = new AtomicLong();

    private EngineMetrics(Engine engine, ConfigApplier applier) {
        this.engine = engine;
        this.applier = applier;
    }

    /** Registers the engine's figures in {@link Engine#metrics()}. */
    public static void register(Engine engine, ConfigApplier applier) {
        engine.metrics().register(new EngineMetrics(engine, applier));
    }

    /** The routing state at one moment, copied on the core thread. */
    private record State(long configVersion, String[] queues, int[] waiting, double[] longestWaitSeconds, boolean[] open,
                         int[] agentsByState, java.util.Map<String, Integer> pausedByReason, int liveContacts, String announcement) {
    }

    private static State read(RoutingCore core) {
        RoutingConfig config = core.config();
        if (config == null) {
            return null;
        }
        int queueCount = config.queues().size();
        String[] names = new String[queueCount];
        int[] waiting = new int[queueCount];
        double[] longest = new double[queueCount];
        boolean[] open = new boolean[queueCount];
        for (int q = 0; q < queueCount; q++) {
            names[q] = config.queues().get(q).name();
            waiting[q] = core.waitingCount(q);
            open[q] = core.queueClosurePrompt(q) < 0 && core.queueHoursPrompt(q) < 0;
        }
        long[] ids = new long[Math.max(1, core.liveContacts())];
        int n = core.liveContactIds(ids);
        for (int i = 0; i < n; i++) {
            long since = core.waitingSinceNs(ids[i]);
            int queue = core.contactQueue(ids[i]);
            if (since >= 0 && queue >= 0) {
                longest[queue] = Math.max(longest[queue], (core.nowNs() - since) / 1e9);
            }
        }
        int[] byState = new int[AgentState.values().length];
        java.util.Map<String, Integer> pausedByReason = new java.util.TreeMap<>();
        for (int a = 0; a < core.agentCount(); a++) {
            byState[core.agentState(a).ordinal()]++;
            if (core.agentState(a) == AgentState.PAUSED) {
                pausedByReason.merge(config.pauseReasonLabel(core.agentPauseReason(a)), 1, Integer::sum);
            }
        }
        String announcement = core.announcementPrompt() < 0 ? null : config.prompts().get(core.announcementPrompt());
        return new State(config.version(), names, waiting, longest, open, byState, pausedByReason, core.liveContacts(), announcement);
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> families = new ArrayList<>();
        // Why it halted is free text: in health's reason, never in a label here.
        families.add(new Families.Gauge("loket_engine_up",
                        "1 while the engine routes; 0 after it halted (why: the log, GET /api/v1/health's reason; restart to recover)")
                .add(engine.failure().isDone() ? 0 : 1).build());
        families.add(new Families.Counter("loket_engine_commands", "commands through the pipeline since this process started")
                .add(engine.processed()).build());
        families.add(new Families.Counter("loket_engine_publish_refused", "commands refused because the ring was full")
                .add(engine.publishFailures()).build());
        families.add(new Families.Counter("loket_engine_gateway_failures", "exceptions of gateways while handling decisions")
                .add(engine.gatewayFailures()).build());
        families.add(new Families.Gauge("loket_journal_last_sequence", "sequence of the last command journaled and handed out")
                .add(engine.egressedSequence()).build());
        if (applier != null) {
            families.add(new Families.Counter("loket_config_changes", "configuration changes through the admin API or the watch, by outcome")
                    .add(applier.applied(), "outcome", "applied").add(applier.invalid(), "outcome", "invalid")
                    .add(applier.blocked(), "outcome", "blocked").add(applier.staleVersions(), "outcome", "stale_version").build());
        }
        State state = null;
        try {
            state = engine.query(EngineMetrics::read).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stateTimeouts.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            stateTimeouts.incrementAndGet();
        }
        families.add(new Families.Counter("loket_metrics_state_timeouts", "scrapes whose routing state the core did not answer in time")
                .add(stateTimeouts.get()).build());
        if (state != null) {
            families.add(new Families.Gauge("loket_config_version", "version of the configuration in force").add(state.configVersion()).build());
            var waiting = new Families.Gauge("loket_queue_waiting", "contacts waiting in the queue now");
            var longest = new Families.Gauge("loket_queue_longest_wait_seconds", "how long the longest-waiting contact of the queue has waited");
            var open = new Families.Gauge("loket_queue_open", "1 when the queue takes contacts, 0 when closed by its hours or an emergency closure");
            for (int q = 0; q < state.queues().length; q++) {
                waiting.add(state.waiting()[q], "queue", state.queues()[q]);
                longest.add(state.longestWaitSeconds()[q], "queue", state.queues()[q]);
                open.add(state.open()[q] ? 1 : 0, "queue", state.queues()[q]);
            }
            families.add(waiting.build());
            families.add(longest.build());
            families.add(open.build());
            var agents = new Families.Gauge("loket_agents", "agents of the roster by state now");
            for (AgentState s : AgentState.values()) {
                agents.add(state.agentsByState()[s.ordinal()], "state", DecisionCounters.lower(s.name()));
            }
            families.add(agents.build());
            var paused = new Families.Gauge("loket_agents_paused", "paused agents by reason (the configuration's pauseReasons; "
                    + "no-answer: an offer rang out; phone-in-use: the phone is in a call Loket did not make; none: no reason given)");
            state.pausedByReason().forEach((reason, count) -> paused.add(count, "reason", reason));
            families.add(paused.build());
            families.add(new Families.Gauge("loket_contacts_live", "contacts in self-service, waiting, offered, connected or in wrap-up")
                    .add(state.liveContacts()).build());
            var announcement = new Families.Gauge("loket_announcement_active",
                    "1 while a service announcement is told to every arriving call and chat (its prompt as the label), else 0");
            families.add((state.announcement() == null ? announcement.add(0) : announcement.add(1, "prompt", state.announcement())).build());
        }
        return new MetricSnapshots(families);
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("loket_engine_up", "loket_engine_commands", "loket_engine_publish_refused", "loket_engine_gateway_failures",
                "loket_journal_last_sequence", "loket_config_changes", "loket_metrics_state_timeouts", "loket_config_version",
                "loket_queue_waiting", "loket_queue_longest_wait_seconds", "loket_queue_open", "loket_agents", "loket_agents_paused",
                "loket_contacts_live", "loket_announcement_active");
    }
}
