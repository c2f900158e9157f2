package org.loket.telephony;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ResponseEvents;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.internal.DirectManagerReader;
import org.asteriskjava.manager.response.ManagerResponse;
import org.loket.host.security.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A short AMI session of its own, at the start of Loket, before the gateway's {@link AmiLink} is up:
 * what the dialled legs of the previous process's offers are doing now, and stopping one that still
 * rings. A leg is found by its application: {@code Dial}'s outgoing channel to the agent's endpoint
 * ({@code AppDial}), the only way Loket rings an agent for an offer; the fallback route's queue
 * ({@code AppQueue}), callbacks and warm transfers (originated into an AGI) ring the same phones
 * otherwise, and a phone's device state cannot tell those apart. The same list tells which phones
 * have any channel up ({@link #phone}: {@link PhonesInUse}). Logged in without events; the channel
 * list is read once; closed after use.
 */
final class AmiProbe implements CallsLeftAtRestart.Phones {
    private static final Logger LOG = LoggerFactory.getLogger(AmiProbe.class);

    /** One channel: its name and Asterisk's state of it ({@code Up}, {@code Ringing}...). */
    record Leg(String channel, String state) {
    }

    private final ManagerConnection connection;
    /** Every {@code AppDial} channel Asterisk has, read at the first question; null when the list could not be read. */
    private List<Leg> legs;
    /** Every channel Asterisk has, read with {@link #legs}. */
    private List<Leg> channels;
    private boolean listed;

    private AmiProbe(ManagerConnection connection) {
        this.connection = connection;
    }

    /**
     * Logs in to the AMI the settings name.
     *
     * @throws Exception when Asterisk cannot be reached or refuses the login
     */
    static AmiProbe open(TelephonySettings s) throws Exception {
        String secret = SecretFiles.read(s.amiSecretFile(), "telephony.ami.secretFile");
        ManagerConnection connection = DirectManagerReader.connection(s.amiHost(), s.amiPort(), s.amiUser(), secret);
        connection.login("off");
        return new AmiProbe(connection);
    }

    @Override
    public PhoneState state(String endpoint) {
        List<Leg> all = legs();
        return all == null ? PhoneState.UNKNOWN : stateOf(legsOf(all, endpoint));
    }

    /** Whatever channels the endpoint's phone has: one up is a call, one ringing a ring. */
    @Override
    public PhoneState phone(String endpoint) {
        legs();
        return channels == null ? PhoneState.UNKNOWN : stateOf(legsOf(channels, endpoint));
    }

    /** An offer's leg that is up was answered; one ringing rings still; none: the ring is over. */
    static PhoneState stateOf(List<Leg> legs) {
        if (legs.stream().anyMatch(l -> l.state().equalsIgnoreCase("Up"))) {
            return PhoneState.IN_CALL;
        }
        return legs.stream().anyMatch(l -> l.state().toLowerCase(Locale.ROOT).startsWith("ring")) ? PhoneState.RINGING : PhoneState.FREE;
    }

    /** The legs of {@code PJSIP/endpoint} ({@code PJSIP/agent-2-0000001a}), not of an endpoint whose name it begins. */
    static List<Leg> legsOf(List<Leg> all, String endpoint) {
        String prefix = "PJSIP/" + endpoint + "-";
        return all.stream().filter(l -> l.channel().startsWith(prefix) && l.channel().substring(prefix.length()).matches("[0-9a-fA-F]+"))
                .toList();
    }

    /** Hangs up the endpoint's offer legs that still ring, each by its channel name. */
    @Override
    public boolean stopRinging(String endpoint) {
        List<Leg> all = legs();
        boolean stopped = false;
        for (Leg leg : all == null ? List.<Leg>of() : legsOf(all, endpoint)) {
            if (!leg.state().toLowerCase(Locale.ROOT).startsWith("ring")) {
                continue;
            }
            try {
                ManagerResponse response = connection.sendAction(new HangupAction(leg.channel()), 3_000);
                stopped |= "Success".equalsIgnoreCase(response.getResponse());
            } catch (Exception e) {
                LOG.warn("telephony: the ring of {} ({}) was not stopped: {}", endpoint, leg.channel(), e.toString());
            }
        }
        return stopped;
    }

    private List<Leg> legs() {
        if (!listed) {
            listed = true;
            try {
                ResponseEvents response = connection.sendEventGeneratingAction(new CoreShowChannelsAction(), 5_000);
                List<Leg> dialled = new ArrayList<>();
                List<Leg> all = new ArrayList<>();
                for (ManagerEvent event : response.getEvents()) {
                    if (event instanceof CoreShowChannelEvent c && c.getChannel() != null) {
                        Leg leg = new Leg(c.getChannel(), String.valueOf(c.getChannelStateDesc()));
                        all.add(leg);
                        if ("AppDial".equalsIgnoreCase(c.getApplication())) {
                            dialled.add(leg);
                        }
                    }
                }
                legs = dialled;
                channels = all;
            } catch (Exception e) {
                LOG.warn("telephony: Asterisk's channels could not be listed: {}", e.toString());
            }
        }
        return legs;
    }

    @Override
    public void close() {
        try {
            connection.logoff();
        } catch (RuntimeException e) {
            // gone already
        }
    }
}
