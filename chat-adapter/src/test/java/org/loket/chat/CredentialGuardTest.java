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

    /**
     * Password spraying: a few secrets on every name from one address. Past the limit across names
     * the address is locked out of every name (names of nobody's count alike), once heard of; a
     * right secret from there does not clear the count, and other addresses carry on.
     */
    @Test
    void shouldLockAnAddressThatTriesSecretsOnManyNamesOutOfEveryName() {
        long[] now = {1_000_000};
        java.util.List<String> lockedOut = new java.util.ArrayList<>();
        CredentialGuard guard = new CredentialGuard(5, 10, 60_000, lockedOut::add);
        guard.clockMs = () -> now[0];
        ChatCounters counters = new ChatCounters();
        for (int i = 0; i < 9; i++) {
            assertThat(guard.attempt("agent-" + i, "192.0.2.1", () -> false, counters)).isEqualTo(CredentialGuard.Outcome.REFUSED);
        }
        assertThat(guard.attempt("colleague", "192.0.2.1", () -> true, counters)).as("a colleague behind the same NAT")
                .isEqualTo(CredentialGuard.Outcome.ACCEPTED);
        assertThat(lockedOut).isEmpty();
        assertThat(guard.attempt("nobody", "192.0.2.1", () -> false, counters)).as("the tenth, on a name of nobody's, still answered")
                .isEqualTo(CredentialGuard.Outcome.REFUSED);
        assertThat(lockedOut).containsExactly("192.0.2.1");
        assertThat(counters.authAddressLockouts.sum()).isEqualTo(1);
        assertThat(counters.authLockouts.sum()).as("no name had five").isZero();
        assertThat(guard.attempt("colleague", "192.0.2.1", () -> true, counters)).as("every name, the right secret too")
                .isEqualTo(CredentialGuard.Outcome.LOCKED);
        assertThat(guard.attempt("agent-0", "192.0.2.1", () -> false, counters)).isEqualTo(CredentialGuard.Outcome.LOCKED);
        assertThat(counters.authLocked.sum()).isEqualTo(2);
        assertThat(guard.attempt("colleague", "192.0.2.2", () -> true, counters)).as("another address")
                .isEqualTo(CredentialGuard.Outcome.ACCEPTED);
        now[0] += 60_000;
        assertThat(guard.addressLocked("192.0.2.1")).as("a window after the last").isFalse();
        assertThat(guard.attempt("colleague", "192.0.2.1", () -> true, counters)).isEqualTo(CredentialGuard.Outcome.ACCEPTED);
        assertThat(lockedOut).as("heard of once").hasSize(1);
    }

    @Test
    void shouldNotLockAnAddressForWrongSecretsSpreadBeyondTheWindowNorWithoutALimit() {
        long[] now = {1_000_000};
        CredentialGuard guard = new CredentialGuard(5, 3, 60_000, address -> { });
        guard.clockMs = () -> now[0];
        assertThat(guard.addressFailed("192.0.2.1")).isFalse();
        now[0] += 40_000;
        assertThat(guard.addressFailed("192.0.2.1")).isFalse();
        now[0] += 40_000;
        assertThat(guard.addressFailed("192.0.2.1")).as("the first of three is out of the window").isFalse();
        now[0] += 10_000;
        assertThat(guard.addressFailed("192.0.2.1")).as("three within a minute").isTrue();
        CredentialGuard wide = new CredentialGuard(5, 6, 60_000, address -> { }); // its ring grows on the way to six
        wide.clockMs = () -> now[0];
        wide.addressFailed("192.0.2.1");
        now[0] += 30_000;
        for (int i = 0; i < 4; i++) {
            assertThat(wide.addressFailed("192.0.2.1")).isFalse();
        }
        now[0] += 31_000;
        assertThat(wide.addressFailed("192.0.2.1")).as("the sixth, but the first is out of the window").isFalse();
        assertThat(wide.addressFailed("192.0.2.1")).as("the last six within a minute").isTrue();
        CredentialGuard noLimit = new CredentialGuard(5, 60_000);
        for (int i = 0; i < 1_000; i++) {
            assertThat(noLimit.addressFailed("192.0.2.1")).isFalse();
        }
        assertThat(noLimit.addressLocked("192.0.2.1")).isFalse();
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
