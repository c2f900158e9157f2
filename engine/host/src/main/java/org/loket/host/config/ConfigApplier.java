package org.loket.host.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.loket.config.ConfigException;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.AgentState;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.RejectReason;
import org.loket.core.routing.RoutingCore;
import org.loket.host.hours.HoursPublisher;
import org.loket.host.pipeline.Engine;

/**
 * The one way a configuration folder reaches a running engine (the admin API's
 * {@code POST /api/v1/config} and {@code loket run --watch-config}): validate, check the version,
 * ask the core whether the live state fits ({@code RoutingCore.reloadBlocker}, then
 * {@link #pauseReasonsInUse}: no paused agent's reason may be dropped or moved), publish a journaled
 * {@code CONFIG_APPLIED}, wait until the core installed or refused it, then follow the new
 * configuration's business hours. The gateways follow on their own: the engine hands them the
 * applied {@link LoadedConfig} at its {@code CONFIGURATION_APPLIED} decision
 * ({@link Engine#publishConfig(LoadedConfig)}, {@code Gateway#onConfigApplied}), so ids may move
 * (entries, queues, agents removed or reordered) without restarting anything.
 *
 * <p>The version rule: a change is applied only when its {@code version:} is above the running
 * configuration's. The core takes any version (it journals what it is given); the host refuses an
 * equal or lower one so that a version names one configuration in the journal and in the
 * {@code CONFIGURATION_APPLIED} decisions. The same folder as the one running (same routing, same
 * hours, same version) is {@link Kind#UNCHANGED}, not a refusal: a file saved without a change.
 *
 * <p>Thread-safe: applies are serialised (the admin API and the watcher may race). Blocks the
 * calling thread up to {@link #TIMEOUT_MS} per core query and once more for the core's answer; never
 * call it from the core or IO thread.
 */
public final class ConfigApplier {
    /** How long to wait for the core to answer a query, and for it to take up a published configuration. */
    public static final long TIMEOUT_MS = 5_000;
    /** Agents named per pause reason in {@link #pauseReasonsInUse}; more are counted. */
    private static final int AGENTS_NAMED = 5;

    /** What became of a folder. */
    public enum Kind {
        /** Installed by the core; {@link Outcome#version()} is in force. */
        APPLIED,
        /** The same configuration as the running one: nothing published. */
        UNCHANGED,
        /**
         * Not valid; {@link Outcome#problems()} names each problem with file, line and field (empty when
         * the core itself refused it as unusable).
         */
        INVALID,
        /** The version is not above the running one's; nothing published. */
        STALE_VERSION,
        /**
         * The live state has no place in it ({@link Outcome#message()} names what), found before
         * publishing or by the core when something live changed in between; the running one stays.
         */
        BLOCKED,
        /** The engine's ring was full, or the core did not answer in time; nothing changed, or not yet. */
        BUSY
    }

    /**
     * The answer for one folder.
     *
     * @param kind     what happened
     * @param version  the folder's version (the one in force when applied), or -1 when it is not valid
     * @param running  the version running before the attempt, or -1 when the core had none
     * @param message  one line for an operator (never null)
     * @param problems for {@link Kind#INVALID}, every problem as {@code loket config check} prints it; for
     *                 {@link Kind#APPLIED}, the loader's warnings; else empty
     */
    public record Outcome(Kind kind, long version, long running, String message, List<String> problems) {
        public Outcome {
            problems = List.copyOf(problems);
        }

        /** The outcome as the operators' audit records it: {@code applied version 9}, {@code invalid}, {@code blocked}... */
        public String auditDetail() {
            return kind.name().toLowerCase(Locale.ROOT) + (kind == Kind.APPLIED ? " version " + version : "");
        }

        /** Whether the folder's configuration is now the one in force (applied, or already was). */
        public boolean inForce() {
            return kind == Kind.APPLIED || kind == Kind.UNCHANGED;
        }
    }

    private final Engine engine;
    /** Follows the hours of the configuration in force; null when hours are ignored. */
    private final HoursPublisher hours;
    private final Object applying = new Object();
    /** The last configuration this host put in force (the one given at start, or applied since); may be null. */
    private volatile LoadedConfig current;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong blocked = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();

