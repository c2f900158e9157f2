package org.loket.host.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class PlainListenersTest {
    @Test
    void shouldWarnOfAListenerBeyondLoopbackWithoutTlsOnly() throws Exception {
        InetAddress any = InetAddress.getByName("0.0.0.0");
        assertThat(PlainListeners.warning(any, false, "admin.bind", "admin.tls.keystore"))
                .isEqualTo("admin.bind 0.0.0.0 is beyond loopback without TLS: secrets and tokens cross the network in the clear."
                        + " Give it admin.tls.keystore, or keep it on loopback behind a TLS proxy on this machine.");
        assertThat(PlainListeners.warning(InetAddress.getByName("10.1.2.3"), false, "chat.bind", "chat.tls.keystore")).startsWith("chat.bind 10.1.2.3");
        assertThat(PlainListeners.warning(any, true, "admin.bind", "admin.tls.keystore")).as("TLS").isNull();
        assertThat(PlainListeners.warning(InetAddress.getLoopbackAddress(), false, "admin.bind", "admin.tls.keystore")).isNull();
        assertThat(PlainListeners.warning(InetAddress.getByName("::1"), false, "admin.bind", "admin.tls.keystore")).isNull();
    }
}
