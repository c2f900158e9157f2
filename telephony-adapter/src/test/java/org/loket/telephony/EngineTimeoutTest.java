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
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CommandPublisher;
import org.loket.host.gateway.GatewayContext;

/**
 * The fallback rules of a call session, driven without Asterisk: an engine that never answers, a
 * full ring, an unknown entry. In each case the session returns without setting LOKET_DONE (so the
 * dialplan takes the fallback route) and the event is counted. The same paths run against a real
 * Asterisk in {@link PhoneChannelIT} when Loket is stopped.
 */
class EngineTimeoutTest {
    private final List<Command> published = new CopyOnWriteArrayList<>();
    private final List<String> agiCommands = new CopyOnWriteArrayList<>();
    private boolean ringFull;

    private final CommandPublisher publisher = new CommandPublisher() {
        @Override
        public <A> boolean tryPublish(CommandFiller<A> filler, A argument) {
            if (ringFull) {
                return false;
            }
            Command c = new Command();
            filler.fill(c, argument);
            published.add(c);
            return true;
        }
    };

    private TelephonyGateway gateway() throws Exception {
        TelephonyGateway gateway = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", "unused",
                "telephony.engineTimeoutMs", "150")));
        gateway.prepare(new GatewayContext(publisher, ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of()));
        return gateway;
    }

    private AgiChannel channel() {
        return (AgiChannel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgiChannel.class}, (p, m, args) -> {
            agiCommands.add(m.getName() + (args == null ? "" : List.of(args)));
            Class<?> r = m.getReturnType();
            return r == char.class ? (char) 0 : r == int.class ? 0 : r == boolean.class ? false : null;
        });
    }

    private AgiRequest request(String entry) {
        return (AgiRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgiRequest.class}, (p, m, args) ->
                switch (m.getName()) {
                    case "getScript" -> "route";
                    case "getArguments" -> new String[] {entry};
                    case "getCallerIdNumber" -> "0612345678";
                    case "getUniqueId" -> "1700000000.1";
                    default -> null;
                });
    }

    @Test
    void shouldSendTheCallToTheFallbackWhenTheEngineDoesNotAnswerInTime() throws Exception {
        TelephonyGateway gateway = gateway();
        long started = System.nanoTime();
        gateway.service(request("phone"), channel());
        assertThat(System.nanoTime() - started).as("waited about engineTimeoutMs").isBetween(100_000_000L, 2_000_000_000L);
        assertThat(gateway.calls().counters.engineTimeouts.get()).isEqualTo(1);
        assertThat(gateway.calls().counters.fallbacks.get()).isEqualTo(1);
        assertThat(published).extracting(c -> c.type).containsExactly(CommandType.CONTACT_ARRIVED, CommandType.CONTACT_ABANDONED);
        assertThat(published.get(1).contactId).as("the engine's contact still gets an outcome").isEqualTo(published.get(0).contactId);
        assertThat(agiCommands).noneMatch(c -> c.contains("LOKET_DONE"));
        assertThat(gateway.calls().byContact).isEmpty();
    }

    @Test
    void shouldSendTheCallToTheFallbackWhenTheRingIsFullOrTheEntryUnknown() throws Exception {
        TelephonyGateway gateway = gateway();
        ringFull = true;
        gateway.service(request("phone"), channel());
        assertThat(gateway.calls().counters.ringFull.get()).isPositive();
        ringFull = false;
        gateway.service(request("no-such-entry"), channel());
        assertThat(gateway.calls().counters.unknownEntry.get()).isEqualTo(1);
        assertThat(gateway.calls().counters.fallbacks.get()).isEqualTo(2);
        assertThat(published).isEmpty();
        assertThat(agiCommands).noneMatch(c -> c.contains("LOKET_DONE"));
    }
}