    /**
     * @param hours   follows the business hours of an applied configuration; null when hours are ignored
     *                (a reload keeps the queues' hours state as the core migrates it)
     * @param current the configuration the core runs now, as loaded at start; null when unknown (the
     *                core refused it at start, or none was given): then only the routing part is compared
     */
    public ConfigApplier(Engine engine, HoursPublisher hours, LoadedConfig current) {
        this.engine = Objects.requireNonNull(engine);
        this.hours = hours;
        this.current = current;
    }

    /** Validates and applies the configuration folder (or single YAML file) {@code folder}. */
    public Outcome apply(Path folder) throws InterruptedException {
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.load(folder);
        } catch (ConfigException e) {
            invalid.incrementAndGet();
            return new Outcome(Kind.INVALID, -1, runningVersion(), "configuration " + folder
                    + " is not valid; the running configuration stays", e.problems().stream().map(Object::toString).toList());
        }
        return apply(loaded);
    }

    /** Applies a validated configuration (see the class comment for the steps and the version rule). */
    public Outcome apply(LoadedConfig loaded) throws InterruptedException {
        synchronized (applying) {
            try {
                return applyLocked(loaded);
            } catch (TimeoutException e) {
                return new Outcome(Kind.BUSY, loaded.routing().version(), -1,
                        "the engine did not answer within " + TIMEOUT_MS + " ms", List.of());
            } catch (ExecutionException e) {
                throw new IllegalStateException("a query of the core failed while applying " + loaded.source(), e.getCause());
            }
        }
    }

    private Outcome applyLocked(LoadedConfig loaded) throws InterruptedException, ExecutionException, TimeoutException {
        RoutingConfig next = loaded.routing();
        RoutingConfig running = engine.query(core -> core.config()).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        long runningVersion = running == null ? -1 : running.version();
        if (running != null && next.version() <= running.version()) {
            LoadedConfig known = current;
            boolean same = next.equals(running)
                    && (known == null || (known.hours().equals(loaded.hours()) && known.promptTexts().equals(loaded.promptTexts())
                            && known.chatbot().equals(loaded.chatbot())));
            if (same) {
                return new Outcome(Kind.UNCHANGED, next.version(), runningVersion,
                        "configuration " + loaded.source() + " is the one running (version " + runningVersion + "): nothing to apply", List.of());
            }
            stale.incrementAndGet();
            return new Outcome(Kind.STALE_VERSION, next.version(), runningVersion, "configuration " + loaded.source()
                    + " has version " + next.version() + ", not above the running version " + runningVersion
                    + ": raise 'version:' to apply a change; the running configuration stays", List.of());
        }
        String blocker = engine.query(core -> {
            if (core.config() == null) {
                return null;
            }
            String live = core.reloadBlocker(next);
            return live != null ? live : pauseReasonsInUse(core, next);
        }).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (blocker != null) {
            blocked.incrementAndGet();
            return new Outcome(Kind.BLOCKED, next.version(), runningVersion,
                    "the running state has no place in this configuration: " + blocker + "; the running configuration stays", List.of());
        }
        int inFlight = RejectReason.CONFIGURATION_IN_FLIGHT;
        int unusable = RejectReason.CONFIGURATION_INVALID;
        long[] before = engine.query(core -> new long[] {core.rejected(inFlight), core.rejected(unusable)})
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        // With its texts: the gateways switch to it at its CONFIGURATION_APPLIED decision (Gateway#onConfigApplied).
        if (!engine.publishConfig(loaded)) {
            return new Outcome(Kind.BUSY, next.version(), runningVersion, "the engine's ring is full; try again", List.of());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            long[] now = engine.query(core -> new long[] {core.config() != null && core.config().version() == next.version()
                    && core.config().equals(next) ? 1 : 0, core.rejected(inFlight), core.rejected(unusable)})
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (now[0] == 1) {
                current = loaded;
                if (hours != null) {
                    hours.apply(loaded); // the new configuration's hours take over at once
                }
                applied.incrementAndGet();
                List<String> warnings = loaded.warnings().stream().map(Object::toString).toList();
                return new Outcome(Kind.APPLIED, next.version(), runningVersion,
                        "applied configuration " + loaded.source() + " (version " + next.version() + ")", warnings);
            }
            if (now[1] > before[0]) {
                // Something live changed between the check and the core's turn (a contact joined a removed queue).
                blocked.incrementAndGet();
                return new Outcome(Kind.BLOCKED, next.version(), runningVersion, "refused by the core: the running state "
                        + "no longer fits this configuration; the running configuration stays", List.of());
            }
            if (now[2] > before[1]) {
                invalid.incrementAndGet();
                return new Outcome(Kind.INVALID, next.version(), runningVersion,
                        "refused by the core: the configuration is not usable; the running configuration stays", List.of());
            }
            Thread.sleep(10);
        }
        return new Outcome(Kind.BUSY, next.version(), runningVersion,
                "the core did not take up the configuration within " + TIMEOUT_MS + " ms", List.of());
    }

    /**
     * Why {@code next} would misname the pause of an agent paused now, or null when it would not. The
     * core keeps a paused agent's reason code across a reload, and a code is a place in
     * {@code pauseReasons}: with a reason dropped or moved, the agent reads as paused for another
     * reason (or an unnamed code) on the wallboard, in metrics and in reports, without a word. So the
     * change waits, as it does for a queue holding contacts: the watch tries again by itself and
     * applies it once those agents are ready or paused otherwise, and the admin API answers 409 with
     * this text. Applying it with a warning was the alternative; it would leave the figures wrong for
     * as long as those pauses last. Runs on the core thread ({@link Engine#query}).
     *
     * <p>Checked here, not in the core: the core deciding reloads anew would replay journals written
     * before it differently. An agent who pauses with such a reason between this check and the
     * core's turn is not caught.
     */
    static String pauseReasonsInUse(RoutingCore core, RoutingConfig next) {
        RoutingConfig running = core.config();
        Map<Integer, List<String>> pausedByCode = new TreeMap<>();
        for (int a = 0; a < core.agentCount(); a++) {
            int code = core.agentPauseReason(a);
            if (core.agentPresence(a) == AgentState.PAUSED && !running.pauseReasonLabel(code).equals(next.pauseReasonLabel(code))) {
                pausedByCode.computeIfAbsent(code, c -> new ArrayList<>()).add(running.agents().get(a).name());
            }
        }
        if (pausedByCode.isEmpty()) {
            return null;
        }
        List<String> reasons = new ArrayList<>();
        pausedByCode.forEach((code, agents) -> {
            String name = running.pauseReasonLabel(code);
            reasons.add("'" + name + "' (" + (agents.size() <= AGENTS_NAMED ? String.join(", ", agents)
                    : String.join(", ", agents.subList(0, AGENTS_NAMED)) + ", ... " + agents.size() + " agents") + ") "
                    + (next.pauseReasons().contains(name) ? "moves" : "is gone") + ": its code would read as '"
                    + next.pauseReasonLabel(code) + "'");
        });
        return "agents are paused with pause reasons this configuration drops or moves: " + String.join("; ", reasons)
                + ". A paused agent keeps its reason's code, its place in pauseReasons: wait until they are ready or paused"
                + " with another reason, or keep the places (append new reasons at the end)";
    }

    /** The running configuration's version, or -1 when there is none or the core did not answer in time. */
    private long runningVersion() throws InterruptedException {
        try {
            return engine.query(core -> core.config() == null ? -1L : core.config().version()).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return -1;
        }
    }

    /** The configuration this host last put in force (with its texts), or null when it does not know it. */
    public LoadedConfig current() {
        return current;
    }

    /** Configurations applied. */
    public long applied() {
        return applied.get();
    }

    /** Folders refused as not valid (by the loader, or by the core). */
    public long invalid() {
        return invalid.get();
    }

    /** Configurations refused because the live state has no place in them (before publishing, or by the core). */
    public long blocked() {
        return blocked.get();
    }

    /** Configurations refused because their version is not above the running one's. */
    public long staleVersions() {
        return stale.get();
    }
}
