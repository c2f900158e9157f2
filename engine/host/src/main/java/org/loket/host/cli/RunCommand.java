package org.loket.host.cli;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.loket.config.AgentPlan;
import org.loket.config.LoadedConfig;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.host.admin.AdminServer;
import org.loket.host.config.ConfigApplier;
import org.loket.host.config.ConfigWatcher;
import org.loket.host.export.DailyExport;
import org.loket.host.gateway.Gateway;
import org.loket.host.gateway.GatewayProvider;
import org.loket.host.hours.HoursPublisher;
import org.loket.host.journal.Journal;
import org.loket.host.journal.JournalFiles;
import org.loket.host.metrics.DecisionCounters;
import org.loket.host.metrics.EngineMetrics;
import org.loket.host.pipeline.Causes;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;
import org.loket.host.pipeline.JournalAheadException;
import org.loket.host.pipeline.Ticker;
import org.loket.host.pipeline.WaitStrategies;
import org.loket.host.sim.SyntheticTraffic;
import org.loket.host.sim.WorldParams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loket run}: the engine with every gateway on the class path. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the engine: recover from the journal, apply the configuration, start the gateways on the class path.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", description = "configuration folder (default: the embedded default)")
    Path config;

    @Option(names = "--journal", defaultValue = "var/journal", description = "journal folder (default: ${DEFAULT-VALUE})")
    Path journal;

    @Option(names = "--wait-strategy", defaultValue = "phased", description = "how the pipeline's threads wait for work, one of: "
            + WaitStrategies.NAMES + " (default: ${DEFAULT-VALUE}: spins while traffic flows, sleeps when it stops)")
    String waitStrategy;

    @Option(names = "--tick-ms", defaultValue = "1000", description = "longest time between two journaled TICKs when traffic is"
            + " quiet (default: ${DEFAULT-VALUE}); timers do not wait for it: a TICK is also published when the core's earliest timer falls due")
    long tickMs;

    @Option(names = "--duration-seconds", defaultValue = "0", description = "stop after this long (0 = until stopped; default: ${DEFAULT-VALUE})")
    long durationSeconds;

    @Option(names = "--snapshot-every", defaultValue = "1000000", description = "commands between snapshots (0 = none; default: ${DEFAULT-VALUE})")
    long snapshotEvery;

    @Option(names = "--journal-retention-days", defaultValue = "400", description = "days a journal day (and the snapshots "
            + "that describe it) is kept after it ended; then it is deleted, as personal data (0 = keep every day; "
            + "default: ${DEFAULT-VALUE}, a year's tax peak to compare with the next)")
    int journalRetentionDays;

    @Option(names = "--audit-retention-days", defaultValue = "400", description = "days a month of the operators' audit "
            + "(audit.csv) and of the phone's monitoring log (monitoring.csv) is kept after the month ended; each month is a "
            + "file of its own (audit-YYYY-MM.csv), deleted then (0 = keep every month; default: ${DEFAULT-VALUE})")
    int auditRetentionDays;

    @Option(names = "--synthetic-rate", defaultValue = "0",
            description = "play simulated citizens and agents at this many contacts per second (0 = off; default: ${DEFAULT-VALUE}); "
                    + "implies --ignore-hours (simulated citizens come at any hour)")
    double syntheticRate;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the synthetic traffic (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--set", description = "gateway setting key=value (repeatable); wins over --settings")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--settings", paramLabel = "FILE", description = "gateway settings from a file (key=value lines, the keys of --set):"
            + " secrets there stay out of the process list; a file holding a secret must be readable by its owner only")
    Path settingsFile;

    @Option(names = "--status-seconds", defaultValue = "5", description = "print a status line this often (0 = never; default: ${DEFAULT-VALUE})")
    long statusSeconds;

    @Option(names = "--watch-config", description = "watch the --config folder and apply a changed one during traffic "
            + "(validated first; an invalid or blocked change is logged and the running configuration stays); "
            + "same as --set config.watch=true")
    boolean watchConfig;

    @Option(names = "--export-folder", description = "write each local day's contact records and KPIs here "
            + "(contacts-DAY.csv, kpis-DAY.json; owner-only), at 01:00 the next day, and yesterday's at start if missing")
    Path exportFolder;

    @Option(names = "--export-retention-days", defaultValue = "0", description = "days an exported day's files are kept in "
            + "--export-folder after the day; then Loket deletes them (0 = never: the folder's own retention policy applies; "
            + "default: ${DEFAULT-VALUE})")
    int exportRetentionDays;

    @Option(names = "--allow-journal-ahead", description = "start also when the journal's last command is more than an hour"
            + " later than this host's clock (a host clock set back, a journal from elsewhere): commands are then stamped from the"
            + " journal's time on, and business hours and reports follow that time. Without it such a start is refused (likely the"
            + " wrong --journal folder, such as a simulated day's); within the hour it goes on with a warning")
    boolean allowJournalAhead;

    @Option(names = "--ignore-hours", description = "keep every queue open whatever the configuration's business hours and "
            + "holidays say (demos and tests at night); the emergency closure still works")
    boolean ignoreHours;

    /**
     * What the gateways start with when the core refused the folder at start (contacts in flight from
     * the journal) and runs the journal's configuration: that routing, so the gateways' ids are the
     * core's, with the folder's texts and numbers as far as they name anything in it. The next applied
     * configuration replaces it ({@code Gateway#onConfigApplied}).
     */
    static LoadedConfig forGateways(LoadedConfig folder, RoutingConfig running) {
        if (running == null) {
            return folder;
        }
        Set<String> entries = running.entries().stream().map(e -> e.name()).collect(Collectors.toSet());
        Map<String, String> numbers = new LinkedHashMap<>();
        folder.entryByNumber().forEach((number, entry) -> {
            if (entries.contains(entry)) {
                numbers.put(number, entry);
            }
        });
        return new LoadedConfig(running, folder.promptTexts(), Collections.nCopies(running.agents().size(), AgentPlan.ALL_DAY),
                folder.hours(), "the journal (version " + running.version() + ")", List.of(), numbers,
                folder.supervisors(), folder.agentNumbers(), folder.chatbot());
    }

    /**
     * Where the start line says the admin API is: a URL a browser or curl takes. An IPv6 literal is
     * in brackets (RFC 3986; a zone id's {@code %} as {@code %25}, RFC 6874). An address bound to
     * every interface ({@code admin.bind=0.0.0.0}, which the JDK's server reports as {@code ::}) is
     * no address to go to: it is given as {@code localhost}, which reaches it from this machine,
     * followed by " and every other address of this machine".
     */
    static String adminAddress(String scheme, java.net.InetSocketAddress bound) {
        boolean everyAddress = bound.getAddress() != null && bound.getAddress().isAnyLocalAddress();
        String host = everyAddress ? "localhost" : bound.getHostString();
        if (host.indexOf(':') >= 0) {
            host = "[" + host.replace("%", "%25") + "]";
        }
        return scheme + "://" + host + ":" + bound.getPort() + "/api/v1/" + (everyAddress ? " and every other address of this machine" : "");
    }

    private static void closeQuietly(Gateway gateway) {
        try {
            gateway.close();
        } catch (Exception e) {
            // it did not start: what it holds is freed as far as it can
        }
    }

    /**
     * A start refused after the engine started: frees what it holds (the gateways not started, the
     * admin API's socket, the hours' schedule, then the engine with the started gateways) and says
     * why, without a stack trace.
     */
    private CommandLine.ParameterException refused(String message, List<Gateway> unstarted, AdminServer.Listener adminListener,
                                                   HoursPublisher hours, Engine engine) {
        unstarted.forEach(RunCommand::closeQuietly);
        if (adminListener != null) {
            adminListener.close();
        }
        if (hours != null) {
            hours.close();
        }
        engine.close();
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** The numbers' ranges, before anything is opened: a negative duration would run for ever, a negative rate do nothing. */
    private void checkNumbers() {
        atLeast("--duration-seconds", durationSeconds, 0, "0 runs until stopped");
        atLeast("--tick-ms", tickMs, 1, "the longest time between two TICKs on a quiet engine");
        atLeast("--status-seconds", statusSeconds, 0, "0 prints none");
        atLeast("--snapshot-every", snapshotEvery, 0, "0 takes none");
        if (!(syntheticRate >= 0) || Double.isInfinite(syntheticRate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--synthetic-rate " + syntheticRate
                    + ": contacts per second, 0 or more (0 = no simulated traffic)");
        }
        if (journalRetentionDays > 0 && snapshotEvery == 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--snapshot-every 0 takes no snapshots, but the journal's "
                    + "retention (--journal-retention-days " + journalRetentionDays + ") needs them: a journal that lost its first days "
                    + "restarts from a snapshot. Give --snapshot-every above 0, or --journal-retention-days 0 to keep every day");
        }
        atLeast("--journal-retention-days", journalRetentionDays, 0, "0 keeps every day");
        atLeast("--audit-retention-days", auditRetentionDays, 0, "0 keeps everything");
        atLeast("--export-retention-days", exportRetentionDays, 0, "0 keeps everything");
        try {
            org.loket.host.pipeline.WaitStrategies.of(waitStrategy); // the same names as the core thread's idling
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--wait-strategy: " + e.getMessage());
        }
    }

    private void atLeast(String option, long value, long min, String meaning) {
        if (value < min) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + value + ": give " + min + " or more ("
                    + meaning + ")");
        }
    }

    /** Exports the due day if it is not there yet; a failure is printed and tried again at the next turn. */
    private static void exportDue(DailyExport export, java.io.PrintWriter out) {
        try {
            List<Path> written = export.exportDue();
            if (!written.isEmpty()) {
                out.printf("loket: exported %s%n", written.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")));
                out.flush();
            }
            List<Path> deleted = export.deletePastRetention();
            if (!deleted.isEmpty()) {
                out.printf("loket: deleted exports past their retention: %s%n",
                        deleted.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")));
                out.flush();
            }
        } catch (java.io.IOException | RuntimeException e) {
            out.printf("loket: export of %s failed (tried again in 10 minutes): %s%n", export.dueDay(), e);
            out.flush();
        }
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        for (String key : SettingsFile.secretKeys(settings)) {
            out.printf("loket: warning: --set %s shows its secret to every user of this machine (ps); put it in --settings FILE%n", key);
        }
        if (settingsFile != null) {
            try {
                settings = SettingsFile.merge(SettingsFile.load(settingsFile), settings);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        java.util.Set<String> knownSettings = new java.util.HashSet<>(AdminServer.SETTING_KEYS);
        knownSettings.addAll(java.util.List.of("config.watch", "loket.journal", org.loket.host.audit.OperatorAudit.RETENTION_DAYS_SETTING));
        ServiceLoader.load(GatewayProvider.class).forEach(provider -> knownSettings.addAll(provider.settingKeys()));
        try {
            SettingsFile.checkKnown(settings, knownSettings);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        boolean watching;
        try {
            watching = watchConfig || GatewayProvider.flag(settings, "config.watch", false);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (watching && config == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--watch-config (config.watch) needs --config DIR: the embedded default cannot change");
        }
        checkNumbers();
        LoadedConfig loaded = ConfigOption.load(config, spec);
        // Every setting is checked before the journal opens: a typo must not leave the new configuration
        // journaled (and so in force at the next start) by a start that then stops.
        // Gateways that keep files of their own (the chat transcripts) put them in the journal's folder of files.
        settings.putIfAbsent("loket.journal", journal.toAbsolutePath().toString());
        List<String> keptForJournal = new java.util.ArrayList<>(org.loket.host.audit.OperatorAudit.FILES);
        settings.putIfAbsent(org.loket.host.audit.OperatorAudit.RETENTION_DAYS_SETTING, Integer.toString(auditRetentionDays)); // the phone's monitoring log follows it
        List<Gateway> created = new java.util.ArrayList<>();
        for (GatewayProvider provider : ServiceLoader.load(GatewayProvider.class)) {
            try {
                Gateway gateway = provider.create(settings);
                if (gateway != null) {
                    created.add(gateway);
                    keptForJournal.addAll(provider.filesKeptForJournal(settings));
                }
            } catch (IllegalArgumentException e) { // a bad --set: say which, without a stack trace
                throw new CommandLine.ParameterException(spec.commandLine(), "gateway settings: " + e.getMessage());
            }
        }
        AdminServer.Options adminOptions;
        try {
            List<Path> roots = new java.util.ArrayList<>(List.of(Path.of("").toAbsolutePath()));
            if (config != null) {
                roots.add(config);
            }
            adminOptions = AdminServer.Options.from(settings, roots);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "admin API: " + e.getMessage());
        }
        EngineSettings engineSettings = EngineSettings.defaults().withWaitStrategy(waitStrategy).withSnapshotEvery(snapshotEvery)
                .withJournalRetentionDays(journalRetentionDays).withAuditRetentionDays(auditRetentionDays)
                .withMaxJournalAheadMs(allowJournalAhead ? Long.MAX_VALUE : EngineSettings.JOURNAL_AHEAD_LIMIT_MS);
        try (Journal journalFolder = Journal.open(journal)) {
            // Holding the lock, before anything opens them: what an older Loket kept for every journal in the parent folder.
            try {
                for (String line : JournalFiles.adoptShared(journal, keptForJournal)) {
                    out.println("loket: " + line + " (files are kept per journal now)");
                }
            } catch (IllegalStateException e) {
                created.forEach(RunCommand::closeQuietly);
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Engine engine;
            try {
                engine = Engine.start(engineSettings, journalFolder);
            } catch (JournalAheadException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage() + ". To go on from the journal's time"
                        + " anyway, start with --allow-journal-ahead");
            }
            var recovery = engine.recovery();
            if (engine.clockWarning() != null) {
                out.println("loket: warning: " + engine.clockWarning());
            }
            out.printf("loket: journal %s, recovered %d commands (snapshot %s), next sequence %d; %s; %s%n", journal,
                    recovery.commandsReplayed(), recovery.fromSnapshot() < 0 ? "none" : recovery.fromSnapshot(),
                    recovery.nextSequence(), journalRetentionDays == 0 ? "every day kept"
                            : "days kept " + journalRetentionDays + " days after they ended",
                    auditRetentionDays == 0 ? "every month of the audit kept"
                            : "audit months kept " + auditRetentionDays + " days after they ended");
            // Until a gateway is started its sockets are ours to free; the engine closes the started ones.
            List<Gateway> unstarted = new java.util.ArrayList<>(created);
            AdminServer.Listener adminListener = null;
            // Every listener is bound before anything is published: a port in use then refuses the start
            // with nothing journaled (a start that journaled the new configuration and then stopped would
            // leave it in force at the next start).
            try {
                adminListener = adminOptions == null ? null : AdminServer.bind(adminOptions);
            } catch (java.io.IOException e) {
                throw refused("admin API: " + e.getMessage() + ". Nothing was journaled", unstarted, null, null, engine);
            }
            for (Gateway gateway : created) {
                try {
                    gateway.bind();
                } catch (Exception e) {
                    throw refused("gateway " + gateway.name() + " could not start: " + Causes.messages(e) + ". Nothing was journaled",
                            unstarted, adminListener, null, engine);
                }
            }
            byte[] encoded = RoutingConfigCodec.encode(loaded.routing());
            var running = engine.core().config();
            if (running != null && loaded.routing().version() < running.version()) {
                // Versions only go up, at start as in a live reload: going back silently would undo a change
                // applied live (POST /api/v1/config) on every restart. (An equal version with other contents is
                // applied: the embedded default of a newer Loket keeps its version 1.)
                throw refused("configuration " + loaded.source() + " has version "
                        + loaded.routing().version() + ", but the journal has version " + running.version() + " in force (applied live"
                        + " after this folder was written?): start with the folder of version " + running.version() + " or a newer one;"
                        + " to go back to this one, raise its 'version:' above " + running.version() + ". Nothing was started",
                        unstarted, adminListener, null, engine);
            }
            for (Gateway gateway : created) {
                // First, stamped as of the journal's end: before the timers that fell due while Loket was down.
                try {
                    gateway.endContactsLeftAtRestart(engine);
                } catch (Exception e) {
                    throw refused("gateway " + gateway.name() + " could not end the contacts the previous process left: "
                            + Causes.messages(e), unstarted, adminListener, null, engine);
                }
            }
            if (running == null || !Arrays.equals(RoutingConfigCodec.encode(running), encoded)) {
                engine.publishConfig(loaded);
                out.printf("loket: applying configuration %s (version %d)%n", loaded.source(), loaded.routing().version());
            }
            // Before any gateway: the first contacts already find the queues open or closed by the hours.
            engine.awaitQuiet(30_000);
            HoursPublisher hours = new HoursPublisher(engine, engine::nowNs);
            boolean hoursIgnored = ignoreHours || syntheticRate > 0; // simulated citizens come at any hour
            boolean coreTookIt = engine.core().config() != null && Arrays.equals(RoutingConfigCodec.encode(engine.core().config()), encoded);
            if (!coreTookIt) {
                out.printf("loket: warning: the core refused configuration %s (contacts in flight from the journal?); "
                        + "business hours are not followed until a configuration is applied%n", loaded.source());
            } else if (hoursIgnored) {
                hours.openAll();
                out.println("loket: business hours ignored (" + (ignoreHours ? "--ignore-hours" : "implied by --synthetic-rate")
                        + "): every queue open");
            } else {
                int[] state = hours.apply(loaded);
                out.printf("loket: business hours (%s): %d of %d queues open now%n", loaded.hours().zone(),
                        Arrays.stream(state).filter(p -> p < 0).count(), state.length);
            }
            LoadedConfig gatewayConfig = coreTookIt ? loaded : forGateways(loaded, engine.core().config());
            engine.startGateway(new DecisionCounters(), gatewayConfig, settings); // counts for GET /metrics
            for (Gateway gateway : created) {
                try {
                    engine.startGateway(gateway, gatewayConfig, settings);
                    unstarted.remove(gateway);
                } catch (Exception e) { // a folder it cannot write: say which, without a stack trace (its ports are bound already)
                    throw refused("gateway " + gateway.name() + " could not start: " + Causes.messages(e), unstarted, adminListener,
                            hours, engine);
                }
                String where = gateway.whereToReach();
                out.printf("loket: gateway %s started%s%n", gateway.name(), where.isEmpty() ? "" : ": " + where);
            }
            if (syntheticRate > 0) {
                // Ids above every id the journal has seen: a restarted demo never reuses one.
                long firstId = (recovery.nextSequence() + 1) * 1_000L;
                SyntheticTraffic traffic = new SyntheticTraffic(WorldParams.demo(syntheticRate), seed, firstId);
                engine.startGateway(traffic, gatewayConfig, settings);
            }
            // One applier for the admin API and the file watch: their applies are serialised.
            ConfigApplier applier = new ConfigApplier(engine, hoursIgnored ? null : hours, coreTookIt ? loaded : null);
            EngineMetrics.register(engine, applier);
            JvmMetrics.builder().register(engine.metrics());
            AdminServer admin = adminListener == null ? null
                    : AdminServer.start(engine, journal, hoursIgnored ? null : hours, applier, adminListener);
            if (admin != null) {
                out.printf("loket: admin API on %s (bearer tokens from admin.tokenFile / admin.operatorsFile;"
                        + " changes recorded in %s)%n", adminAddress(admin.scheme(), admin.address()), engine.audit().file());
            }
            ConfigWatcher watcher = null;
            if (watching) {
                var log = out;
                try {
                    watcher = ConfigWatcher.start(config, applier, engine.audit(), line -> {
                        log.println("loket: " + line);
                        log.flush();
                    });
                } catch (java.io.IOException e) {
                    if (admin != null) {
                        admin.close();
                    }
                    hours.close();
                    engine.close();
                    throw new CommandLine.ParameterException(spec.commandLine(), "cannot watch " + config + ": " + e.getMessage());
                }
                out.printf("loket: watching %s for changes (applied %d ms after the last save)%n", config, ConfigWatcher.QUIET_MS);
            }
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch stopped = new CountDownLatch(1);
            // Ctrl-C or SIGTERM: let the main thread drain the ring, snapshot and close the journal
            // before the JVM halts.
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "loket-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            engine.failure().thenRun(stop::countDown);
            ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "loket-timers");
                t.setDaemon(true);
                return t;
            });
            Ticker.start(engine, tickMs); // the engine stops it when it closes
            if (exportFolder != null) {
                DailyExport export = new DailyExport(journal, exportFolder, loaded.hours().zone(), java.time.Clock.systemUTC(),
                        exportRetentionDays);
                // On the timer thread: a day's export reads a day of the journal, and nothing else waits for it.
                timers.scheduleWithFixedDelay(() -> exportDue(export, out), 0, 10, TimeUnit.MINUTES);
                out.printf("loket: exporting each day's contact records and KPIs to %s at %02d:00 (%s)%n", exportFolder,
                        DailyExport.EXPORT_HOUR, loaded.hours().zone());
            }
            if (statusSeconds > 0) {
                timers.scheduleAtFixedRate(() -> out.printf("loket: %d commands, %d decisions, %d refused publishes%s%n",
                        engine.processed(), engine.decisions(), engine.publishFailures(), watching || admin != null
                                ? String.format(", configurations: %d applied, %d invalid, %d blocked, %d stale versions",
                                        applier.applied(), applier.invalid(), applier.blocked(), applier.staleVersions()) : ""),
                        statusSeconds, statusSeconds, TimeUnit.SECONDS);
            }
            out.printf("loket: running%s; stop with Ctrl-C%n", durationSeconds > 0 ? " for " + durationSeconds + " s" : "");
            out.flush();
            if (durationSeconds > 0) {
                stop.await(durationSeconds, TimeUnit.SECONDS);
            } else {
                stop.await();
            }
            try {
                // A day's export under way finishes (its file appears whole or not at all either way); the rest stops.
                timers.shutdown();
                if (!timers.awaitTermination(10, TimeUnit.SECONDS)) {
                    timers.shutdownNow();
                }
                if (watcher != null) {
                    watcher.close();
                }
                if (admin != null) {
                    admin.close();
                }
                hours.close();
                engine.close();
                String halted = engine.failureReason();
                if (halted != null) {
                    // The reason again, last: an operator reading the log's tail sees why, not only that.
                    out.println("loket: halted after a failure: " + halted + "; restart to recover from the journal");
                    return 70;
                }
                out.printf("loket: stopped after %d commands; last sequence %d, live contacts %d, state hash %016x%n",
                        engine.processed(), engine.core().lastSequence(), engine.core().liveContacts(), engine.core().stateHash());
                out.flush();
                return 0;
            } finally {
                stopped.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down (Ctrl-C): the hook is running
                }
            }
        }
    }
}
