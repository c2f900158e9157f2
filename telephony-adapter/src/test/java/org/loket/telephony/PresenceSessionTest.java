package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import org.junit.jupiter.api.Test;
import org.loket.config.ConfigLoader;
import org.loket.core.AgentState;
import org.loket.core.PauseReason;
import org.loket.core.decision.RejectReason;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
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
            gateway = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", "unused")));
            gateway.prepare(new GatewayContext(publisher, ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of()));
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
}
