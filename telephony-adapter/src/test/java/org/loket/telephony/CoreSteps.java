package org.loket.telephony;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;

/** Commands into a real engine and what its journal holds, by the names of a configuration (the restart tests'). */
final class CoreSteps {
    private final LoadedConfig config;

    CoreSteps(LoadedConfig config) {
        this.config = config;
    }

    void arrive(Engine engine, long contactId, String entry, Channel channel) {
        int entryId = config.routing().entries().stream().map(e -> e.name()).toList().indexOf(entry);
        publish(engine, c -> {
            c.type = CommandType.CONTACT_ARRIVED;
            c.contactId = contactId;
            c.entryId = entryId;
            c.channel = channel.code();
        });
    }

    void logIn(Engine engine, String agent) {
        publish(engine, c -> {
            c.type = CommandType.AGENT_LOGGED_IN;
            c.agentId = agent(agent);
        });
    }

    /** Pauses the agent with a reason, as a gateway's command does. */
    void pause(Engine engine, String agent, int reason) {
        publish(engine, c -> {
            c.type = CommandType.AGENT_STATE_CHANGED;
            c.agentId = agent(agent);
            c.agentState = org.loket.core.AgentState.PAUSED.code();
            c.reason = reason;
        });
    }

    /** The agent's presence and pause reason, as the core has them now. */
    List<Object> presence(Engine engine, String agent) throws Exception {
        int a = agent(agent);
        return engine.query(core -> List.<Object>of(core.agentPresence(a), core.agentPauseReason(a)))
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Waits up to 10 s for the agent's presence and pause reason. */
    void awaitPresence(Engine engine, String agent, org.loket.core.AgentState state, int reason) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!presence(engine, agent).equals(List.of(state, reason))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(agent + ": expected " + state + " " + reason + ", is " + presence(engine, agent));
            }
            Thread.sleep(50);
        }
    }

    /** A phone gateway whose AMI secret cannot be read: nothing reaches Asterisk unless a test hands it phones. */
    static TelephonyGateway gatewayWithoutAsterisk() {
        return new TelephonyGateway(TelephonySettings.from(java.util.Map.of("telephony.ami.secretFile", "unused")));
    }

    int agent(String name) {
        return config.routing().agents().stream().map(a -> a.name()).toList().indexOf(name);
    }

    static void publish(Engine engine, Consumer<Command> fill) {
        while (!engine.tryPublish((c, unused) -> fill.accept(c), null)) {
            Thread.onSpinWait();
        }
    }

    /** Copies of the journaled commands of one type. */
    static List<Command> journaled(Journal journal, CommandType type) {
        List<Command> found = new ArrayList<>();
        try (Journal.CommandReader reader = journal.commandReader()) {
            Command c = new Command();
            while (reader.next(c)) {
                if (c.type == type) {
                    found.add(new Command().copyFrom(c));
                }
            }
        }
        return found;
    }

    static long lastCommandNs(Journal journal) {
        long last = 0;
        try (Journal.CommandReader reader = journal.commandReader()) {
            Command c = new Command();
            while (reader.next(c)) {
                last = c.timestampNs;
            }
        }
        return last;
    }
}
