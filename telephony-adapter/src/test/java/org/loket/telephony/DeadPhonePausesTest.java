package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.AgentState;
import org.loket.core.PauseReason;
import org.loket.host.gateway.GatewayContext;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;

/**
 * No-answer pauses a dead phone caused, with a real engine and journal: ended when the phone is
 * back, and left alone when the agent changed state meanwhile or the pause was older than the blip.
 */
class DeadPhonePausesTest {
    private final LoadedConfig config;
    private final CoreSteps steps;
    private final ExecutorService actions = Executors.newVirtualThreadPerTaskExecutor();

    @TempDir
    Path folder;

    DeadPhonePausesTest() throws Exception {
        config = ConfigLoader.load(Path.of("src/test/resources/phone-it"));
        steps = new CoreSteps(config);
    }

    /**
     * agent-3's offer rang out on a phone that had just lost the network: paused no-answer, then
     * the phone found unreachable; agent-4's ring was still going when its phone was found
     * unreachable and ran out after. When the phones are back both are ready. agent-5, in agent-3's
     * case, took a break meanwhile: left on it. agent-6 is ready: nothing to end.
     */
    @Test
    void shouldEndTheNoAnswerPauseADeadPhoneCausedWhenItIsBack() throws Exception {
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                TelephonyGateway gateway = started(engine);
                DeadPhonePauses dead = new DeadPhonePauses();
                dead.start(line(engine, gateway));
                List<String> agents = List.of("agent-3", "agent-4", "agent-5", "agent-6");
                for (String agent : agents) {
                    steps.logIn(engine, agent);
                }
                steps.pause(engine, "agent-3", PauseReason.NO_ANSWER);
                steps.pause(engine, "agent-5", PauseReason.NO_ANSWER);
                engine.awaitQuiet(5_000);
                agents.forEach(dead::unreachable);
                assertThat(dead.awaitIdle()).isTrue();
                steps.pause(engine, "agent-4", PauseReason.NO_ANSWER); // its ring ran out after the phone was found dead
                steps.pause(engine, "agent-5", PauseReason.FIRST_OPERATOR_CODE); // a break while the phone is gone
                engine.awaitQuiet(5_000);
                agents.forEach(dead::back);
                steps.awaitPresence(engine, "agent-3", AgentState.READY, PauseReason.UNSPECIFIED);
                steps.awaitPresence(engine, "agent-4", AgentState.READY, PauseReason.UNSPECIFIED);
                engine.awaitQuiet(5_000);
                assertThat(steps.presence(engine, "agent-5")).containsExactly(AgentState.PAUSED, PauseReason.FIRST_OPERATOR_CODE);
                assertThat(steps.presence(engine, "agent-6")).containsExactly(AgentState.READY, PauseReason.UNSPECIFIED);
                assertThat(gateway.calls().counters.deadPhonePausesEnded.get()).isEqualTo(2);
                dead.close();
            } finally {
                engine.close();
            }
        }
    }

    /** A no-answer pause older than the blip (the agent let a ring go unanswered before the phone died) stays. */
    @Test
    void shouldLeaveANoAnswerPauseFromBeforeTheBlip() throws Exception {
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                TelephonyGateway gateway = started(engine);
                DeadPhonePauses dead = new DeadPhonePauses(1);
                dead.start(line(engine, gateway));
                steps.logIn(engine, "agent-3");
                steps.pause(engine, "agent-3", PauseReason.NO_ANSWER);
                Thread.sleep(50);
                steps.logIn(engine, "agent-6"); // the core's clock moves on: the pause is 50 ms old, more than 1 ms
                engine.awaitQuiet(5_000);
                dead.unreachable("agent-3");
                dead.back("agent-3");
                assertThat(dead.awaitIdle()).isTrue();
                dead.close();
                engine.awaitQuiet(5_000);
                assertThat(steps.presence(engine, "agent-3")).containsExactly(AgentState.PAUSED, PauseReason.NO_ANSWER);
                assertThat(gateway.calls().counters.deadPhonePausesEnded.get()).isZero();
            } finally {
                engine.close();
            }
        }
    }

    private TelephonyGateway started(Engine engine) throws Exception {
        engine.publishConfig(config);
        TelephonyGateway gateway = CoreSteps.gatewayWithoutAsterisk();
        gateway.prepare(new GatewayContext(engine, config, Map.of(), engine));
        return gateway;
    }

    private PhonesInUse.Line line(Engine engine, TelephonyGateway gateway) {
        return new PhonesInUse.Line(endpoint -> null, () -> true, engine, gateway.calls(), steps::agent, actions);
    }
}
