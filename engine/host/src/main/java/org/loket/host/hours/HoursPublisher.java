package org.loket.host.hours;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.loket.config.LoadedConfig;
import org.loket.core.command.CommandType;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CommandPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces business hours in the live engine: publishes the current hours state of every queue
 * when a configuration is applied, then each {@link HoursSchedule.Transition} when it falls due, as
 * a {@code QUEUE_HOURS_SET} through the engine's normal command path (journaled like any input).
 *
 * <p>One thread ("loket-hours") owns the schedule. It waits on the engine's clock, so a transition's
 * command is stamped at or after its instant; a contact published before that instant still finds
 * the queue in its old state. A full ring delays a command by {@link #RETRY_MS} and is counted.
 * After a {@code CONFIG_APPLIED} the core opens every queue, so whoever applies a configuration calls
 * {@link #apply} once the core has installed it.
 */
public final class HoursPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HoursPublisher.class);
    /** How far ahead transitions are computed at once. */
    static final long HORIZON_MS = 8 * 24 * 3_600_000L;
    /** Wait before publishing again when the ring was full. */
    static final long RETRY_MS = 10;
    /** A transition of this queue id is the start of a local day: {@code DAY_STARTED} (occupancy counts from then). */
    static final int DAY_START = -2;
    private static final CommandFiller<HoursSchedule.Transition> HOURS = (command, t) -> {
        if (t.queueId() == DAY_START) {
            command.type = CommandType.DAY_STARTED;
            return;
        }
        command.type = CommandType.QUEUE_HOURS_SET;
        command.queueId = t.queueId();
        command.input = t.promptId();
    };

    private final CommandPublisher publisher;
    private final LongSupplier clockNs;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loket-hours");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong ringFull = new AtomicLong();
    // Confined to the hours thread:
    private final ArrayDeque<HoursSchedule.Transition> outbox = new ArrayDeque<>();
    private HoursSchedule schedule;
    /** Transitions up to this instant are published (or in the outbox). */
    private long plannedUpToMs;
    private ScheduledFuture<?> pending;
    /** Per queue, its next transition; read by other threads (the admin API). */
    private volatile Map<Integer, HoursSchedule.Transition> nextByQueue = Map.of();

    /**
     * @param publisher where the commands go (the engine)
     * @param clockNs   the engine's clock in epoch ns ({@code Engine::nowNs}): the one its commands are stamped with
     */
    public HoursPublisher(CommandPublisher publisher, LongSupplier clockNs) {
        this.publisher = publisher;
        this.clockNs = clockNs;
    }

    /**
     * Follows {@code config}'s hours from now on: publishes every queue's current state, then each
     * transition when due. Replaces the schedule of an earlier configuration. Returns once the
     * current state is published (or queued behind a full ring).
     *
     * @return per queue, the state published: its closed prompt, or -1 when open
     * @throws IllegalStateException when the hours thread does not answer within 5 s
     */
    public int[] apply(LoadedConfig config) {
        HoursSchedule next = new HoursSchedule(config);
        return await(thread.submit(() -> {
            cancelPending();
            outbox.clear();
            schedule = next;
            long nowMs = clockNs.getAsLong() / 1_000_000;
            int[] state = next.stateAt(nowMs);
            for (int q = 0; q < state.length; q++) {
                outbox.add(new HoursSchedule.Transition(nowMs, q, state[q]));
            }
            plannedUpToMs = nowMs;
            LOG.info("business hours ({}): {} of {} queues open now", next.zone(),
                    java.util.Arrays.stream(state).filter(p -> p < 0).count(), state.length);
            drainAndPlan();
            return state;
        }));
    }

    /** Keeps every queue open whatever the hours say: one {@code QUEUE_HOURS_SET} for all queues, nothing after. */
    public void openAll() {
        await(thread.submit(() -> {
            cancelPending();
            outbox.clear();
            schedule = null;
            nextByQueue = Map.of();
            outbox.add(new HoursSchedule.Transition(clockNs.getAsLong() / 1_000_000, -1, -1));
            drainAndPlan();
        }));
    }

    private static <T> T await(java.util.concurrent.Future<T> task) {
        try {
            return task.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the hours schedule was set", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the hours schedule could not be set", e);
        }
    }

    /**
     * Publishes what is due, then arranges to run again at the next transition (or ring retry). The
     * count of published commands moves last, so whoever sees it sees the next transitions planned
     * after them ({@link #nextTransitions}).
     */
    private void drainAndPlan() {
        pending = null;
        int sent = 0;
        try {
            while (!outbox.isEmpty()) {
                if (!publisher.tryPublish(HOURS, outbox.peek())) {
                    ringFull.incrementAndGet();
                    pending = thread.schedule(this::drainAndPlan, RETRY_MS, TimeUnit.MILLISECONDS);
                    return;
                }
                outbox.poll();
                sent++;
            }
            if (schedule == null) {
                return;
            }
            List<HoursSchedule.Transition> ahead = withDayStarts(schedule.transitions(plannedUpToMs, plannedUpToMs + HORIZON_MS),
                    plannedUpToMs, plannedUpToMs + HORIZON_MS, schedule.zone());
            Map<Integer, HoursSchedule.Transition> next = new TreeMap<>();
            for (HoursSchedule.Transition t : ahead) {
                if (t.queueId() != DAY_START) {
                    next.putIfAbsent(t.queueId(), t);
                }
            }
            nextByQueue = Map.copyOf(next);
            long dueMs = ahead.isEmpty() ? plannedUpToMs + HORIZON_MS : ahead.getFirst().epochMs();
            pending = thread.schedule(() -> due(dueMs, ahead), Math.max(0, dueMs * 1_000_000 - clockNs.getAsLong()),
                    TimeUnit.NANOSECONDS);
        } finally {
            published.addAndGet(sent);
        }
    }

    /**
     * The transitions with the local midnights after {@code fromExclusiveMs} up to {@code toInclusiveMs}
     * added (as {@link #DAY_START}), in time order; a day start comes before the hours of its instant.
     */
    static List<HoursSchedule.Transition> withDayStarts(List<HoursSchedule.Transition> transitions, long fromExclusiveMs,
                                                        long toInclusiveMs, java.time.ZoneId zone) {
        List<HoursSchedule.Transition> all = new java.util.ArrayList<>(transitions);
        java.time.LocalDate day = java.time.Instant.ofEpochMilli(fromExclusiveMs).atZone(zone).toLocalDate();
        while (true) {
            day = day.plusDays(1);
            long midnightMs = day.atStartOfDay(zone).toInstant().toEpochMilli();
            if (midnightMs > toInclusiveMs) {
                break;
            }
            if (midnightMs > fromExclusiveMs) {
                all.add(new HoursSchedule.Transition(midnightMs, DAY_START, -1));
            }
        }
        all.sort(java.util.Comparator.comparingLong(HoursSchedule.Transition::epochMs)
                .thenComparing(t -> t.queueId() != DAY_START));
        return all;
    }

    /** Runs at (or just after) {@code dueMs}: queues the transitions of that instant and publishes them. */
    private void due(long dueMs, List<HoursSchedule.Transition> ahead) {
        long earlyNs = dueMs * 1_000_000 - clockNs.getAsLong();
        if (earlyNs > 0) { // the executor's clock and the engine's may differ by a hair: never publish early
            pending = thread.schedule(() -> due(dueMs, ahead), earlyNs, TimeUnit.NANOSECONDS);
            return;
        }
        for (HoursSchedule.Transition t : ahead) {
            if (t.epochMs() == dueMs) {
                outbox.add(t);
            }
        }
        plannedUpToMs = dueMs;
        drainAndPlan();
    }

    private void cancelPending() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    /** Per queue id, its next transition within the schedule's horizon (empty when hours are ignored). */
    public Map<Integer, HoursSchedule.Transition> nextTransitions() {
        return nextByQueue;
    }

    /**
     * {@code QUEUE_HOURS_SET} and {@code DAY_STARTED} commands published so far; a caller that reads
     * a count also sees the next transitions planned after those commands.
     */
    public long published() {
        return published.get();
    }

    /** Publishes the ring refused (each was tried again). */
    public long ringFull() {
        return ringFull.get();
    }

    /** Stops the thread; nothing is published after this returns. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("the hours thread did not stop within 2 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
