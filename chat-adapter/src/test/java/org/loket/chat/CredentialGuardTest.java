package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CredentialGuardTest {
    @Test
    void shouldLockANameForOneAddressAfterEnoughWrongSecretsWithinTheWindow() {
        long[] now = {1_000_000};
        CredentialGuard guard = new CredentialGuard(3, 60_000);
        guard.clockMs = () -> now[0];
        assertThat(guard.failed("ann", "192.0.2.1")).isFalse();
        now[0] += 40_000;
        assertThat(guard.failed("ann", "192.0.2.1")).isFalse();
        now[0] += 40_000;
        assertThat(guard.failed("ann", "192.0.2.1")).as("the first of three is out of the window").isFalse();
        now[0] += 10_000;
        assertThat(guard.failed("ann", "192.0.2.1")).as("three within a minute").isTrue();
        assertThat(guard.locked("ann", "192.0.2.1")).isTrue();
        assertThat(guard.locked("ann", "192.0.2.2")).as("another address").isFalse();
        assertThat(guard.locked("bob", "192.0.2.1")).as("another name").isFalse();
        now[0] += 60_000;
        assertThat(guard.locked("ann", "192.0.2.1")).as("a window after the last").isFalse();
        assertThat(guard.failed("ann", "192.0.2.1")).as("counted afresh").isFalse();
        guard.succeeded("ann", "192.0.2.1");
        assertThat(guard.tracked()).isZero();
    }

    @Test
    void shouldRememberABoundedNumberOfNamesAndTheLongOnesByTheirStart() {
        CredentialGuard guard = new CredentialGuard(2, 60_000);
        for (int i = 0; i < CredentialGuard.MAX_TRACKED + 5_000; i++) {
            guard.failed("guess-" + i, "192.0.2.1");
        }
        assertThat(guard.tracked()).isEqualTo(CredentialGuard.MAX_TRACKED);
        String start = "x".repeat(CredentialGuard.MAX_NAME_CHARS);
        guard.failed(start + "-one", "192.0.2.1");
        assertThat(guard.failed(start + "-two", "192.0.2.1")).as("counted together").isTrue();
        assertThat(guard.locked(start, "192.0.2.1")).isTrue();
    }

    @Test
    void shouldBelieveXForwardedForOnlyFromATrustedProxyAndOnlyRightOfTheClient() throws Exception {
        InetAddress proxy = InetAddress.ofLiteral("10.0.0.5");
        InetAddress inner = InetAddress.ofLiteral("10.0.0.6");
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-For", "203.0.113.66, 198.51.100.7")
                .add("X-Forwarded-For", "10.0.0.6");
        assertThat(ClientAddress.of(from("10.0.0.5"), headers, Set.of(proxy, inner))).as("the last hop no trusted proxy added")
                .isEqualTo("198.51.100.7");
        assertThat(ClientAddress.of(from("10.0.0.5"), headers, Set.of(proxy))).as("10.0.0.6 is not trusted: it is the client")
                .isEqualTo("10.0.0.6");
        assertThat(ClientAddress.of(from("203.0.113.9"), headers, Set.of(proxy, inner))).as("not a proxy: its header is its own")
                .isEqualTo("203.0.113.9");
        assertThat(ClientAddress.of(from("10.0.0.5"), new DefaultHttpHeaders().add("X-Forwarded-For", "198.51.100.7, unknown"),
                Set.of(proxy))).as("no literal: the proxy it is").isEqualTo("10.0.0.5");
        assertThat(ClientAddress.of(from("10.0.0.5"), new DefaultHttpHeaders(), Set.of(proxy))).isEqualTo("10.0.0.5");
        assertThat(ClientAddress.of(from("10.0.0.5"), new DefaultHttpHeaders().add("X-Forwarded-For", "2001:db8::1"), Set.of(proxy)))
                .isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    private static EmbeddedChannel from(String address) {
        return new EmbeddedChannel() {
            @Override
            public SocketAddress remoteAddress() {
                return new InetSocketAddress(InetAddress.ofLiteral(address), 40_000);
            }
        };
    }
}
