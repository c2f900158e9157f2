package org.loket.telephony;

import java.util.regex.Pattern;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.loket.config.PhonePrompts;
import org.loket.config.Supervisor;

/**
 * A supervisor joins an agent's call from their own phone: {@code *58N} listens to agent number N,
 * {@code *59N} whispers to the agent (the caller does not hear it), {@code *60N} barges in (both
 * hear it); {@link org.loket.telephony.config.AsteriskConfigWriter} writes the codes into the
 * supervisors' context, which only supervisors' authenticated endpoints reach. Loket checks that
 * the endpoint is a supervisor of the configuration, that N names a call-taking agent, that the
 * supervisor may monitor that agent in that mode ({@link Supervisor#may}) and that the agent's
 * phone is in a call; then Asterisk's {@code ChanSpy} joins that one channel until the call or the
 * supervisor hangs up. Anything else is refused with {@code agent-refused}. Every attempt, its
 * outcome and the length of the monitoring go to the {@link MonitoringLog}.
 *
 * <p>ChanSpy options: {@code q} no beep or name announcement (the conversation goes on undisturbed),
 * {@code b} bridged calls only (not an agent's own presence-code call), {@code E} end when the
 * agent's channel hangs up, {@code S} end when no channel is left to spy on (the call ended between
 * the check and the spying); {@code w} whisper, {@code B} barge. No {@code d}: its digits would let
 * a supervisor switch to a mode the configuration does not give them.
 */
final class MonitorSession {
    private final TelephonyGateway gateway;
    private final AgiChannel channel;

    MonitorSession(TelephonyGateway gateway, AgiChannel channel) {
        this.gateway = gateway;
        this.channel = channel;
    }

    /** @param args the mode ({@code listen}, {@code whisper}, {@code barge}), the endpoint that dialled, the agent number */
    void run(String[] args) throws AgiException {
        String modeName = arg(args, 0);
        String endpoint = arg(args, 1);
        String digits = arg(args, 2);
        Directory directory = gateway.directory();
        MonitoringLog log = gateway.monitoringLog();
        Supervisor supervisor = directory.supervisor(endpoint);
        Supervisor.Mode mode = Supervisor.Mode.ofLabel(modeName);
        String agent = directory.agentNumbered(digits);
        String refusal = supervisor == null || mode == null ? "not-a-supervisor"
                : agent == null ? "no-such-agent"
                : !supervisor.may(agent, mode) ? "not-allowed" : null;
        String agentChannel = refusal == null ? callOf(agent) : null;
        if (refusal == null && agentChannel == null) {
            refusal = "not-on-a-call";
        }
        String agentLabel = agent != null ? agent : "#" + digits;
        if (refusal != null) {
            gateway.calls().counters.monitorRefused.incrementAndGet();
            log.refused(endpoint, agentLabel, modeName, refusal);
            refuse();
            return;
        }
        gateway.calls().counters.monitorSessions.incrementAndGet();
        log.started(endpoint, agent, mode.label());
        long startedNs = System.nanoTime();
        try {
            channel.exec("ChanSpy", agentChannel + "," + options(mode));
        } catch (AgiHangupException e) {
            // the supervisor hung up: the monitoring ends here
        } finally {
            log.ended(endpoint, agent, mode.label(), (System.nanoTime() - startedNs) / 1_000_000L);
        }
    }

    /** ChanSpy's options for a mode (see the class comment). */
    static String options(Supervisor.Mode mode) {
        return switch (mode) {
            case LISTEN -> "qbES";
            case WHISPER -> "qbESw";
            case BARGE -> "qbESB";
        };
    }

    /**
     * The agent's phone channel in a call ({@code PJSIP/NAME-0000002a}), asked of Asterisk, which
     * knows every call of the agent's phone (a callback, a fallback-queue call too), where Loket
     * knows only the calls it dialled. Null when there is none.
     */
    private String callOf(String agent) throws AgiException {
        // CHANNELS takes a regular expression: any character of the name that is not plain matches
        // as '.' (the dialplan would read a backslash itself); the exact name is checked here.
        String listed = channel.getFullVariable("${CHANNELS(^PJSIP/" + agent.replaceAll("[^A-Za-z0-9_-]", ".") + "-)}");
        return firstChannelOf(agent, listed);
    }

    /** The first name in Asterisk's space-separated channel list that is exactly one of the agent's channels. */
    static String firstChannelOf(String agent, String listed) {
        if (listed == null) {
            return null;
        }
        Pattern own = Pattern.compile("PJSIP/" + Pattern.quote(agent) + "-[0-9a-f]+");
        for (String name : listed.trim().split("\\s+")) {
            if (own.matcher(name).matches()) {
                return name;
            }
        }
        return null;
    }

    private void refuse() throws AgiException {
        PresenceSession.play(gateway, channel, gateway.directory().language(0), PhonePrompts.AGENT_REFUSED);
    }

    private static String arg(String[] args, int i) {
        return args != null && args.length > i ? args[i].trim() : "";
    }
}
