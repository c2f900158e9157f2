package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.fastagi.AgiRequest;
import org.junit.jupiter.api.Test;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.decision.DecisionType;
import org.loket.host.gateway.GatewayContext;

/** A caller who calls again soon after talking to an agent names that agent as preferred (no Asterisk). */
class LastAgentTest {
    private final List<Command> published = new CopyOnWriteArrayList<>();
    private final List<String> agiCommands = new CopyOnWriteArrayList<>();

    @Test
    void shouldNameTheAgentACallerLastTalkedToWhenTheyCallAgain() throws Exception {
        LoadedConfig config = ConfigLoader.load(Path.of("src/test/resources/phone-it"));
        TelephonyGateway gateway = gateway("60");
        gateway.prepare(new GatewayContext(StandIns.recording(published), config, Map.of()));

        Command first = call(gateway, "0612345678", "agent-3");
        assertThat(first.agentId).as("first call: no preference").isEqualTo(-1);
        Command again = call(gateway, "0612345678", null);
        assertThat(again.agentId).as("called again: agent-3 preferred").isEqualTo(agent(config, "agent-3"));
        Command other = call(gateway, "0687654321", null);
        assertThat(other.agentId).as("another caller names nobody").isEqualTo(-1);
    }

    @Test
    void shouldNameNobodyWhenTurnedOff() throws Exception {
        LoadedConfig config = ConfigLoader.load(Path.of("src/test/resources/phone-it"));
        TelephonyGateway gateway = gateway("0");
        gateway.prepare(new GatewayContext(StandIns.recording(published), config, Map.of()));
        call(gateway, "0612345678", "agent-3");
        assertThat(call(gateway, "0612345678", null).agentId).isEqualTo(-1);
    }

    private static TelephonyGateway gateway(String lastAgentMinutes) {
        return new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", "unused",
                "telephony.announceEveryMs", "0", "telephony.lastAgentMinutes", lastAgentMinutes)));
    }

    private static int agent(LoadedConfig config, String name) {
        return config.routing().agents().stream().map(a -> a.name()).toList().indexOf(name);
    }

    /**
     * One call from {@code number}: its CONTACT_ARRIVED; when {@code answeredBy} is given the core's
     * stand-in offers it to that agent (who answers), else it ends at once.
     */
    private Command call(TelephonyGateway gateway, String number, String answeredBy) throws Exception {
        int before = published.size();
        Thread session = Thread.ofVirtual().start(() -> {
            try {
                gateway.service(request(number), StandIns.channel(agiCommands, path -> false));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (published.size() == before && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        Command arrived = published.get(before);
        assertThat(arrived.type).isEqualTo(CommandType.CONTACT_ARRIVED);
        gateway.onDecision(answeredBy != null
                ? StandIns.decision(DecisionType.OFFER_CONTACT, arrived.contactId, 0, gateway.directory().agent(answeredBy), -1)
                : StandIns.decision(DecisionType.END_CONTACT, arrived.contactId, -1, -1, -1));
        gateway.onCommandDecided();
        session.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(session.isAlive()).isFalse();
        return arrived;
    }

    private static AgiRequest request(String number) {
        return (AgiRequest) Proxy.newProxyInstance(LastAgentTest.class.getClassLoader(), new Class<?>[] {AgiRequest.class},
                (p, m, args) -> switch (m.getName()) {
                    case "getScript" -> "route";
                    case "getArguments" -> new String[] {"phone"};
                    case "getCallerIdNumber" -> number;
                    case "getUniqueId" -> "1700000000." + number;
                    case "getChannel" -> "PJSIP/anonymous-" + number;
                    default -> null;
                });
    }
}
