package org.loket.host.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.config.PhonePrompts;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.routing.RoutingCore;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;

/** An engine with a journal in a temporary folder, ticking every 10 ms, running the configuration in {@code config}. */
final class RunningEngine implements AutoCloseable {
    /** One voice queue {@code q} (priority {@code priority}) served by agent ann, entry phone: a reload's smallest world. */
    static String yaml(long version, String queueName, int priority) {
        return """
                version: %d
                skills: [s]
                queues: [{name: %s, channel: voice, skill: s, priority: %d}]
                agents: [{name: ann, skills: {s: 3}}]
                entries: [{name: phone, queue: %s}]
                """.formatted(version, queueName, priority, queueName) + PHONE_PROMPTS;
    }

    /** The prompts section a configuration with voice queues needs to load without a warning ({@link PhonePrompts}). */
    static final String PHONE_PROMPTS = "prompts: {" + PhonePrompts.ALL.stream().map(p -> p + ": {nl: \"" + p + "\"}")
            .collect(java.util.stream.Collectors.joining(", ")) + "}\n";

    final Journal journal;
    final Engine engine;
    final LoadedConfig started;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();

    RunningEngine(Path folder, Path config) throws Exception {
        journal = Journal.open(folder.resolve("journal"));
        engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
        started = ConfigLoader.load(config);
        engine.publishConfig(RoutingConfigCodec.encode(started.routing()));
        ticks.scheduleAtFixedRate(engine::publishTick, 10, 10, TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (query(core -> core.config() == null) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Writes {@code yaml} as the folder's routing.yaml. */
    static Path write(Path folder, String yaml) throws java.io.IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("routing.yaml"), yaml);
        return folder;
    }

    <T> T query(Function<RoutingCore, T> read) throws Exception {
        return engine.query(read).get(5, TimeUnit.SECONDS);
    }

    long version() throws Exception {
        return query(core -> core.config().version());
    }

    int priority(int queue) throws Exception {
        return query(core -> core.config().queues().get(queue).defaultPriority());
    }

    org.loket.core.ContactState contactState(long contactId) throws Exception {
        return query(core -> core.contactState(contactId));
    }

    /** A voice contact arriving at entry 0 (it waits in the entry's queue while no agent is logged in). */
    void arrive(long contactId) throws Exception {
        publish(CommandType.CONTACT_ARRIVED, contactId, -1);
    }

    /** The caller hangs up while waiting. */
    void abandon(long contactId) throws Exception {
        publish(CommandType.CONTACT_ABANDONED, contactId, -1);
    }

    void logIn(int agentId) throws Exception {
        publish(CommandType.AGENT_LOGGED_IN, 0, agentId);
    }

    /** The agent sets its presence, as from the desktop or the admin API; {@code reason} is a pause's reason code. */
    void presence(int agentId, AgentState state, int reason) throws Exception {
        publish((c, unused) -> {
            c.type = CommandType.AGENT_STATE_CHANGED;
            c.agentId = agentId;
            c.agentState = state.code();
            c.reason = reason;
        });
    }

    /** A command of an agent about a contact it holds (accept, end, wrap-up done), with {@code reason} (a wrap-up's code). */
    void held(CommandType type, long contactId, int agentId, int reason) throws Exception {
        publish((c, unused) -> {
            c.type = type;
            c.contactId = contactId;
            c.agentId = agentId;
            c.reason = reason;
        });
    }

    private void publish(CommandType type, long contactId, int agentId) throws Exception {
        publish((c, unused) -> {
            c.type = type;
            c.contactId = contactId;
            c.agentId = agentId;
            c.entryId = 0;
            c.channel = Channel.VOICE.code();
        });
    }

    private void publish(CommandFiller<Void> filler) throws Exception {
        if (!engine.tryPublish(filler, null)) {
            throw new IllegalStateException("ring full");
        }
        engine.awaitQuiet(5_000);
    }

    /** Waits until {@code read} is true on the core thread (or five seconds pass) and says whether it became true. */
    boolean await(Function<RoutingCore, Boolean> read) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!query(read)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public void close() {
        ticks.shutdownNow();
        engine.close();
        journal.close();
    }
}
