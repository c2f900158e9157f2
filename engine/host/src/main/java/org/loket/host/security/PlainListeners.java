package org.loket.host.security;

import java.net.InetAddress;

/**
 * Operator interfaces carry secrets (tokens, agents' secrets, supervisors' sign-ins): bound beyond
 * loopback without TLS they cross the network in the clear. Loket still starts (TLS may end in a
 * proxy on the same network segment), but says so at start.
 */
public final class PlainListeners {
    private PlainListeners() {
    }

    /**
     * The warning for a listener on {@code bound}, or null when it is loopback or speaks TLS.
     *
     * @param bindSetting the setting that named the address, e.g. {@code admin.bind}
     * @param tlsSetting  the setting that would give it a certificate, e.g. {@code admin.tls.keystore}
     */
    public static String warning(InetAddress bound, boolean tls, String bindSetting, String tlsSetting) {
        if (tls || bound.isLoopbackAddress()) {
            return null;
        }
        return bindSetting + " " + bound.getHostAddress() + " is beyond loopback without TLS: secrets and tokens cross the network"
                + " in the clear. Give it " + tlsSetting + ", or keep it on loopback behind a TLS proxy on this machine.";
    }
}
