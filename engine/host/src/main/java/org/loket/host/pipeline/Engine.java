package org.loket.host.pipeline;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import java.lang.invoke.VarHandle;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.loket.config.LoadedConfig;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.routing.RoutingCore;
import org.loket.core.state.ByteArrayState;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CommandPublisher;
import org.loket.host.gateway.Gateway;
import org.loket.host.journal.Journal;
import org.loket.host.journal.JournalPretoucher;
import org.loket.host.journal.JournalRetention;
import org.loket.host.snapshot.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running engine: a Disruptor ring with many producers; the journal stage and the core stage
 * consume it side by side; egress runs after both, so no decision leaves before its command is
 * durable in the journal (write-ahead).
 *
 * <pre>
 *   producers ─► ring ─┬─► journal stage (Chronicle append) ─┐
 *                      └─► core stage (RoutingCore.apply)    ─┴─► egress (decision journal, gateways, hash)
 * </pre>
 *
 * Threads: two, owned here; the core owns none. The core stage has a thread of its own
 * ({@link CoreLoop}). The journal and egress stages share one IO thread that appends
 * newly published commands and releases the decisions of commands both journaled and decided.
 * Why not a thread per stage: on the two-vCPU machines this runs on, four busy threads (with the
 * producer) measured 3-5 times slower than three, because the core thread lost its CPU to spinning
 * neighbours (see perf/RESULTS.md). When the IO thread is parked (a quiet engine: a phone call
 * every 50 ms), the core thread runs both stages itself at the end of its batch instead of waking
 * it: a thread wake-up costs 40-90 µs of CPU on these VMs, more than the stages' work for a few
 * commands. Likewise, when the core thread is parked, the thread that publishes a command applies
 * it (and stands in for the IO thread) before {@code tryPublish} returns. Each stage is run by one
 * thread at a time ({@code CoreLoop.turn}, {@code IoLoop.stages}). A stage that throws halts the engine (see {@link #failure()});
 * recovery is a restart from snapshot plus journal.
 */
public final class Engine implements CommandPublisher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final long DAY_NS = 86_400_000_000_000L;
    /** How often the journal's retention looks for a day past its time (a day goes within this of its time). */
    private static final long RETENTION_EVERY_MINUTES = 60;
    /** How long a snapshot waits for the decisions of the commands it covers to be journaled. */
    private static final long SNAPSHOT_WAIT_MS = 10_000;

    private final EngineSettings settings;
    private final Journal journal;
    private final RoutingCore core;
    private final SwitchableSink sink;
    /** Reads of the core's state, run on the core thread between batches (see {@link #query}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Query> queries = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A read of the core that runs once the ring's commands up to {@code afterRingSequence} are applied. */
    private record Query(long afterRingSequence, Runnable read) {
    }
    private final List<Gateway> gateways;
    /**
     * Configurations published with their texts ({@link #publishConfig(LoadedConfig)}), keyed by the
     * very payload array of their {@code CONFIG_APPLIED} command (identity, not content): egress takes
     * each out when that command passes, applied or refused, and hands it to the gateways at its
     * {@code CONFIGURATION_APPLIED} decision.
     */
    private final java.util.Map<byte[], LoadedConfig> announced = new java.util.concurrent.ConcurrentHashMap<>();
    private final long sequenceBase;
    /** Stamps commands: the host's clock, but never before the recovered journal's last command. */
    private final EpochClock clock;
    /** How far the host's clock was behind the journal's last command at start, ns (0: not behind). */
    private final long clockBehindJournalNs;
    private final RingBuffer<RingEvent> ring;
    private final CoreStage coreStage;
    private final CoreLoop coreLoop;
    private final JournalStage journalStage;
    private final EgressStage egressStage;
    private final IoLoop ioLoop;
    private final SnapshotStore snapshots;
    /** Writes snapshots and applies the journal's retention, one job at a time. */
    private final ScheduledExecutorService snapshotWriter;
    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private final AtomicLong publishFailures = new AtomicLong();
    private final AtomicLong gatewayFailures = new AtomicLong();
    /** The figures operators scrape ({@code GET /metrics} of the admin API); gateways register theirs at start. */
    private final io.prometheus.metrics.model.registry.PrometheusRegistry metrics =
            new io.prometheus.metrics.model.registry.PrometheusRegistry();
    private final Recovery.Result recovery;
    private final JournalPretoucher pretoucher;
    /** The core's earliest timer, epoch ns, as of the end of the last batch ({@code Long.MAX_VALUE}: none). */
    private volatile long nextTimerNs = Long.MAX_VALUE;
    private volatile Ticker ticker;

    /** Stamps time and sequence on the publishing thread; allocated once. */
    private final EventTranslatorTwoArg<RingEvent, CommandFiller<Object>, Object> stamping;
    /** As {@link #stamping}, at {@link #recoveredNs} instead of now ({@link #tryPublishAsOfRecovery}). */
    private final EventTranslatorTwoArg<RingEvent, CommandFiller<Object>, Object> stampingAsOfRecovery;
    /** The recovered core's clock: the time of the journal's last command, epoch ns (0 for a new journal). */
    private final long recoveredNs;

    /** What gateways offer each other ({@link #offer}), by type. */
    private final java.util.Map<Class<?>, Object> services = new java.util.concurrent.ConcurrentHashMap<>();
    /** Who changed what through the operator interfaces ({@code audit.csv} in the journal's folder of files). */
    private final org.loket.host.audit.OperatorAudit audit;

    private Engine(EngineSettings settings, Journal journal) {
        this.settings = settings;
        this.journal = journal;
        this.sink = new SwitchableSink();
        this.recovery = Recovery.recover(journal, sink);
        this.core = recovery.core();
        this.recoveredNs = core.nowNs();
        // Time never goes back in a journal: new commands are stamped from its last one's time on,
        // also when the host's clock is behind it (refused beyond the settings' limit, before anything
        // is deleted or journaled: likely the wrong folder).
        long hostNowNs = System.currentTimeMillis() * 1_000_000L;
        this.clockBehindJournalNs = Math.max(0, recoveredNs - hostNowNs);
        if (clockBehindJournalNs > TimeUnit.MILLISECONDS.toNanos(settings.maxJournalAheadMs())) {
            throw new JournalAheadException(journal.folder().toString(), recoveredNs, hostNowNs);
        }
        this.clock = new EpochClock(recoveredNs);
        journal.fileDaysBy(clock::nowNs); // a command's day file is its stamp's day, also while ahead of the host's clock
        if (clockWarning() != null) {
            LOG.warn(clockWarning());
        }
        this.nextTimerNs = core.nextTimerNs(); // timers the journal left set fire without waiting for traffic
        this.sequenceBase = recovery.nextSequence();
        this.gateways = new java.util.ArrayList<>();
        this.snapshots = new SnapshotStore(journal.snapshotFolder());
        // Before this engine writes one: a kill during a write left its temporary file, which nobody reads.
        for (java.nio.file.Path unfinished : snapshots.deleteUnfinished()) {
            LOG.info("deleted {}, a snapshot whose write never ended", unfinished);
        }
        this.audit = org.loket.host.audit.OperatorAudit.besideJournal(journal.folder(), settings.auditRetentionDays());
        this.snapshotWriter = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "loket-snapshot"));
        if (settings.journalRetentionDays() > 0) {
            // The first run here, before the pipeline runs and before a reader the caller starts next
            // (a gateway reading today's journal) could meet a day being deleted; then every hour.
            applyRetention();
            snapshotWriter.scheduleWithFixedDelay(this::applyRetention, RETENTION_EVERY_MINUTES, RETENTION_EVERY_MINUTES,
                    TimeUnit.MINUTES);
        }
        this.stamping = (event, sequence, filler, argument) -> stamp(event, sequence, filler, argument, clock.nowNs());
        this.stampingAsOfRecovery = (event, sequence, filler, argument) -> stamp(event, sequence, filler, argument, recoveredNs);
        // The ring's own wait strategy only signals: nobody waits on a barrier. The core thread waits
        // in its own loop (CoreLoop), and publishers wake it (afterPublish); BusySpin signals nothing.
        this.ring = RingBuffer.createMultiProducer(RingEvent::new, settings.ringSize(), new BusySpinWaitStrategy());
        this.coreStage = new CoreStage();
        sink.target(coreStage);
        this.coreLoop = new CoreLoop(WaitStrategies.coreIdle(settings.waitStrategy()));
        this.journalStage = new JournalStage();
        this.egressStage = new EgressStage();
        this.ioLoop = new IoLoop();
        // The journaled sequence tells the pre-toucher whether the journal is being written.
        this.pretoucher = settings.pretouchJournal() ? new JournalPretoucher(journal.folder(), ioLoop.journaled::get) : null;
        ring.addGatingSequences(ioLoop.egressed);
        daemon(coreLoop, "loket-core").start();
        daemon(ioLoop, "loket-io").start();
    }

    /** Below this, a host clock behind the journal is two processes' clocks drifting apart: floored, not worth a warning. */
    private static final long NOTABLY_BEHIND_NS = 1_000_000_000L;

    /**
     * Recovers the state from the journal folder (snapshot plus tail), starts the pipeline and then
     * the gateways. Gateways are started by the caller after this returns (see {@link #addGateway}).
     *
     * @throws JournalAheadException when the journal's last command is later than the host's clock
     *                               by more than {@link EngineSettings#maxJournalAheadMs}
     */
    public static Engine start(EngineSettings settings, Journal journal) {
        Engine engine = new Engine(settings, journal);
        LOG.info("engine started: recovered {} commands on top of snapshot {}, next sequence {}",
                engine.recovery.commandsReplayed(), engine.recovery.fromSnapshot(), engine.sequenceBase);
        return engine;
    }

    /**
     * Starts a gateway and adds it to egress. Commands it publishes while it starts enter the ring
     * when it is in egress ({@link StartingPublisher}), so it receives the decisions of every command
     * it publishes.
     */
    public void startGateway(Gateway gateway, LoadedConfig config, java.util.Map<String, String> gatewaySettings)
            throws Exception {
        StartingPublisher publisher = new StartingPublisher(this);
        gateway.start(new org.loket.host.gateway.GatewayContext(publisher, config, gatewaySettings, this, metrics));
        addGateway(gateway);
        publisher.open();
    }

    /**
     * Adds a started gateway that has published nothing yet (else see {@link #startGateway}); it
     * receives decisions of commands published from now on.
     */
    public void addGateway(Gateway gateway) {
        egressStage.gateways = appended(egressStage.gateways, gateway);
        gateways.add(gateway);
    }

    private static Gateway[] appended(Gateway[] array, Gateway gateway) {
        Gateway[] bigger = Arrays.copyOf(array, array.length + 1);
        bigger[array.length] = gateway;
        return bigger;
    }

    private void stamp(RingEvent event, long sequence, CommandFiller<Object> filler, Object argument, long timestampNs) {
        Command command = event.command.clear();
        filler.fill(command, argument);
        command.sequence = sequenceBase + sequence;
        command.timestampNs = timestampNs;
        event.publishNanoTime = System.nanoTime();
    }

    @Override
    public <A> boolean tryPublish(CommandFiller<A> filler, A argument) {
        return tryPublish(stamping, filler, argument);
    }

    /**
     * Publishes a command stamped with the recovered core's clock (the journal's last command's
     * time) instead of now: for what ended when the previous process did, published before
     * anything else ({@link Gateway#endContactsLeftAtRestart}), so that timers which fell due while
     * Loket was down fire after it (an offer whose ring died with the process does not run out
     * and pause its agent first). Published after a later-stamped command, it is applied at the
     * core's clock, as any late command: time never goes back.
     */
    public <A> boolean tryPublishAsOfRecovery(CommandFiller<A> filler, A argument) {
        return tryPublish(stampingAsOfRecovery, filler, argument);
    }

    @SuppressWarnings("unchecked")
    private <A> boolean tryPublish(EventTranslatorTwoArg<RingEvent, CommandFiller<Object>, Object> stamp, CommandFiller<A> filler,
                                   A argument) {
        if (ring.tryPublishEvent(stamp, (CommandFiller<Object>) filler, argument)) {
            coreLoop.afterPublish();
            return true;
        }
        publishFailures.incrementAndGet();
        return false;
    }

    /**
     * Publishes a recorded command keeping its timestamp (a recorded workload through the live
     * path: benchmarks, tests); blocks while the ring is full. Claims the slot directly rather than
     * through a translator, which would box the time.
     */
    public void publishRecorded(Command command, long intendedNanoTime) {
        long sequence = ring.next();
        RingEvent event = ring.get(sequence);
        event.command.copyFrom(command);
        event.command.sequence = sequenceBase + sequence;
        event.publishNanoTime = intendedNanoTime;
        ring.publish(sequence);
        coreLoop.afterPublish();
    }

    private static final CommandFiller<byte[]> CONFIG = (command, payload) -> {
        command.type = CommandType.CONFIG_APPLIED;
        command.payload = payload;
    };
    private static final CommandFiller<Void> TICK = (command, unused) -> command.type = CommandType.TICK;

    /**
     * Publishes a configuration as bare bytes; the core installs or rejects it (see {@link RoutingCore}).
     * Gateways are not told (benchmarks, tests of the core path): a host that runs gateways publishes
     * with {@link #publishConfig(LoadedConfig)}.
     */
    public boolean publishConfig(byte[] encodedConfig) {
        return tryPublish(CONFIG, encodedConfig);
    }

    /**
     * Publishes a validated configuration; the core installs or rejects it. When the core installs it,
     * every gateway gets {@code config} through {@link Gateway#onConfigApplied} on egress, right after
     * the {@code CONFIGURATION_APPLIED} decision, so the switch is ordered with the decisions. The
     * configuration is kept until its command passes egress (keyed by the command's payload array,
     * so two configurations with the same version never mix).
     *
     * @return false when the ring was full (nothing published, nothing kept)
     */
    public boolean publishConfig(LoadedConfig config) {
        byte[] payload = RoutingConfigCodec.encode(config.routing());
        announced.put(payload, config);
        if (tryPublish(CONFIG, payload)) {
            return true;
        }
        announced.remove(payload);
        return false;
    }

    /** Publishes a {@code TICK} so timers fire while traffic is quiet (see {@link Ticker}). */
    public boolean publishTick() {
        return tryPublish(TICK, null);
    }

    /**
     * The core's earliest timer as of its last batch, epoch ns on {@link #nowNs()}'s clock, or
     * {@code Long.MAX_VALUE} when none is set: a {@code TICK} stamped at or after it fires it.
     */
    public long nextTimerNs() {
        return nextTimerNs;
    }

    /** Called by {@link Ticker#start}: the core tells it of each change of the earliest deadline. */
    void attach(Ticker t) {
        if (ticker != null) {
            throw new IllegalStateException("the engine has a ticker already");
        }
        ticker = t;
    }

    /**
     * The engine's clock, epoch nanoseconds: a command published now is stamped this or later.
     * Publishers that act at an instant (the business-hours schedule) wait on this clock. It is the
     * host's clock, except after a start on a journal whose last command was later: then it runs on
     * from that command's time ({@link #clockBehindJournalNs()}).
     */
    public long nowNs() {
        return clock.nowNs();
    }

    /**
     * How far the host's clock was behind the journal's last command when the engine started, ns (0
     * when it was not): {@link #nowNs()} runs that far ahead of the host's clock in this process.
     */
    public long clockBehindJournalNs() {
        return clockBehindJournalNs;
    }

    /** What to tell the operator when the host's clock was notably behind the journal at start; null when it was not. */
    public String clockWarning() {
        if (clockBehindJournalNs < NOTABLY_BEHIND_NS) {
            return null;
        }
        String behind = JournalAheadException.span(clockBehindJournalNs);
        return "this host's clock is " + behind + " behind the journal's last command (" + JournalAheadException.instant(recoveredNs)
                + "): commands are stamped from the journal's time on (time never goes back in a journal), so business hours and"
                + " reports run " + behind + " ahead of this host's clock until the next start; check the clock (timedatectl)";
    }

    /** Waits until every command published so far has passed egress. */
    public void awaitQuiet(long timeoutMs) throws InterruptedException {
        long target = ring.getCursor();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (ioLoop.egressed.get() < target && !failure.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("engine did not process up to " + target + " within " + timeoutMs + " ms");
            }
            Thread.sleep(1);
        }
    }

    /** Completes with the cause when a stage failed and the engine halted. */
    public CompletableFuture<Throwable> failure() {
        return failure;
    }

    /**
     * Why the engine halted, for operators ({@code loket run}'s last line, the admin API's health): the
     * failure's messages and its causes' on one line ({@link Causes#messages}), never a stack trace; null while it routes.
     */
    public String failureReason() {
        Throwable t = failure.getNow(null);
        return t == null ? null : Causes.messages(t).replaceAll("\\s*\\R\\s*", " ");
    }

    /** The core; read it only while the engine is stopped or quiet (it is confined to the core thread). */
    public RoutingCore core() {
        return core;
    }

    public Recovery.Result recovery() {
        return recovery;
    }

    public long publishFailures() {
        return publishFailures.get();
    }

    /** This engine's metrics: its own ({@code metrics.EngineMetrics}, registered by {@code loket run}) and its gateways'. */
    /** A gateway offers a service to the others (the phone gateway: {@code CallMonitoring}); the last offer wins. */
    public <T> void offer(Class<T> type, T service) {
        services.put(type, service);
    }

    /** The service a gateway offered, if any (the gateways start in any order: ask when it is needed). */
    public <T> java.util.Optional<T> service(Class<T> type) {
        return java.util.Optional.ofNullable(type.cast(services.get(type)));
    }

    public org.loket.host.audit.OperatorAudit audit() {
        return audit;
    }

    public io.prometheus.metrics.model.registry.PrometheusRegistry metrics() {
        return metrics;
    }

    /** Decisions a gateway threw on (adapter faults; the engine carried on). */
    public long gatewayFailures() {
        return gatewayFailures.get();
    }

    /**
     * The sequence of the last command that passed egress (its decisions are journaled and handed
     * out), or one less than the first sequence of this run.
     */
    public long egressedSequence() {
        return sequenceBase + ioLoop.egressed.get();
    }

    /** Whether the IO thread is parked (or about to park): tests that need the core to stand in wait for it. */
    boolean ioThreadParked() {
        return ioLoop.parked;
    }

    /** Commands that have passed egress. */
    public long processed() {
        return ioLoop.egressed.get() + 1;
    }

    /**
     * Running hash over every decision that passed egress (same as replay's).
     *
     * @throws IllegalStateException unless the engine was started with {@link EngineSettings#hashDecisions()}
     */
    public long decisionHash() {
        if (!settings.hashDecisions()) {
            throw new IllegalStateException("this engine keeps no decision hash: start it with EngineSettings.withDecisionHash(true)");
        }
        return egressStage.decisionHash;
    }

    public long decisions() {
        return egressStage.decisions;
    }

    public Histogram serviceTimeNs() {
        return coreStage.serviceTimeNs;
    }

    public Histogram latencyNs() {
        return egressStage.latencyNs;
    }

    /** Drains the ring, stops the gateways and the stages, and writes a final snapshot. */
    @Override
    public void close() {
        Ticker t = ticker;
        if (t != null) {
            t.close();
        }
        for (Gateway gateway : gateways) {
            try {
                gateway.close();
            } catch (RuntimeException e) {
                LOG.warn("gateway {} failed to close", gateway.name(), e);
            }
        }
        try {
            awaitQuiet(10_000);
        } catch (InterruptedException | IllegalStateException e) {
            LOG.warn("pipeline did not drain within 10 s; halting: {}", e.getMessage());
        }
        coreLoop.stop();
        ioLoop.stop();
        if (pretoucher != null) {
            pretoucher.close();
        }
        if (!failure.isDone() && settings.snapshotEveryCommands() > 0) {
            writeSnapshot(core.lastSequence(), stateBytes(), 0); // the stages are stopped: journaled by now or never
        }
        snapshotWriter.shutdown();
        try {
            snapshotWriter.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[] stateBytes() {
        ByteArrayState state = new ByteArrayState();
        core.writeState(state);
        return state.toByteArray();
    }

    /**
     * Writes the state after command {@code sequence} once the decisions of every command up to it
     * are journaled. Recovery starts after the newest snapshot: a decision journaled after its
     * snapshot was written would be missing for good had the process died in between (replay would
     * then find the journal not identical). Not written, with a warning, when they are not journaled
     * within {@code waitMs} (the engine halted, or the pipeline did not drain at a stop): the next
     * start replays from the previous snapshot.
     */
    private void writeSnapshot(long sequence, byte[] state, long waitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (egressedSequence() < sequence) {
            if (failure.isDone() || System.nanoTime() - deadline > 0) {
                LOG.warn("no snapshot at command {}: the decisions are journaled up to command {} only; the next start replays"
                        + " from the previous snapshot", sequence, egressedSequence());
                return;
            }
            LockSupport.parkNanos(200_000);
        }
        snapshots.write(sequence, state, java.time.Instant.ofEpochSecond(0, clock.nowNs())); // the journal's time, as its stamps
        // With a retention the first snapshot of each day stays until its day is deleted: the journal
        // starts again there (JournalStart), so a reader loses no more than the deleted days.
        snapshots.prune(3, settings.journalRetentionDays() > 0 ? 0 : Long.MAX_VALUE);
    }

    /**
     * Deletes journal days past the retention: at start, then on the snapshot thread, so no snapshot
     * is written meanwhile. A failure is logged and tried again at the next run.
     */
    private void applyRetention() {
        try {
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            JournalRetention.Result result = JournalRetention.apply(journal, settings.journalRetentionDays(), today);
            if (!result.commandDaysDeleted().isEmpty()) {
                LOG.info("journal retention ({} days): deleted the days {} ({} decision files, {} snapshots)",
                        settings.journalRetentionDays(), result.commandDaysDeleted(), result.decisionDaysDeleted(),
                        result.snapshotsDeleted());
            }
            if (result.heldBack() != null) {
                LOG.info("journal retention: {}", result.heldBack());
            }
        } catch (RuntimeException e) {
            LOG.error("journal retention in {} failed; next try in {} minutes", journal.folder(), RETENTION_EVERY_MINUTES, e);
        }
    }

    /**
     * The operator's cause is the message (folder, what, the system's reason); Chronicle's trace
     * says nothing more to them, so it goes to the debug log only.
     */
    private static void journalHalted(Throwable failure) {
        LOG.error("engine halted: {}; make room and restart to recover from the journal", failure.getMessage());
        LOG.debug("the journal's failure", failure);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Appends every command to the journal before egress may release its decisions. */
    private final class JournalStage {
        private Journal.CommandWriter writer;

        void onStart() {
            writer = journal.commandWriter().sharedInTurns(); // the core thread stands in for the IO thread
        }

        void begin() {
            try {
                writer.begin();
            } catch (RuntimeException | InternalError e) {
                throw new JournalWriteFailure(journal.folder(), "commands", e);
            }
        }

        void onEvent(RingEvent event) {
            try {
                writer.add(event.command);
            } catch (RuntimeException | InternalError e) {
                throw new JournalWriteFailure(journal.folder(), "command " + event.command.sequence, e);
            }
        }

        void end() {
            try {
                writer.end();
            } catch (RuntimeException | InternalError e) {
                throw new JournalWriteFailure(journal.folder(), "commands", e);
            }
        }

        void onShutdown() {
            writer.close();
        }
    }

    /**
     * The IO thread: journals commands as soon as they are published, and runs egress for
     * commands that are both journaled and decided. Backs off by spinning, then yielding, then
     * parking until the core thread, at the end of a batch, wakes it ({@link #wake}): an idle engine
     * then costs no wake-ups of this thread (parking in 50 µs slices cost 10 % of a core, measured
     * on the phone load). The park is bounded anyway, so a missed wake-up costs at most that long.
     * While it is parked the core thread stands in ({@link #standIn}).
     */
    private final class IoLoop implements Runnable {
        private static final int BATCH = 256;
        /** Rounds of both stages the core thread runs when it stands in; more work than that wakes this thread. */
        private static final int STAND_IN_ROUNDS = 4;
        /**
         * Held by whichever thread runs the journal and egress stages: this one, or the core thread
         * standing in. Its release and acquisition order the stages' plain fields between the two.
         */
        private final AtomicBoolean stages = new AtomicBoolean();
        final Sequence journaled = new Sequence(-1);
        final Sequence egressed = new Sequence(-1);
        /**
         * The core wakes this thread at the end of each batch ({@link #wake}); the timed park is only
         * a safety net (a halted core, a lost wake-up would be a bug), so it is long: each wake of
         * an idle engine costs the spin and yield phase below.
         */
        private final long parkNs = TimeUnit.MILLISECONDS.toNanos(settings.safetyParkMs());
        /** Spins, then yields, before parking: enough to catch the next batch of a busy engine. */
        private static final int SPINS = 100;
        private static final int YIELDS = 10;
        private volatile boolean running = true;
        private volatile boolean parked;
        private volatile Thread thread;

        @Override
        public void run() {
            thread = Thread.currentThread();
            journalStage.onStart();
            egressStage.onStart();
            try {
                int idle = 0;
                while (running) {
                    int work = 0;
                    if (stages.compareAndSet(false, true)) {
                        try {
                            work = journalSome() + egressSome();
                        } finally {
                            stages.set(false);
                        }
                    }
                    if (work > 0) {
                        idle = 0;
                    } else if (++idle < SPINS) {
                        Thread.onSpinWait();
                    } else if (idle < SPINS + YIELDS) {
                        Thread.yield();
                    } else {
                        parked = true;
                        // Dekker with the core's end of batch: the flag before the progress read here,
                        // the progress before the flag read there, or both sides miss each other.
                        VarHandle.fullFence();
                        if (!workWaiting()) {
                            LockSupport.parkNanos(parkNs);
                        }
                        parked = false;
                    }
                }
            } catch (Throwable t) {
                if (t instanceof JournalWriteFailure) {
                    journalHalted(t);
                } else {
                    LOG.error("engine halted: the IO thread failed at journal {} / egress {}; restart to recover from the journal",
                            sequenceBase + journaled.get(), sequenceBase + egressed.get(), t);
                }
                failure.complete(t);
                coreLoop.halt();
            } finally {
                while (!stages.compareAndSet(false, true)) {
                    Thread.onSpinWait(); // the core thread is standing in: let it finish before the writers close
                }
                journalStage.onShutdown();
                egressStage.onShutdown();
            }
        }

        /**
         * Core thread, at the end of a batch: when this thread is parked, journals and hands out what
         * is ready on the core thread instead of waking it (the quiet engine's common case).
         *
         * @return false when this thread must be woken (it is not parked, holds the stages, or more
         *         work came than a few rounds)
         */
        boolean standIn() {
            if (!parked || !stages.compareAndSet(false, true)) {
                return false;
            }
            try {
                for (int round = 0; round < STAND_IN_ROUNDS; round++) {
                    if (journalSome() + egressSome() == 0) {
                        return true;
                    }
                }
                return false;
            } finally {
                stages.set(false);
            }
        }

        /** Core thread, at the end of each batch: the IO thread has commands to journal and decisions to hand out. */
        void wake() {
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        private boolean workWaiting() {
            return ring.isAvailable(journaled.get() + 1)
                    || Math.min(journaled.get(), coreLoop.applied.get()) > egressed.get();
        }

        private int journalSome() {
            long next = journaled.get() + 1;
            if (!ring.isAvailable(next)) {
                return 0;
            }
            int done = 0;
            journalStage.begin();
            while (done < BATCH && ring.isAvailable(next)) {
                journalStage.onEvent(ring.get(next));
                next++;
                done++;
            }
            journalStage.end();
            journaled.set(next - 1);
            return done;
        }

        private int egressSome() {
            long limit = Math.min(journaled.get(), coreLoop.applied.get());
            long next = egressed.get() + 1;
            int done = 0;
            while (next <= limit && done < BATCH) {
                egressStage.onEvent(ring.get(next), next);
                next++;
                done++;
            }
            if (done > 0) {
                egressStage.endBatch();
                egressed.set(next - 1);
            }
            return done;
        }

        void stop() {
            running = false;
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
            if (thread != null) {
                try {
                    thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * The core thread: applies published commands to the core in ring order, in batches. While it
     * is parked (a quiet engine, with the {@code phased} or {@code blocking} wait), the thread that
     * publishes a command takes the core's turn and applies it itself, with the journal and egress
     * behind it when the IO thread is parked too ({@link #afterPublish}): a phone call's three
     * commands then cost no wake-up of the core thread and no hand-back to the caller's session
     * (each wake-up costs 40-90 µs of CPU on these VMs). The turn ({@link #turn}) makes the core
     * single-threaded whoever runs it; its acquisition and release order the core's plain state
     * between the threads. A publisher never waits for the turn: held, it wakes this thread instead.
     */
    private final class CoreLoop implements Runnable {
        /** Commands a publisher applies when it stands in; more waiting than that wakes this thread. */
        private static final int STAND_IN_COMMANDS = 256;
        /** The sequence of the last command applied (its decisions are in its ring slot). */
        final Sequence applied = new Sequence(-1);
        /** Held by whichever thread applies commands: this one, or a publisher standing in. */
        private final AtomicBoolean turn = new AtomicBoolean();
        private final CoreIdle idle;
        private final long parkNs = TimeUnit.MILLISECONDS.toNanos(settings.safetyParkMs());
        private volatile boolean running = true;
        private volatile boolean parked;
        private volatile Thread thread;

        CoreLoop(CoreIdle idle) {
            this.idle = idle;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            long idleSinceNs = 0;
            while (running) {
                int done = 0;
                if (takeTurn()) {
                    try {
                        done = applySome(Integer.MAX_VALUE);
                    } catch (Throwable t) {
                        halted(t);
                        return; // the turn stays taken: nothing applies commands after a failure
                    }
                    turn.set(false);
                }
                if (done > 0) {
                    idleSinceNs = 0;
                    continue;
                }
                long nowNs = System.nanoTime();
                if (idleSinceNs == 0) {
                    idleSinceNs = nowNs;
                }
                if (idle.step(nowNs - idleSinceNs)) {
                    parked = true;
                    // Dekker with afterPublish: the flag before the ring read here, the publication
                    // before the flag read there, or both sides miss each other.
                    VarHandle.fullFence();
                    if (!ring.isAvailable(applied.get() + 1) && queries.isEmpty()) {
                        LockSupport.parkNanos(parkNs);
                    }
                    parked = false;
                }
            }
        }

        /**
         * Publishing thread, right after its command is in the ring: when this thread is parked,
         * applies what is waiting (a quiet engine's common case: just this command), else or when
         * another thread has the turn, wakes this thread.
         */
        void afterPublish() {
            if (!idle.parks()) {
                return; // this thread never parks (yielding, sleeping, busy-spin): no fence on the hot path
            }
            VarHandle.fullFence(); // the publication before the read of the flag: see run()
            if (!parked) {
                return;
            }
            if (takeTurn()) {
                try {
                    applySome(STAND_IN_COMMANDS);
                } catch (Throwable t) {
                    halted(t);
                    return; // the turn stays taken (see run)
                }
                turn.set(false);
                VarHandle.fullFence(); // the release before the ring read: a command published meanwhile is seen or wakes
                if (!ring.isAvailable(applied.get() + 1)) {
                    return;
                }
            }
            LockSupport.unpark(thread);
        }

        private boolean takeTurn() {
            if (!running || !turn.compareAndSet(false, true)) {
                return false;
            }
            if (!running) { // stopped meanwhile: the stopper waits for the turn, give it back
                turn.set(false);
                return false;
            }
            return true;
        }

        /** With the turn: answers the queries whose commands are applied, applies up to {@code limit} published commands, answers those that waited for them. */
        private int applySome(int limit) {
            long next = applied.get() + 1;
            if (!ring.isAvailable(next)) {
                if (!queries.isEmpty()) {
                    coreStage.runQueries(next - 1); // asked after everything published was applied
                }
                return 0;
            }
            long last = next;
            long end = next + limit - 1;
            while (last < end && ring.isAvailable(last + 1)) { // the batch: published in a row, no gap
                last++;
            }
            // Queries already answerable run before the batch: a query's own TICK, published after
            // it was asked, must not be in the state it reads (a quiet engine's reads stay as they were).
            coreStage.runQueries(next - 1);
            for (long sequence = next; sequence <= last; sequence++) {
                coreStage.onEvent(ring.get(sequence), sequence, sequence == last);
            }
            coreStage.runQueries(last); // those that waited for this batch's commands
            return (int) (last - next + 1);
        }

        private void halted(Throwable t) {
            if (t instanceof JournalWriteFailure) {
                journalHalted(t); // the core thread stood in for the IO thread (a quiet engine)
            } else {
                // The command the core was applying; past the batch's last (a failure after it), the next in the ring.
                RingEvent applying = coreStage.current;
                Command command = applying != null ? applying.command : ring.get(applied.get() + 1).command;
                LOG.error("engine halted: the core failed on sequence {} ({}); restart to recover from the journal",
                        command.sequence, command, t);
            }
            failure.complete(t);
            running = false;
        }

        /** Stops applying commands: the IO thread failed. */
        void halt() {
            running = false;
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        /** Stops this thread and waits for a publisher standing in to finish; nothing applies commands after. */
        void stop() {
            halt();
            Thread t = thread;
            if (t != null) {
                try {
                    t.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            while (!failure.isDone() && !turn.compareAndSet(false, true)) {
                Thread.onSpinWait();
            }
        }
    }

    /** Applies commands to the core; the core's decisions are collected into the event. */
    private final class CoreStage implements org.loket.core.decision.DecisionSink {
        final Histogram serviceTimeNs = new Histogram(3_600_000_000_000L, 3);
        /** The event being applied (null between commands): the failing one when the core throws. */
        RingEvent current;
        private long sinceSnapshot;
        private long lastDueNs = nextTimerNs;
        /** The start of the UTC day after the last command's: the first command at or past it takes a snapshot first. */
        private long nextDayNs = nextDayStart(core.nowNs());

        void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
            current = event;
            event.decisionCount = 0;
            if (event.command.timestampNs >= nextDayNs) {
                // A snapshot of the state at the end of each day, before its first command: the
                // journal's retention deletes whole days and needs a snapshot after each.
                nextDayNs = nextDayStart(event.command.timestampNs);
                if (settings.snapshotEveryCommands() > 0 && core.lastSequence() > 0) {
                    snapshot(core.lastSequence());
                }
            }
            if (settings.measureServiceTime()) {
                long start = System.nanoTime();
                core.apply(event.command);
                serviceTimeNs.recordValue(System.nanoTime() - start);
            } else {
                core.apply(event.command);
            }
            current = null;
            if (endOfBatch) {
                // Publish the batch's progress before waking the IO thread, so the woken thread finds
                // the decisions to hand out. A full fence, not set()'s release: the read of the IO
                // thread's parked flag below must not pass this store, or a thread going to park
                // misses both (a lost wake-up).
                coreLoop.applied.setVolatile(sequence);
                if (!ioLoop.standIn()) {
                    ioLoop.wake();
                }
                long dueNs = core.nextTimerNs();
                if (dueNs != lastDueNs) {
                    lastDueNs = dueNs;
                    nextTimerNs = dueNs;
                    Ticker t = ticker;
                    if (t != null) {
                        t.dueChanged(dueNs);
                    }
                }
            }
            if (settings.snapshotEveryCommands() > 0 && ++sinceSnapshot >= settings.snapshotEveryCommands()) {
                snapshot(event.command.sequence);
            }
        }

        /** Copies the state on the core thread and writes it on the snapshot thread. */
        private void snapshot(long at) {
            sinceSnapshot = 0;
            byte[] state = stateBytes();
            snapshotWriter.execute(() -> writeSnapshot(at, state, SNAPSHOT_WAIT_MS));
        }

        private static long nextDayStart(long epochNs) {
            return (Math.floorDiv(epochNs, DAY_NS) + 1) * DAY_NS;
        }

        @Override
        public void onDecision(Decision decision) {
            current.addDecision(decision);
        }

        /** Runs the waiting queries whose commands are applied ({@code appliedRingSequence} and before). */
        void runQueries(long appliedRingSequence) {
            for (Query q = queries.peek(); q != null && q.afterRingSequence() <= appliedRingSequence; q = queries.peek()) {
                queries.poll(); // only the thread with the core's turn takes queries
                q.read().run();
            }
        }
    }

    /**
     * Reads the core's state on the core thread, between two batches of commands, so the answer is
     * consistent and the core needs no locks. The read sees every command published before this
     * call (an operator who changed an agent's state and then asks finds the change; a configuration
     * check sees the logout just published). The answer comes with a batch, which a {@code TICK}
     * published here starts when traffic is quiet. For operator tools, not the hot path.
     *
     * @param read must only read, and must be quick: the core waits for it
     */
    public <T> java.util.concurrent.CompletableFuture<T> query(java.util.function.Function<RoutingCore, T> read) {
        return query(read, stamping);
    }

    /**
     * As {@link #query}, but the {@code TICK} that brings the answer is stamped as of recovery
     * ({@link #tryPublishAsOfRecovery}), so asking fires no timer that fell due while Loket was down.
     */
    public <T> java.util.concurrent.CompletableFuture<T> queryAsOfRecovery(java.util.function.Function<RoutingCore, T> read) {
        return query(read, stampingAsOfRecovery);
    }

    private <T> java.util.concurrent.CompletableFuture<T> query(java.util.function.Function<RoutingCore, T> read,
                                                                 EventTranslatorTwoArg<RingEvent, CommandFiller<Object>, Object> tickStamp) {
        var answer = new java.util.concurrent.CompletableFuture<T>();
        queries.add(new Query(ring.getCursor(), () -> {
            try {
                answer.complete(read.apply(core));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        }));
        tryPublish(tickStamp, TICK, null); // a full ring means traffic, and so a batch soon
        return answer;
    }

    /** After journal and core: journals decisions, hands them to gateways, hashes and measures. */
    private final class EgressStage {
        final Histogram latencyNs = new Histogram(3_600_000_000_000L, 3);
        volatile Gateway[] gateways = new Gateway[0];
        private Journal.DecisionWriter writer;
        // Written by the thread running the stages; readers see them through the egress sequence's release.
        long decisionHash;
        long decisions;

        void onStart() {
            if (settings.journalDecisions()) {
                writer = journal.decisionWriter().sharedInTurns();
            }
        }

        void onEvent(RingEvent event, long sequence) {
            int count = event.decisionCount;
            LoadedConfig applied = null;
            if (event.command.type == CommandType.CONFIG_APPLIED && event.command.payload != null && !announced.isEmpty()) {
                applied = announced.remove(event.command.payload); // taken out whether the core installed it or not
            }
            Gateway[] targets = gateways; // one look per command: a gateway added meanwhile starts with the next
            if (count > 0) {
                if (writer != null) {
                    journalDecisions(event, count);
                }
                for (int i = 0; i < count; i++) {
                    Decision decision = event.decisions[i];
                    if (settings.hashDecisions()) {
                        decisionHash = decision.hashInto(decisionHash);
                    }
                    for (Gateway gateway : targets) {
                        deliver(gateway, decision);
                    }
                    if (decision.type == DecisionType.CONFIGURATION_APPLIED && targets.length > 0) {
                        announce(targets, applied, decision.score);
                    }
                }
                for (Gateway gateway : targets) {
                    commandDecided(gateway);
                }
                decisions += count;
            }
            for (Gateway gateway : targets) {
                commandPassed(gateway, event, count);
            }
            if (settings.measureLatency()) {
                latencyNs.recordValue(Math.max(0, System.nanoTime() - event.publishNanoTime));
            }
            event.command.payload = null;
        }

        /**
         * A gateway that throws is an adapter fault, not an engine fault: count it, log the first
         * with its context, and keep routing (the decision is journaled either way).
         */
        private void commandPassed(Gateway gateway, RingEvent event, int count) {
            try {
                gateway.onCommand(event.command, event.decisions, count);
            } catch (RuntimeException e) {
                if (gatewayFailures.getAndIncrement() == 0) {
                    LOG.error("gateway {} failed on {}; further failures are only counted", gateway.name(), event.command, e);
                }
            }
        }

        private void deliver(Gateway gateway, Decision decision) {
            try {
                gateway.onDecision(decision);
            } catch (RuntimeException e) {
                if (gatewayFailures.getAndIncrement() == 0) {
                    LOG.error("gateway {} failed on {}; further failures are only counted", gateway.name(), decision, e);
                }
            }
        }

        private void commandDecided(Gateway gateway) {
            try {
                gateway.onCommandDecided();
            } catch (RuntimeException e) {
                if (gatewayFailures.getAndIncrement() == 0) {
                    LOG.error("gateway {} failed at the end of a command's decisions; further failures are only counted",
                            gateway.name(), e);
                }
            }
        }

        /** At the {@code CONFIGURATION_APPLIED} decision, before the decisions that follow it. */
        private void announce(Gateway[] targets, LoadedConfig applied, long version) {
            if (applied == null) {
                LOG.warn("configuration version {} was applied without its texts (published as bytes): gateways keep "
                        + "the configuration they have, and its ids", version);
                return;
            }
            for (Gateway gateway : targets) {
                try {
                    gateway.onConfigApplied(applied);
                } catch (RuntimeException e) {
                    gatewayFailures.incrementAndGet();
                    LOG.error("gateway {} failed to take up configuration version {}", gateway.name(), version, e);
                }
            }
        }

        private void journalDecisions(RingEvent event, int count) {
            try {
                if (!writer.inBatch()) {
                    writer.begin();
                }
                writer.add(event.command.sequence, event.decisions, count);
            } catch (RuntimeException | InternalError e) {
                throw new JournalWriteFailure(journal.folder(), "the decisions of command " + event.command.sequence, e);
            }
        }

        void endBatch() {
            if (writer != null && writer.inBatch()) {
                try {
                    writer.end();
                } catch (RuntimeException | InternalError e) {
                    throw new JournalWriteFailure(journal.folder(), "decisions", e);
                }
            }
        }

        void onShutdown() {
            if (writer != null) {
                writer.close();
            }
        }
    }
}
