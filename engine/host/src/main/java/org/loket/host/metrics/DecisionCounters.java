package org.loket.host.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import org.loket.config.LoadedConfig;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.Deflection;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.QueueSpec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.OfferReason;
import org.loket.core.decision.Outcome;
import org.loket.core.decision.RejectReason;
import org.loket.host.gateway.Gateway;
import org.loket.host.gateway.GatewayContext;

/**
 * What the engine decided, counted for Prometheus since this process started: commands and
 * decisions by type, refusals by reason, and per queue (by name, so the counts survive a reload
 * that moves ids) contacts queued, offered (by rule), retracted, transferred in, called back,
 * escalated and deflected (by action), and ended (by outcome; {@code queue="none"} for contacts
 * that ended before reaching a queue). These are event counts, not the KPIs of {@code
 * docs/kpis.md}: service level, ASA and the like come from {@code loket report} and the wallboard.
 *
 * <p>A built-in gateway: the engine's egress thread counts (an array increment per command and
 * decision, no allocation, nothing shared but the counts), a scrape reads. A reload that brings
 * new queue names copies the counts into larger arrays on the egress thread and publishes them
 * whole, so a scrape sees every count only grow.
 */
public final class DecisionCounters implements Gateway, MultiCollector {
    private static final int COMMAND_TYPES = 32;
    private static final int DECISION_TYPES = 16;
    private static final int ACTIONS = EscalationStep.Action.values().length + 1; // codes 1..4
    private static final int OFFER_RULES = 9; // OfferReason codes 1..8
    // Per queue row: one slot per kind below.
    private static final int QUEUED = 0;
    private static final int RETRACTED = 1;
    private static final int TRANSFERRED_IN = 2;
    private static final int CALLBACKS = 3;
    private static final int OFFERED = 4;
    private static final int ENDED = OFFERED + OFFER_RULES;
    private static final int ESCALATED = ENDED + Outcome.COUNT;
    private static final int DEFLECTED = ESCALATED + ACTIONS;
    private static final int KINDS = DEFLECTED + ACTIONS;
    private static final String NO_QUEUE = "none";

    /** Queue names and their counts (row i: kinds of names[i]); replaced whole when names are added. */
    /**
     * @param configured the escalation and deflection counts a configuration has a step or policy for:
     *                   shown from 0, so a dashboard has their series before the first one acts (others
     *                   appear once they count)
     */
    private record Rows(String[] names, AtomicLongArray counts, java.util.BitSet configured) {
    }

    private final AtomicLongArray commands = new AtomicLongArray(COMMAND_TYPES);
    private final AtomicLongArray decisions = new AtomicLongArray(DECISION_TYPES);
    private final AtomicLongArray rejects = new AtomicLongArray(RejectReason.COUNT * COMMAND_TYPES);
    private volatile Rows rows = new Rows(new String[] {NO_QUEUE}, new AtomicLongArray(KINDS), new java.util.BitSet());
    /** Egress thread: the row of each queue id of the configuration in force; the last entry is "no queue". */
    private int[] rowOfQueue = {0};

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public void start(GatewayContext context) {
        follow(context.config());
        context.metrics().register(this);
    }

    @Override
    public void onConfigApplied(LoadedConfig config) {
        follow(config);
    }

    /** Maps the configuration's queue ids to rows by name, adding rows for new names. */
    private void follow(LoadedConfig config) {
        List<QueueSpec> queues = config.routing().queues();
        Rows current = rows;
        List<String> names = new ArrayList<>(Arrays.asList(current.names()));
        int[] mapping = new int[queues.size() + 1];
        for (int q = 0; q < queues.size(); q++) {
            int row = names.indexOf(queues.get(q).name());
            if (row < 0) {
                row = names.size();
                names.add(queues.get(q).name());
            }
            mapping[q] = row;
        }
        mapping[queues.size()] = 0; // NO_QUEUE
        java.util.BitSet configured = (java.util.BitSet) current.configured().clone(); // a reload adds, never hides
        for (int q = 0; q < queues.size(); q++) {
            QueueSpec queue = queues.get(q);
            for (EscalationStep step : queue.steps()) {
                // Counted in the queue the contact waits in afterwards: an overflow's target.
                int in = step.action() == EscalationStep.Action.OVERFLOW ? mapping[step.overflowQueueId()] : mapping[q];
                configured.set(in * KINDS + ESCALATED + step.action().code());
            }
            if (!queue.deflection().equals(Deflection.NONE)) {
                configured.set(mapping[q] * KINDS + DEFLECTED + queue.deflection().action().code());
            }
        }
        AtomicLongArray counts = current.counts();
        if (names.size() > current.names().length) {
            counts = new AtomicLongArray(names.size() * KINDS);
            for (int i = 0; i < current.counts().length(); i++) {
                counts.setPlain(i, current.counts().getPlain(i)); // only this thread writes counts
            }
        }
        rows = new Rows(names.toArray(String[]::new), counts, configured);
        rowOfQueue = mapping;
    }

