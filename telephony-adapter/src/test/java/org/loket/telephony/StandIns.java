package org.loket.telephony;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.command.AgiCommand;
import org.asteriskjava.fastagi.command.WaitForDigitCommand;
import org.asteriskjava.fastagi.reply.AgiReply;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CommandPublisher;

/** The engine's ring and Asterisk's AGI channel, stood in for by recorders (tests without Asterisk). */
final class StandIns {
    private StandIns() {
    }

    /** A ring that always has room and keeps every command. */
    static CommandPublisher recording(List<Command> published) {
        return new CommandPublisher() {
            @Override
            public <A> boolean tryPublish(CommandFiller<A> filler, A argument) {
                Command c = new Command();
                filler.fill(c, argument);
                published.add(c);
                return true;
            }
        };
    }

    /** A decision as the core would release it now (priority 0), for the gateway's egress side. */
    static Decision decision(DecisionType type, long contactId, int queueId, int agentId, int reason) {
        Decision d = new Decision();
        d.type = type;
        d.contactId = contactId;
        d.queueId = queueId;
        d.agentId = agentId;
        d.reason = reason;
        d.priority = 0;
        d.timestampNs = System.currentTimeMillis() * 1_000_000L;
        return d;
    }

    static AgiReply reply(int result) {
        return (AgiReply) Proxy.newProxyInstance(StandIns.class.getClassLoader(), new Class<?>[] {AgiReply.class},
                (p, m, args) -> m.getName().equals("getResultCode") ? result : null);
    }

    /**
     * A channel that logs each AGI command and call ({@code "streamFile[path, escape]"}); a digit wait
     * lasts its timeout as Asterisk's would and yields no digit; every dial is answered.
     *
     * @param pressDuring a prompt played with escape digits during which the caller presses 1
     */
    static AgiChannel channel(List<String> log, Predicate<String> pressDuring) {
        return channel(log, pressDuring, new java.util.concurrent.Semaphore(Integer.MAX_VALUE));
    }

    /** The same, with each {@code Dial} lasting until it takes a permit of {@code dialEnds} (the conversation ends). */
    static AgiChannel channel(List<String> log, Predicate<String> pressDuring, java.util.concurrent.Semaphore dialEnds) {
        return channel(log, pressDuring, dialEnds, () -> 0);
    }

    /**
     * The same, each {@code Dial} then returning {@code dialResult} (-1: the caller hung up during
     * it); a {@code Bridge} returns at once, {@code BRIDGERESULT} saying it succeeded.
     */
    static AgiChannel channel(List<String> log, Predicate<String> pressDuring, java.util.concurrent.Semaphore dialEnds,
                              java.util.function.IntSupplier dialResult) {
        return (AgiChannel) Proxy.newProxyInstance(StandIns.class.getClassLoader(), new Class<?>[] {AgiChannel.class}, (p, m, args) -> {
            if (m.getName().equals("sendCommand")) {
                AgiCommand command = (AgiCommand) args[0];
                log.add(command.buildCommand());
                if (command instanceof WaitForDigitCommand w) {
                    Thread.sleep(w.getTimeout()); // Asterisk holds the caller that long
                }
                return reply(0);
            }
            log.add(m.getName() + (args == null ? "" : Arrays.deepToString(args)));
            if (m.getName().equals("exec") && "Dial".equals(args[0])) {
                dialEnds.acquire();
                return dialResult.getAsInt();
            }
            if (m.getName().equals("streamFile") && args.length == 2 && pressDuring.test((String) args[0])) {
                return '1';
            }
            if (m.getName().equals("getVariable")) {
                return "BRIDGERESULT".equals(args[0]) ? "SUCCESS" : "ANSWER";
            }
            Class<?> r = m.getReturnType();
            return r == char.class ? (char) 0 : r == int.class ? 0 : r == boolean.class ? false : null;
        });
    }
}
