package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;
import org.loket.config.ConfigLoader;
import org.loket.core.AgentState;
import org.loket.core.PauseReason;
import org.loket.core.decision.RejectReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.decision.Outcome;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CommandPublisher;
import org.loket.host.gateway.GatewayContext;

/**
 * Presence codes from an agent's phone, without Asterisk: the change is published, the agent hears
 * whether the engine took it. {@link PhoneChannelIT} dials the codes from a SIP phone.
 */
class PresenceSessionTest {
    private final List<Command> published = new CopyOnWriteArrayList<>();
    private final List<String> agiCommands = new CopyOnWriteArrayList<>();
    private volatile boolean refuse;
    private TelephonyGateway gateway;

    /** Publishes into a list; when told to refuse, answers like the core does: a REJECT_COMMAND on egress, a few ms later. */
    private final CommandPublisher publisher = new CommandPublisher() {
        @Override
        public <A> boolean tryPublish(CommandFiller<A> filler, A argument) {
            Command c = new Command();
            filler.fill(c, argument);
            published.add(c);
            if (refuse) {
                Thread.startVirtualThread(() -> {
                    sleep(20);
                    Decision reject = new Decision();
                    reject.type = DecisionType.REJECT_COMMAND;
                    reject.commandType = c.type.code();
                    reject.agentId = c.agentId;
                    reject.reason = RejectReason.ILLEGAL_TRANSITION;
                    gateway.onDecision(reject);
                });
            }
            return true;
        }
    };

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dial(String code, String endpoint, String... reasonDigit) throws Exception {
        if (gateway == null) {
            prepare(new GatewayContext(publisher, ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of()));
        }
        AgiRequest request = (AgiRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgiRequest.class},
                (p, m, args) -> switch (m.getName()) {
                    case "getScript" -> "presence";
                    case "getArguments" -> reasonDigit.length == 0 ? new String[] {code, endpoint}
                            : new String[] {code, endpoint, reasonDigit[0]};
                    default -> null;
                });
        AgiChannel channel = (AgiChannel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgiChannel.class},
                (p, m, args) -> {
                    agiCommands.add(m.getName() + (args == null ? "" : List.of(args)));
                    Class<?> r = m.getReturnType();
                    return r == char.class ? (char) 0 : r == int.class ? 0 : r == boolean.class ? false : null;
                });
        gateway.service(request, channel);
    }

    @Test
    void shouldPublishTheAgentsStateAndConfirmItWhenTheEngineTakesIt() throws Exception {
        dial("ready", "agent-2");
        dial("pause", "agent-2");
        assertThat(published).extracting(c -> c.type).containsOnly(CommandType.AGENT_STATE_CHANGED);
        assertThat(published).extracting(c -> c.agentState).containsExactly(AgentState.READY.code(), AgentState.PAUSED.code());
        assertThat(published).extracting(c -> c.agentId).containsOnly(1); // agent-2 is the second agent
        assertThat(agiCommands).filteredOn(c -> c.startsWith("streamFile")).satisfiesExactly(
                c -> assertThat(c).endsWith("/nl/agent-ready]"), c -> assertThat(c).endsWith("/nl/agent-paused]"));
        assertThat(gateway.calls().counters.presenceChanges.get()).isEqualTo(2);
        assertThat(gateway.calls().presenceRequests).isEmpty();
    }

    @Test
    void shouldPauseWithTheReasonTheCodesDigitNames() throws Exception {
        dial("pause", "agent-2");       // *56: no reason
        dial("pause", "agent-2", "1");  // *561: the first of the desktop's pause reasons
        dial("pause", "agent-2", "3");  // *563: the third
        assertThat(published).extracting(c -> c.reason)
                .containsExactly(PauseReason.UNSPECIFIED, PauseReason.FIRST_OPERATOR_CODE, PauseReason.FIRST_OPERATOR_CODE + 2);
        dial("pause", "agent-2", "0");  // *560: no such reason
        dial("pause", "agent-2", "5");  // *565: the configuration has four
        assertThat(published).hasSize(3);
        assertThat(gateway.calls().counters.presenceRefused.get()).isEqualTo(2);
    }

    @Test
    void shouldTellTheAgentWhenTheEngineRefusesOrTheCodeNamesNoAgent() throws Exception {
        refuse = true;
        long startNs = System.nanoTime();
        dial("ready", "agent-2");
        assertThat((System.nanoTime() - startNs) / 1_000_000).as("the refusal ends the wait").isLessThan(PresenceSession.REFUSAL_WAIT_MS);
        dial("ready", "not-an-agent");
        dial("dance", "agent-2");
        assertThat(published).hasSize(1);
        assertThat(agiCommands).filteredOn(c -> c.startsWith("streamFile")).hasSize(3).allMatch(c -> c.endsWith("/nl/agent-refused]"));
        assertThat(gateway.calls().counters.presenceRefused.get()).isEqualTo(3);
        assertThat(gateway.calls().counters.presenceChanges.get()).isZero();
    }

    @Test
    void shouldEndTheAfterCallWorkOfTheCallThatEndedLastWithTheCodesDigit() throws Exception {
        dial("ready", "agent-3"); // prepares the gateway; agent-3 serves general-voice
        published.clear();
        long contactId = 77;
        gateway.onDecision(answeredEnd(contactId - 1, "agent-3", "misuse-voice")); // no wrap-up time there: nothing open
        dial("wrapup", "agent-3");
        assertThat(published).as("nothing open: refused without asking the core").isEmpty();

        gateway.onDecision(answeredEnd(contactId, "agent-3", "wrap-voice"));
        dial("wrapup", "agent-3", "2"); // *572: the second of the configuration's wrap-up codes
        assertThat(published).singleElement().satisfies(c -> {
            assertThat(c.type).isEqualTo(CommandType.WRAP_UP_DONE);
            assertThat(c.contactId).isEqualTo(contactId);
            assertThat(c.agentId).isEqualTo(2);
            assertThat(c.reason).isEqualTo(1);
        });
        dial("wrapup", "agent-3", "1");
        assertThat(published).as("ended: nothing open any more").hasSize(1);
        assertThat(agiCommands).filteredOn(c -> c.startsWith("streamFile")).extracting(c -> c.substring(c.lastIndexOf('/') + 1))
                .containsExactly("agent-ready]", "agent-refused]", "agent-wrapped-up]", "agent-refused]");
        assertThat(gateway.calls().counters.wrapUpsEnded.get()).isEqualTo(1);
        assertThat(gateway.calls().counters.wrapUpsRefused.get()).isEqualTo(2);
    }

    @Test
    void shouldEndItWithoutACodeAndRefuseACodeTheConfigurationDoesNotHave() throws Exception {
        dial("ready", "agent-3");
        published.clear();
        gateway.onDecision(answeredEnd(80, "agent-3", "wrap-voice"));
        dial("wrapup", "agent-3", "9"); // the configuration has four codes
        dial("wrapup", "agent-3", "0");
        assertThat(published).isEmpty();
        dial("wrapup", "agent-3"); // *57: no code
        assertThat(published).singleElement().satisfies(c -> {
            assertThat(c.contactId).isEqualTo(80);
            assertThat(c.reason).isEqualTo(-1);
        });
    }

    @Test
    void shouldForgetAfterCallWorkThatTheDesktopOrTheLimitEndedAndSayWhenTheCoreRefuses() throws Exception {
        dial("ready", "agent-3");
        published.clear();
        gateway.onDecision(answeredEnd(81, "agent-3", "wrap-voice"));
        Command byDesktop = new Command();
        byDesktop.type = CommandType.WRAP_UP_DONE;
        byDesktop.contactId = 81;
        byDesktop.agentId = 2;
        gateway.onCommand(byDesktop, new Decision[0], 0);
        dial("wrapup", "agent-3", "1");
        assertThat(published).as("the desktop ended it").isEmpty();

        gateway.onDecision(answeredEnd(82, "agent-3", "wrap-voice"));
        Decision limit = new Decision();
        limit.type = DecisionType.AGENT_STATE;
        limit.contactId = 82;
        limit.agentId = 2;
        limit.agentState = AgentState.READY.code();
        gateway.onDecision(limit);
        dial("wrapup", "agent-3", "1");
        assertThat(published).as("its limit ended it").isEmpty();

        gateway.onDecision(answeredEnd(83, "agent-3", "wrap-voice"));
        refuse = true; // e.g. an admin ended it meanwhile through a path this gateway did not see
        dial("wrapup", "agent-3", "1");
        assertThat(published).hasSize(1);
        assertThat(gateway.calls().wrapUps).as("refused: no longer open").isEmpty();
        assertThat(agiCommands).filteredOn(c -> c.startsWith("streamFile")).last().asString().endsWith("/nl/agent-refused]");
        assertThat(gateway.calls().counters.wrapUpsRefused.get()).isEqualTo(3);
    }

    /** The core's END_CONTACT of an answered call (the queue's wrap-up starts), as egress hands it over. */
    private Decision answeredEnd(long contactId, String agent, String queue) {
        Decision d = new Decision();
        d.type = DecisionType.END_CONTACT;
        d.contactId = contactId;
        d.agentId = gateway.directory().agent(agent);
        int queueId = 0;
        while (!gateway.directory().queue(queueId).name().equals(queue)) {
            queueId++;
        }
        d.queueId = queueId;
        d.outcome = Outcome.ANSWERED;
        return d;
    }

    /**
     * After a restart the core still holds the call in wrap-up; the gateway learns it at start from
     * the core itself, and the agent's {@code *573} ends it there.
     */
    @Test
    void shouldEndAfterCallWorkTheCoreRecoveredWithARealEngine(@TempDir Path folder) throws Exception {
        LoadedConfig config = ConfigLoader.load(Path.of("src/test/resources/phone-it"));
        int agent3 = config.routing().agents().stream().map(a -> a.name()).toList().indexOf("agent-3");
        int wrapEntry = config.routing().entries().stream().map(e -> e.name()).toList().indexOf("wrap");
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(config);
                long contactId = 4242;
                publish(engine, c -> {
                    c.type = CommandType.AGENT_LOGGED_IN;
                    c.agentId = agent3;
                });
                publish(engine, c -> {
                    c.type = CommandType.CONTACT_ARRIVED;
                    c.contactId = contactId;
                    c.entryId = wrapEntry;
                    c.channel = Channel.VOICE.code();
                });
                publish(engine, c -> {
                    c.type = CommandType.OFFER_ACCEPTED;
                    c.contactId = contactId;
                    c.agentId = agent3;
                });
                publish(engine, c -> {
                    c.type = CommandType.CONTACT_ENDED;
                    c.contactId = contactId;
                });
                assertThat(engine.query(core -> core.contactState(contactId)).get(5, TimeUnit.SECONDS)).isEqualTo(ContactState.WRAP_UP);

                prepare(new GatewayContext(engine, config, Map.of(), engine));
                assertThat(gateway.calls().wrapUps).containsExactly(Map.entry("agent-3", contactId));
                dial("wrapup", "agent-3", "3");
                assertThat(engine.query(core -> core.contactState(contactId)).get(5, TimeUnit.SECONDS))
                        .as("the wrap-up ended").isEqualTo(ContactState.NONE);
                assertThat(gateway.calls().counters.wrapUpsEnded.get()).isEqualTo(1);
            } finally {
                engine.close();
            }
        }
    }

    /** The gateway under test, prepared on {@code context} (no sockets). */
    private void prepare(GatewayContext context) throws Exception {
        gateway = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", "unused")));
        gateway.prepare(context);
    }

    private static void publish(Engine engine, java.util.function.Consumer<Command> fill) {
        while (!engine.tryPublish((c, unused) -> fill.accept(c), null)) {
            Thread.onSpinWait();
        }
    }
}
