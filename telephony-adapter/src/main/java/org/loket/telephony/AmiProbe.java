package org.loket.telephony;

import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.internal.DirectManagerReader;
import org.asteriskjava.manager.response.ManagerResponse;
import org.loket.host.security.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A short AMI session of its own, at the start of Loket, before the gateway's {@link AmiLink} is up:
 * what the agents' phones are doing now, and stopping a ring that a previous process left behind.
 * Logged in without events; closed after use.
 */
final class AmiProbe implements CallsLeftAtRestart.Phones {
    private static final Logger LOG = LoggerFactory.getLogger(AmiProbe.class);

    private final ManagerConnection connection;

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
        return PhoneState.of(connection, endpoint);
    }

    /** Hangs up every channel of the endpoint's phone (Asterisk's {@code Hangup} with a regular expression). */
    @Override
    public boolean stopRinging(String endpoint) {
        String pattern = channelsOf(endpoint);
        if (pattern == null) {
            LOG.warn("telephony: the ring of {} was not stopped: its name cannot be matched safely", endpoint);
            return false;
        }
        try {
            ManagerResponse response = connection.sendAction(new HangupAction(pattern), 3_000);
            return "Success".equalsIgnoreCase(response.getResponse());
        } catch (Exception e) {
            LOG.warn("telephony: the ring of {} was not stopped: {}", endpoint, e.toString());
            return false;
        }
    }

    /**
     * The AMI's {@code /regex/} (POSIX extended) for the channels of {@code PJSIP/endpoint}
     * ({@code PJSIP/agent-2-0000001a}), or null for a name with characters it would have to
     * escape in ways Asterisk's regex library may read differently.
     */
    static String channelsOf(String endpoint) {
        StringBuilder s = new StringBuilder("/^PJSIP/");
        for (int i = 0; i < endpoint.length(); i++) {
            char c = endpoint.charAt(i);
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_') {
                s.append(c);
            } else if (c == '.' || c == '+' || c == '@') {
                s.append('[').append(c).append(']');
            } else {
                return null;
            }
        }
        return s.append("-[0-9a-f]+$/").toString();
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
