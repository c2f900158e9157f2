package org.loket.chat;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The address a client connects from, by which the sign-in lockout counts ({@link CredentialGuard}):
 * the connection's peer; or, when that peer is a reverse proxy of {@code chat.trusted-proxies}, the
 * last address in {@code X-Forwarded-For} that is not a trusted proxy (each proxy appends the address
 * it was connected from, so the entries right of it are the trusted ones' and left of it anything a
 * client wrote). Entries are read as IP literals only, never looked up; one that is not a literal
 * ends the walk at the last trusted hop.
 */
final class ClientAddress {
    static final String FORWARDED_FOR = "X-Forwarded-For";

    private ClientAddress() {
    }

    /**
     * @param headers the request's (the WebSocket upgrade's), or null
     * @return the client's address as text, e.g. {@code 192.0.2.7} or {@code 2001:db8:0:0:0:0:0:1}
     */
    static String of(Channel channel, HttpHeaders headers, Set<InetAddress> trustedProxies) {
        if (!(channel.remoteAddress() instanceof InetSocketAddress socket) || socket.getAddress() == null) {
            return String.valueOf(channel.remoteAddress()); // an embedded channel (tests)
        }
        InetAddress client = socket.getAddress();
        if (headers != null && trustedProxies.contains(client)) {
            List<String> hops = new ArrayList<>();
            for (String header : headers.getAll(FORWARDED_FOR)) {
                for (String hop : header.split(",")) {
                    hops.add(hop.strip());
                }
            }
            for (int i = hops.size() - 1; i >= 0 && trustedProxies.contains(client); i--) {
                InetAddress hop = literal(hops.get(i));
                if (hop == null) {
                    break;
                }
                client = hop;
            }
        }
        return client.getHostAddress();
    }

    /** An IP address written as one, or null (never a name lookup). */
    static InetAddress literal(String text) {
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
