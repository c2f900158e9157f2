package org.loket.chat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.loket.config.LoadedConfig;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.host.gateway.Gateway;
import org.loket.host.gateway.GatewayContext;
import org.loket.host.kpi.KpiCollector;
import org.loket.host.kpi.TodayKpis;
import org.loket.host.pipeline.Engine;
import org.loket.host.trace.CitizenHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat gateway: one Netty server for the citizen web chat, the agent desktop, the supervisor
 * wallboard and the work-item webhook. Decisions reach it on the egress thread; it copies each one
 * and hands it to its {@link ChatHub} thread, so egress never waits on a socket. A configuration
 * applied during traffic reaches the hub the same way, in order with the decisions.
 */
public final class ChatGateway implements Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(ChatGateway.class);

    private final ChatSettings settings;
    private final ChatCounters counters = new ChatCounters();
    private ChatHub hub;
    private ChatServer server;
    /** The listening socket {@link #bind} bound, until {@link #start} serves on it. */
    private java.nio.channels.ServerSocketChannel bound;
    private Webhook webhook;
    private TranscriptStore transcripts;
    private Thread seeder;
    private Thread resyncer;

    public ChatGateway(ChatSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "chat";
    }

    /** Binds {@code chat.bind}:{@code chat.port}; {@link #start} serves on it. */
    @Override
    public void bind() throws java.io.IOException {
        bound = ChatServer.bind(settings);
    }

    @Override
    public void start(GatewayContext context) throws Exception {
        webhook = new Webhook(settings, counters);
        transcripts = TranscriptStore.open(settings.transcriptFolder(), settings.transcriptRetentionDays());
        hub = new ChatHub(settings, context, counters, webhook, transcripts);
        restore(context);
        seedToday(context);
        resyncFromCore(context);
        server = new ChatServer(settings, hub, counters, transcripts);
        org.loket.host.metrics.Families.registerCounters(context.metrics(), "loket_chat", "chat gateway", counters::snapshot);
        server.start(bound);
        bound = null; // the server's now
        LOG.info("chat gateway listening on {}://{}:{} ({})", settings.tls() ? "https" : "http",
                server.address().getHostString(), server.address().getPort(), settings);
    }

    /**
     * After a restart: the conversations of ours the core still holds come back from the transcript
     * store before the server accepts a connection. The core is asked between two batches (a tick
     * makes sure one comes); a context without an engine (a test double) has nothing to restore.
     */
    private void restore(GatewayContext context) throws Exception {
        Engine engine = context.engine();
        if (engine == null) {
            return;
        }
        long startNs = System.nanoTime();
        var asked = engine.query(core -> {
            long[] ids = new long[core.liveContacts()];
            int n = core.liveContactIds(ids);
            Map<Long, HubRestart.LiveContact> live = new HashMap<>();
            for (int i = 0; i < n; i++) {
                live.put(ids[i], new HubRestart.LiveContact(core.contactState(ids[i]).code(), core.contactQueue(ids[i]),
                        core.contactAgent(ids[i]), core.contactHolder(ids[i])));
            }
            return Map.entry(live, HubRestart.CoreView.of(core));
        });
        var core = asked.get(30, TimeUnit.SECONDS);
        TranscriptStore.Restart stored = transcripts.readForRestart(core.getKey().keySet(),
                System.currentTimeMillis() - WorkItemIds.ENDED_KEEP_MS).get(5, TimeUnit.MINUTES);
        int restored = hub.ask(h -> h.restore(core.getKey(), stored, core.getValue())).get(30, TimeUnit.SECONDS);
        LOG.info("chat: {} live contacts in the core, {} conversations restored from {} in {} ms", core.getKey().size(), restored,
                settings.transcriptFolder(), (System.nanoTime() - startNs) / 1_000_000);
    }

    /**
     * Agents' presences and the announcement once this gateway is in egress: commands other gateways
     * published between {@link #restore}'s read of the core and the first command this gateway is fed
     * (phones logging in at start, say) reach no mirror of the hub's, so the hub takes them again.
     * The core's answer is handed to the hub from inside the query, on the core thread, so it joins
     * the hub's queue before any later command's egress does, and commands mirrored after it are
     * newer than it.
     */
    private void resyncFromCore(GatewayContext context) {
        Engine engine = context.engine();
        if (engine == null) {
            return;
        }
        ChatHub joined = hub;
        resyncer = Thread.ofVirtual().name("chat-presence-resync").start(() -> {
            try {
                awaitInEgress(joined, engine);
                engine.query(core -> {
                    HubRestart.CoreView view = HubRestart.CoreView.of(core);
                    joined.execute(() -> joined.resync(view));
                    return null;
                }).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException | java.util.concurrent.RejectedExecutionException e) {
                // the gateway is closing
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("chat: agents' presences not read again from the core ({}); the wallboard follows their next commands", e.toString());
            }
        });
    }

    /**
     * Waits until the hub was fed its first command and the engine handed that command out (so it
     * and everything before it is journaled).
     *
     * @return the sequence of the first command the hub was fed
     */
    private static long awaitInEgress(ChatHub hub, Engine engine) throws InterruptedException {
        long first;
        while ((first = hub.wallboard().firstFedSequence()) == Long.MIN_VALUE || engine.egressedSequence() < first) {
            TimeUnit.MILLISECONDS.sleep(20); // the engine's heartbeat tick comes within a second
        }
        return first;
    }

    /**
     * After a restart the wallboard's figures of today come from the journal, not from zero: the
     * commands before the first one this gateway is fed (it is added to the engine after this start
     * returns) are read from the journal on a thread of their own, then the hub feeds the ones it
     * got meanwhile on top. Without an engine or a journal folder, today counts from this start.
     */
    private void seedToday(GatewayContext context) {
        String folder = context.settings().get(ChatSettings.JOURNAL);
        Engine engine = context.engine();
        if (engine == null || folder == null) {
            return;
        }
        ChatHub seeded = hub;
        seeded.execute(() -> seeded.wallboard().seedingToday()); // ahead of every command: the hub's queue is FIFO
        ZoneId zone = context.config().hours().zone();
        seeder = Thread.ofVirtual().name("chat-today-seed").start(() -> {
            try {
                long first = awaitInEgress(seeded, engine);
                long startNs = System.nanoTime();
                long today = LocalDate.now(zone).toEpochDay();
                // The same read gives the calls the hub restored their self-service path back.
                CallPaths calls = new CallPaths(seeded.ask(ChatHub::callsWithoutPath).join());
                // The citizens' history of the last days comes from the same read, which starts that much earlier.
                CitizenHistory history = ChatHub.newHistory(settings, zone, null); // the read starts with the configuration then in force
                Instant readFrom = Instant.now().minus(java.time.Duration.ofDays(settings.citizenHistoryDays()));
                TodayKpis kpis = TodayKpis.fromJournal(Path.of(folder), first, zone, KpiCollector.DEFAULT_SHORT_ABANDON_MS, today, readFrom,
                        history == null ? calls : (command, decisions, count) -> {
                            calls.accept(command, decisions, count);
                            history.accept(command, decisions, count);
                        });
                seeded.execute(() -> seeded.journalSeeded(kpis, history));
                seeded.execute(() -> seeded.callPathsRead(calls.paths()));
                LOG.info("chat: today's wallboard figures read from the journal up to sequence {} in {} ms", first,
                        (System.nanoTime() - startNs) / 1_000_000);
            } catch (InterruptedException | java.util.concurrent.RejectedExecutionException e) {
                // the gateway is closing (its hub no longer takes tasks): nobody reads the figures any more
            } catch (RuntimeException e) {
                LOG.warn("chat: today's wallboard figures could not be read from the journal {} ({}); they count from this start",
                        folder, e.toString());
                seeded.execute(() -> seeded.wallboard().todayNotSeeded());
            }
        });
    }

    /** Egress thread: copy and hand over; never blocks (the hub's queue is unbounded and lock-free to offer to). */
    @Override
    public void onDecision(Decision decision) {
        if (hub != null && ChatHub.wants(decision)) {
            Decision copy = new Decision().copyFrom(decision);
            hub.execute(() -> hub.onDecision(copy));
        }
    }

    /** Egress thread: every command with its decisions, copied, for today's figures on the wallboard. */
    @Override
    public void onCommand(Command command, Decision[] decisions, int count) {
        if (hub != null) {
            Command commandCopy = new Command().copyFrom(command);
            Decision[] copies = new Decision[count];
            for (int i = 0; i < count; i++) {
                copies[i] = new Decision().copyFrom(decisions[i]);
            }
            hub.execute(() -> hub.onCommand(commandCopy, copies));
        }
    }

    /**
     * Egress thread, right behind the {@code CONFIGURATION_APPLIED} decision: the hub switches in the
     * same order as it takes decisions (its queue is FIFO), so the decisions it handles after the
     * switch are read with the new ids and its later commands carry them.
     */
    @Override
    public void onConfigApplied(LoadedConfig config) {
        if (hub != null) {
            hub.execute(() -> hub.configApplied(config));
        }
    }

    @Override
    public String whereToReach() {
        return (settings.tls() ? "https" : "http") + "://" + server.address().getHostString() + ":" + server.address().getPort()
                + " (/chat for citizens, /desktop for agents, /wallboard for supervisors, /api/v1/work-items for mail and webcare)";
    }

    /** The bound address (the port is the real one when {@code chat.port=0}), also between {@link #bind} and {@link #start}. */
    public InetSocketAddress address() {
        if (server == null && bound != null) {
            try {
                return (InetSocketAddress) bound.getLocalAddress();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return server.address();
    }

    public ChatCounters counters() {
        return counters;
    }

    TranscriptStore transcripts() {
        return transcripts;
    }

    /** The hub, for tests that wait for a state. */
    ChatHub hub() {
        return hub;
    }

    @Override
    public void close() {
        if (seeder != null) {
            seeder.interrupt();
        }
        if (resyncer != null) {
            resyncer.interrupt();
        }
        if (server != null) {
            server.close();
        }
        if (bound != null) { // bound, never served
            try {
                bound.close();
            } catch (java.io.IOException e) {
                LOG.warn("chat: closing the listening socket failed: {}", e.toString());
            }
        }
        if (hub != null) {
            hub.close();
        }
        if (transcripts != null) {
            transcripts.close(); // after the hub: every line it said is written
        }
        if (webhook != null) {
            webhook.close();
        }
    }
}
