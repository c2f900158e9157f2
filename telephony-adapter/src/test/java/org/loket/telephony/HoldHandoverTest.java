package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.command.AgiCommand;
import org.asteriskjava.fastagi.command.WaitForDigitCommand;
import org.asteriskjava.fastagi.reply.AgiReply;
import org.junit.jupiter.api.Test;
import org.loket.config.ConfigLoader;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CommandPublisher;
import org.loket.host.gateway.GatewayContext;

/**
 * A waiting caller holds in one long digit wait, not in polled slices; when the Redirect that
 * should end the hold cannot be sent (no AMI here), the session still takes the offer at the end
 * of its hold ({@code holdCheckMs}) and dials. The Redirect itself runs against a real Asterisk in
 * {@link PhoneChannelIT}.
 */
class HoldHandoverTest {
    private final List<Command> published = new CopyOnWriteArrayList<>();
    private final List<String> agiCommands = new CopyOnWriteArrayList<>();

    private final CommandPublisher publisher = new CommandPublisher() {
        @Override
        public <A> boolean tryPublish(CommandFiller<A> filler, A argument) {
            Command c = new Command();
            filler.fill(c, argument);
            published.add(c);
            return true;
        }
    };

    private static AgiReply reply(int result) {
        return (AgiReply) Proxy.newProxyInstance(HoldHandoverTest.class.getClassLoader(), new Class<?>[] {AgiReply.class},
                (p, m, args) -> m.getName().equals("getResultCode") ? result : null);
    }

    private AgiChannel channel() {
        return (AgiChannel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AgiChannel.class}, (p, m, args) -> {
            if (m.getName().equals("sendCommand")) {
                AgiCommand command = (AgiCommand) args[0];
                agiCommands.add(command.buildCommand());
                if (command instanceof WaitForDigitCommand w) {
                    Thread.sleep(w.getTimeout()); // Asterisk holds the caller that long
                }
                return reply(0);
            }
            agiCommands.add(m.getName() + (args == null ? "" : List.of(args)));
            if (m.getName().equals("getVariable")) {
                return "ANSWER";
            }
            Class<?> r = m.getReturnType();
            return r == char.class ? (char) 0 : r == int.class ? 0 : r == boolean.class ? false : null;
        });
    }

    private static AgiRequest request() {
        return (AgiRequest) Proxy.newProxyInstance(HoldHandoverTest.class.getClassLoader(), new Class<?>[] {AgiRequest.class},
                (p, m, args) -> switch (m.getName()) {
                    case "getScript" -> "route";
                    case "getArguments" -> new String[] {"phone"};
                    case "getCallerIdNumber" -> "0612345678";
                    case "getUniqueId" -> "1700000000.2";
                    case "getChannel" -> "PJSIP/anonymous-00000001";
                    default -> null;
                });
    }

    @Test
    void shouldHoldInOneLongWaitAndStillDialWhenTheRedirectCannotBeSent() throws Exception {
        TelephonyGateway gateway = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", "unused",
                "telephony.announceEveryMs", "0", "telephony.holdCheckMs", "400")));
        gateway.prepare(new GatewayContext(publisher, ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of()));
        Thread call = Thread.ofVirtual().start(() -> {
            try {
                gateway.service(request(), channel());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (published.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long contactId = published.get(0).contactId;
        Decision queued = new Decision();
        queued.type = DecisionType.QUEUE_CONTACT;
        queued.contactId = contactId;
        queued.queueId = 0;
        queued.timestampNs = System.currentTimeMillis() * 1_000_000L;
        gateway.onDecision(queued);
        Thread.sleep(1_000);
        long waits = agiCommands.stream().filter(c -> c.startsWith("WAIT FOR DIGIT")).count();
        assertThat(waits).as("one digit wait per holdCheckMs, not one per 100 ms").isBetween(2L, 4L);

        Decision offer = new Decision();
        offer.type = DecisionType.OFFER_CONTACT;
        offer.contactId = contactId;
        offer.queueId = 0;
        offer.agentId = 0;
        offer.timestampNs = System.currentTimeMillis() * 1_000_000L;
        gateway.onDecision(offer);
        call.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(call.isAlive()).isFalse();
        assertThat(agiCommands).anyMatch(c -> c.startsWith("exec[Dial"));
        assertThat(gateway.calls().counters.handoversFailed.get()).isEqualTo(1);
        assertThat(published).extracting(c -> c.type).contains(CommandType.OFFER_ACCEPTED, CommandType.CONTACT_ENDED);
        assertThat(gateway.calls().byContact).isEmpty();
    }
}
