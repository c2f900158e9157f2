package org.loket.chat;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * One WebSocket connection: a citizen's chat, an agent's desktop or a wallboard. The rate-limit
 * fields belong to the connection's event loop; the rest to the {@link ChatHub} thread.
 */
final class Peer {
    enum Kind { CITIZEN, AGENT, WALLBOARD }

    final Channel channel;
    final Kind kind;
    /** Where the client connects from ({@link ClientAddress}): the sign-in lockout counts by it. */
    final String address;

    // event loop only
    private final TokenBucket frames;
    int malformedInARow;

    /**
     * A citizen's conversation's language code, or null before there is one: the language of the
     * error frames the page shows ({@link CitizenError}). Written by the hub thread, read also by the
     * event loop's refusals.
     */
    volatile String language;

    // hub thread only
    Conversation conversation;
    int agent = -1;
    boolean subscribed;
    /** On a wallboard: the supervisor signed in (who may act there), or null for a view-only page. */
    String supervisor;
    /** On a wallboard signed in by a supervisor, or a desktop logged in: its session's token hash (sign-out ends that session), or null. */
    String session;
    int authFailures;

    Peer(Channel channel, Kind kind, int burst) {
        this(channel, kind, burst, ClientAddress.of(channel, null, java.util.Set.of()));
    }

    Peer(Channel channel, Kind kind, int burst, String address) {
        this.channel = channel;
        this.kind = kind;
        this.address = address;
        this.frames = new TokenBucket(burst);
    }

    /** Takes one token of the connection's bucket; {@code false} when the rate is exceeded. Event loop only. */
    boolean admit(int perSecond, int burst) {
        return frames.take(perSecond, burst);
    }

    /** Writes a text frame; safe from any thread (Netty hands it to the connection's event loop). */
    void send(String json) {
        if (channel.isActive()) {
            channel.writeAndFlush(new TextWebSocketFrame(json), channel.voidPromise());
        }
    }

    void close(int status, String reason) {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(f -> channel.close());
        }
    }
}
