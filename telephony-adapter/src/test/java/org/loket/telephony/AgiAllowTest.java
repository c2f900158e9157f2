package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.host.gateway.GatewayContext;

/**
 * A FastAGI request names its caller and entry itself: only the Asterisk Loket works with may
 * connect (telephony.agi.allow; loopback and the AMI host by default). Others are closed unread
 * and counted. Real sockets on loopback: the gateway listens on 127.0.0.1, the test connects
 * from 127.0.0.1, and a list without that address refuses it.
 */
class AgiAllowTest {
    @TempDir
    Path folder;

    @Test
    void shouldTakeFastAgiConnectionsOnlyFromTheListedAddresses() throws Exception {
        assertThat(connectionStaysOpen(Map.of())).as("loopback, by default").isTrue();
        assertThat(connectionStaysOpen(Map.of("telephony.agi.allow", "127.0.0.1"))).isTrue();
        assertThat(connectionStaysOpen(Map.of("telephony.agi.allow", "127.0.0.2, ::1"))).as("not 127.0.0.1").isFalse();
    }

    @Test
    void shouldTakeTheAmiHostByDefaultAndRefuseAnUnknownListedHost() throws Exception {
        Path secret = org.loket.host.security.OwnerOnly.write(folder.resolve("ami-secret"), "unused\n");
        TelephonySettings remote = TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(), "telephony.ami.host", "10.1.2.3"));
        assertThat(remote.agiAllows(InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(remote.agiAllows(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(remote.agiAllows(InetAddress.getByName("::1"))).isTrue();
        assertThat(remote.agiAllows(InetAddress.getByName("10.9.9.9"))).isFalse();
        assertThatThrownBy(() -> TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(),
                "telephony.agi.allow", "no-such-host.invalid")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("telephony.agi.allow='no-such-host.invalid': no such host");
    }

    /**
     * {@code loket run} binds the FastAGI port before it journals anything: a port in use is refused
     * by {@code bind()} naming the settings, and a call Asterisk sends between bind and start waits in
     * the backlog and is taken by the started server (here: closed as not allowed, and counted).
     */
    @Test
    void shouldBindBeforeStartRefusingAPortInUseAndServeWhatConnectedMeanwhile() throws Exception {
        Path secret = org.loket.host.security.OwnerOnly.write(folder.resolve("ami-secret"), "unused\n");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TelephonyGateway refused = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(),
                    "telephony.agi.port", String.valueOf(busy.getLocalPort()))));
            try {
                assertThatThrownBy(refused::bind).isInstanceOf(java.io.IOException.class)
                        .hasMessageStartingWith("telephony.agi.bind 127.0.0.1, telephony.agi.port " + busy.getLocalPort() + ": ")
                        .hasMessageEndingWith("(another Loket, or another program, listens there)");
            } finally {
                refused.close();
            }
        }
        int agiPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            agiPort = free.getLocalPort();
        }
        TelephonyGateway gateway = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(),
                "telephony.agi.port", String.valueOf(agiPort), "telephony.agi.allow", "127.0.0.2",
                "telephony.callbackFolder", folder.resolve("callbacks").toString())));
        try {
            gateway.bind();
            Socket early = new Socket();
            early.bind(new InetSocketAddress("127.0.0.1", 0));
            early.connect(new InetSocketAddress("127.0.0.1", agiPort), 1_000); // before start: into the backlog
            try (early) {
                gateway.start(new GatewayContext(StandIns.recording(new ArrayList<>()),
                        ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of()));
                early.setSoTimeout(5_000);
                assertThat(early.getInputStream().read()).as("closed by the started server: 127.0.0.1 is not allowed").isEqualTo(-1);
                assertThat(gateway.calls().counters.agiRefused.get()).isEqualTo(1);
            }
        } finally {
            gateway.close();
        }
    }

    /** Starts the gateway with {@code extra}, connects from 127.0.0.1 and says whether the server kept the connection. */
    private boolean connectionStaysOpen(Map<String, String> extra) throws Exception {
        int agiPort;
        int amiPort;
        try (ServerSocket agi = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket ami = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            agiPort = agi.getLocalPort();
            amiPort = ami.getLocalPort(); // closed again: the AMI link just retries
        }
        Path secret = org.loket.host.security.OwnerOnly.write(folder.resolve("ami-secret-" + agiPort), "unused\n");
        Map<String, String> settings = new java.util.HashMap<>(Map.of("telephony.ami.secretFile", secret.toString(),
                "telephony.agi.port", String.valueOf(agiPort), "telephony.ami.port", String.valueOf(amiPort),
                "telephony.callbackFolder", folder.resolve("callbacks").toString()));
        settings.putAll(extra);
        TelephonyGateway gateway = new TelephonyGateway(TelephonySettings.from(settings));
        try {
            gateway.start(new GatewayContext(StandIns.recording(new ArrayList<>()),
                    ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of()));
            try (Socket socket = connect(agiPort)) {
                socket.setSoTimeout(500);
                InputStream in = socket.getInputStream();
                boolean open;
                try {
                    open = in.read() != -1; // the server writes nothing before a request: a read waits unless it closed
                } catch (SocketTimeoutException e) {
                    open = true;
                }
                assertThat(gateway.calls().counters.agiRefused.get()).isEqualTo(open ? 0 : 1);
                return open;
            }
        } finally {
            gateway.close();
        }
    }

    /** From 127.0.0.1, once the gateway's acceptor is listening. */
    private static Socket connect(int port) throws Exception {
        for (int attempt = 0; ; attempt++) {
            Socket socket = new Socket();
            try {
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return socket;
            } catch (java.net.ConnectException e) {
                socket.close();
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