    @Override
    public void onDecision(Decision decision) {
        bump(decisions, decision.type.code());
        int row = decision.queueId >= 0 && decision.queueId < rowOfQueue.length - 1
                ? rowOfQueue[decision.queueId] : rowOfQueue[rowOfQueue.length - 1];
        AtomicLongArray counts = rows.counts();
        int base = row * KINDS;
        switch (decision.type) {
            case QUEUE_CONTACT -> bump(counts, base + QUEUED);
            case OFFER_CONTACT -> bump(counts, base + OFFERED + within(decision.reason, OFFER_RULES));
            case RETRACT_OFFER -> bump(counts, base + RETRACTED);
            case TRANSFER_CONTACT -> bump(counts, base + TRANSFERRED_IN);
            case CALLBACK_SCHEDULED -> bump(counts, base + CALLBACKS);
            case END_CONTACT -> bump(counts, base + ENDED + within(decision.outcome, Outcome.COUNT));
            case ESCALATE -> bump(counts, base + ESCALATED + within(decision.reason, ACTIONS));
            case DEFLECT -> bump(counts, base + DEFLECTED + within(decision.reason, ACTIONS));
            case REJECT_COMMAND -> bump(rejects, within(decision.reason, RejectReason.COUNT) * COMMAND_TYPES
                    + within(decision.commandType, COMMAND_TYPES));
            default -> {
            }
        }
    }

    @Override
    public void onCommand(Command command, Decision[] decided, int count) {
        bump(commands, command.type.code());
    }

    private static int within(int code, int size) {
        return code >= 0 && code < size ? code : 0;
    }

    /** One counter per type code that names a type ({@code ofCode} gives null for unused codes). */
    private static MetricSnapshot byType(String name, String help, AtomicLongArray counts, java.util.function.IntFunction<Enum<?>> ofCode) {
        var family = new Families.Counter(name, help);
        for (int code = 0; code < counts.length(); code++) {
            Enum<?> type = ofCode.apply(code);
            if (type != null) {
                family.add(counts.get(code), "type", lower(type.name()));
            }
        }
        return family.build();
    }

    /** Single writer (the egress thread, one at a time): no read-modify-write race to guard. */
    private static void bump(AtomicLongArray counts, int i) {
        counts.setRelease(i, counts.getPlain(i) + 1);
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> families = new ArrayList<>();
        families.add(byType("loket_commands", "commands applied by the core, by type", commands, CommandType::ofCode));
        families.add(byType("loket_decisions", "decisions of the core, by type", decisions, DecisionType::ofCode));
        var rejectFamily = new Families.Counter("loket_commands_rejected",
                "commands the core refused (REJECT_COMMAND), by reason and command type");
        for (int reason = 0; reason < RejectReason.COUNT; reason++) {
            for (int code = 0; code < COMMAND_TYPES; code++) {
                long n = rejects.get(reason * COMMAND_TYPES + code);
                if (n > 0) {
                    CommandType type = CommandType.ofCode(code);
                    rejectFamily.add(n, "reason", lower(RejectReason.name(reason)), "command",
                            type == null ? "unknown" : lower(type.name()));
                }
            }
        }
        families.add(rejectFamily.build());

        Rows now = rows;
        var queued = new Families.Counter("loket_queue_contacts_queued", "contacts that joined the queue");
        var offered = new Families.Counter("loket_queue_offers", "offers of a waiting contact to an agent, by rule");
        var retracted = new Families.Counter("loket_queue_offers_retracted", "offers withdrawn (not accepted in time, or the citizen left)");
        var transferred = new Families.Counter("loket_queue_transfers_in", "contacts an agent transferred into the queue");
        var callbacks = new Families.Counter("loket_queue_callbacks_scheduled", "contacts that keep their place for a callback");
        var ended = new Families.Counter("loket_queue_contacts_ended",
                "contacts ended, by outcome, in the queue they were last in (none: before any queue)");
        var escalated = new Families.Counter("loket_queue_escalations", "escalation steps that acted, by action, in the queue the contact waits in afterwards");
        var deflected = new Families.Counter("loket_queue_deflections", "arriving contacts turned away or redirected by the queue's deflection, by action");
        for (int row = 0; row < now.names().length; row++) {
            String queue = now.names()[row];
            int base = row * KINDS;
            if (row > 0) {
                queued.add(now.counts().get(base + QUEUED), "queue", queue);
                retracted.add(now.counts().get(base + RETRACTED), "queue", queue);
                transferred.add(now.counts().get(base + TRANSFERRED_IN), "queue", queue);
                callbacks.add(now.counts().get(base + CALLBACKS), "queue", queue);
            }
            for (int rule = 1; rule < OFFER_RULES; rule++) {
                long n = now.counts().get(base + OFFERED + rule);
                if (n > 0) {
                    offered.add(n, "queue", queue, "rule", lower(OfferReason.name(rule)));
                }
            }
            for (int outcome = 1; outcome < Outcome.COUNT; outcome++) {
                ended.add(now.counts().get(base + ENDED + outcome), "queue", queue, "outcome", lower(Outcome.name(outcome)));
            }
            for (EscalationStep.Action action : EscalationStep.Action.values()) {
                int e = base + ESCALATED + action.code();
                if (now.counts().get(e) > 0 || now.configured().get(e)) {
                    escalated.add(now.counts().get(e), "queue", queue, "action", lower(action.name()));
                }
                int d = base + DEFLECTED + action.code();
                if (now.counts().get(d) > 0 || now.configured().get(d)) {
                    deflected.add(now.counts().get(d), "queue", queue, "action", lower(action.name()));
                }
            }
        }
        for (var family : List.of(queued, offered, retracted, transferred, callbacks, ended, escalated, deflected)) {
            families.add(family.build());
        }
        return new MetricSnapshots(families);
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("loket_commands", "loket_decisions", "loket_commands_rejected", "loket_queue_contacts_queued",
                "loket_queue_offers", "loket_queue_offers_retracted", "loket_queue_transfers_in",
                "loket_queue_callbacks_scheduled", "loket_queue_contacts_ended", "loket_queue_escalations",
                "loket_queue_deflections");
    }

    static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
    }
}
