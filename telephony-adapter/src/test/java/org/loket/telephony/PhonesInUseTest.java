package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.host.gateway.GatewayContext;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;

/**
 * Agents whose phone is in a call Loket did not make, with a real engine and journal and a stand-in
 * for Asterisk's answers: paused {@code phone-in-use} at a restart or after a failed ring, made ready
 * when the phone is free, and left alone when they are not what they seem.
 */
class PhonesInUseTest {
    private final LoadedConfig config;
    private final CoreSteps steps;
    /** What the stand-in AMI says of each phone: true in a call, false not; absent: it cannot say. */
    private final Map<String, Boolean> inCall = new ConcurrentHashMap<>();
    private final ExecutorService actions = Executors.newVirtualThreadPerTaskExecutor();

    @TempDir
    Path folder;

    PhonesInUseTest() throws Exception {
        config = ConfigLoader.load(Path.of("src/test/resources/phone-it"));
        steps = new CoreSteps(config);
    }

    /**
     * Loket restarts while the fallback queue has connected agent-3 with a caller: agent-3 is paused
     * as of the journal's end, before anything can be offered to it; agent-6, ready with a free
     * phone, is left ready. Once agent-3's phone is free it is ready again.
     */
    @Test
    void shouldPauseAReadyAgentWhosePhoneIsInACallAtARestartUntilItIsFree() throws Exception {
        Path journalFolder = folder.resolve("journal");
        try (Journal journal = Journal.open(journalFolder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(config);
                steps.logIn(engine, "agent-3");
                steps.logIn(engine, "agent-6");
                engine.awaitQuiet(5_000);
            } finally {
                engine.close();
            }
        }
        try (Journal journal = Journal.open(journalFolder)) {
            long lastBeforeRestartNs = CoreSteps.lastCommandNs(journal);
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.usePhones(() -> new CallsLeftAtRestart.Phones() {
                    @Override
                    public PhoneState state(String endpoint) {
                        throw new AssertionError("no offer to ask about");
                    }

                    @Override
                    public boolean stopRinging(String endpoint) {
                        throw new AssertionError("no offer to ask about");
                    }

                    @Override
                    public PhoneState phone(String endpoint) {
                        asked.add(endpoint);
                        return endpoint.equals("agent-3") ? PhoneState.IN_CALL : PhoneState.FREE;
                    }
                });
                gateway.endContactsLeftAtRestart(engine);
                engine.publishTick();
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                engine.awaitQuiet(5_000);

                assertThat(asked).as("the ready agents' phones").containsExactlyInAnyOrder("agent-3", "agent-6");
                assertThat(steps.presence(engine, "agent-3")).containsExactly(AgentState.PAUSED, PauseReason.PHONE_IN_USE);
                assertThat(steps.presence(engine, "agent-6")).containsExactly(AgentState.READY, PauseReason.UNSPECIFIED);
                Command pause = CoreSteps.journaled(journal, CommandType.AGENT_STATE_CHANGED).get(0);
                assertThat(pause.timestampNs).as("as of the journal's end, before anything is routed").isEqualTo(lastBeforeRestartNs);
                assertThat(gateway.calls().counters.phonesInUse.get()).isEqualTo(1);
                assertThat(gateway.phonesInUse().watches("agent-3")).isTrue();

                PhonesInUse.Line line = line(engine, gateway);
                inCall.put("agent-3", true);
                assertThat(gateway.phonesInUse().checkFree(line)).as("still in the call").isZero();
                inCall.remove("agent-3");
                assertThat(gateway.phonesInUse().checkFree(line)).as("the AMI cannot say").isZero();
                inCall.put("agent-3", false);
                assertThat(gateway.phonesInUse().checkFree(line)).isEqualTo(1);
                engine.awaitQuiet(5_000);
                assertThat(steps.presence(engine, "agent-3")).containsExactly(AgentState.READY, PauseReason.UNSPECIFIED);
                assertThat(gateway.calls().counters.phonesFreed.get()).isEqualTo(1);
                assertThat(gateway.phonesInUse().watches("agent-3")).isFalse();
            } finally {
                engine.close();
            }
        }
    }

    /**
     * The core's offer timer pauses agent-3 {@code no-answer} (an {@code AGENT_STATE} decision) while
     * its phone is in another call; Loket is killed while agent-3 is paused {@code phone-in-use}; the
     * next process watches it again and makes it ready when the phone is free.
     */
    @Test
    void shouldTakeATimedOutOfferAndWatchAgainAnAgentPausedSoByThePreviousProcess() throws Exception {
        Path journalFolder = folder.resolve("journal");
        try (Journal journal = Journal.open(journalFolder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(config);
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                inCall.put("agent-3", true);
                gateway.phonesInUse().start(line(engine, gateway));
                engine.addGateway(gateway);
                steps.logIn(engine, "agent-3");
                steps.arrive(engine, 801, "transfer", Channel.VOICE); // rings agent-3 for 4 s
                Thread.sleep(4_500);
                engine.publishTick(); // the offer times out: the core pauses agent-3 no-answer
                steps.awaitPresence(engine, "agent-3", AgentState.PAUSED, PauseReason.PHONE_IN_USE);
            } finally {
                engine.close(); // as a kill leaves it
            }
        }
        try (Journal journal = Journal.open(journalFolder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.usePhones(() -> {
                    throw new java.net.ConnectException("Connection refused");
                });
                gateway.endContactsLeftAtRestart(engine);
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                assertThat(gateway.phonesInUse().watches("agent-3")).as("watched again").isTrue();
                inCall.put("agent-3", false);
                assertThat(gateway.phonesInUse().checkFree(line(engine, gateway))).isEqualTo(1);
                engine.awaitQuiet(5_000);
                assertThat(steps.presence(engine, "agent-3")).containsExactly(AgentState.READY, PauseReason.UNSPECIFIED);
            } finally {
                engine.close();
            }
        }
    }

    /** Asterisk cannot be asked at the restart: nobody is paused (a failed ring finds them later). */
    @Test
    void shouldPauseNobodyWhenAsteriskCannotBeAskedAtARestart() throws Exception {
        Path journalFolder = folder.resolve("journal");
        try (Journal journal = Journal.open(journalFolder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(config);
                steps.logIn(engine, "agent-3");
                engine.awaitQuiet(5_000);
            } finally {
                engine.close();
            }
        }
        try (Journal journal = Journal.open(journalFolder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.usePhones(() -> {
                    throw new java.net.ConnectException("Connection refused");
                });
                gateway.endContactsLeftAtRestart(engine);
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                engine.awaitQuiet(5_000);
                assertThat(steps.presence(engine, "agent-3")).containsExactly(AgentState.READY, PauseReason.UNSPECIFIED);
                assertThat(gateway.calls().counters.phonesInUse.get()).isZero();
            } finally {
                engine.close();
            }
        }
    }

    /**
     * Offers whose ring failed: agent-3's phone is in a call Loket did not make (its no-answer pause
     * becomes phone-in-use, and it is ready again once the phone is free); agent-6's phone is free
     * (no-answer stays: the agent let it ring); agent-5's phone is in Loket's own call (no-answer
     * stays: the agent let another offer ring).
     */
    @Test
    void shouldTurnANoAnswerIntoPhoneInUseOnlyForAPhoneInACallThatIsNotLoketS() throws Exception {
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(config);
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                for (String agent : List.of("agent-3", "agent-5", "agent-6")) {
                    steps.logIn(engine, agent);
                }
                steps.arrive(engine, 701, "soft", Channel.VOICE); // agent-5 takes it: Loket's call
                CoreSteps.publish(engine, c -> {
                    c.type = CommandType.OFFER_ACCEPTED;
                    c.contactId = 701;
                    c.agentId = steps.agent("agent-5");
                });
                steps.arrive(engine, 702, "transfer", Channel.VOICE); // rings agent-3
                steps.arrive(engine, 703, "busy", Channel.VOICE);     // rings agent-6
                engine.awaitQuiet(5_000);
                inCall.putAll(Map.of("agent-3", true, "agent-5", true, "agent-6", false));
                PhonesInUse phones = gateway.phonesInUse();
                phones.start(line(engine, gateway));
                engine.addGateway(gateway); // its egress sees the pauses
                for (String agent : List.of("agent-3", "agent-5", "agent-6")) {
                    // as a refused ring does it (CallSession.ringRefused: a command, which no AGENT_STATE decision tells)
                    steps.pause(engine, agent, PauseReason.NO_ANSWER);
                }
                steps.awaitPresence(engine, "agent-3", AgentState.PAUSED, PauseReason.PHONE_IN_USE);
                Thread.sleep(200);
                engine.awaitQuiet(5_000);
                assertThat(steps.presence(engine, "agent-5")).as("its phone is in Loket's call").containsExactly(AgentState.PAUSED,
                        PauseReason.NO_ANSWER);
                assertThat(steps.presence(engine, "agent-6")).as("its phone is free").containsExactly(AgentState.PAUSED, PauseReason.NO_ANSWER);
                assertThat(engine.query(core -> core.contactState(702)).get(5, TimeUnit.SECONDS)).isEqualTo(ContactState.OFFERED);
                assertThat(gateway.calls().counters.phonesInUse.get()).isEqualTo(1);

                inCall.put("agent-3", false); // the watch (a round every 2 s) makes it ready
                steps.awaitPresence(engine, "agent-3", AgentState.READY, PauseReason.UNSPECIFIED);
                assertThat(gateway.calls().counters.phonesFreed.get()).isEqualTo(1);
            } finally {
                engine.close();
            }
        }
    }

    /** An agent who paused for a break (or was logged out) while its phone was in use is not made ready when it is free. */
    @Test
    void shouldLeaveAnAgentWhoseStateChangedMeanwhile() throws Exception {
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(config);
                TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
                gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
                steps.logIn(engine, "agent-3");
                engine.awaitQuiet(5_000);
                PhonesInUse phones = gateway.phonesInUse();
                Map<String, Integer> ready = engine.query(phones::readAtRestart).get(5, TimeUnit.SECONDS);
                assertThat(phones.pauseAtRestart(ready, java.util.Set.of("agent-3"), out -> gateway.calls().publish(out))).isEqualTo(1);
                engine.awaitQuiet(5_000);
                int breakCode = PauseReason.FIRST_OPERATOR_CODE;
                steps.pause(engine, "agent-3", breakCode);
                engine.awaitQuiet(5_000);
                inCall.put("agent-3", false);
                assertThat(phones.checkFree(line(engine, gateway))).isZero();
                engine.awaitQuiet(5_000);
                assertThat(steps.presence(engine, "agent-3")).containsExactly(AgentState.PAUSED, breakCode);
                assertThat(phones.watches("agent-3")).as("forgotten").isFalse();
            } finally {
                engine.close();
            }
        }
    }

    private PhonesInUse.Line line(Engine engine, TelephonyGateway gateway) {
        return new PhonesInUse.Line(inCall::get, () -> true, engine, gateway.calls(), steps::agent, actions);
    }
}
