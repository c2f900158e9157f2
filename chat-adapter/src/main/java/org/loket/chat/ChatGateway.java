package org.loket.chat;

import java.net.InetSocketAddress;
import org.loket.config.LoadedConfig;
import org.loket.core.decision.Decision;
import org.loket.host.gateway.Gateway;
import org.loket.host.gateway.GatewayContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat gateway: one Netty server for the citizen web chat, the agent desktop, the supervisor
 * wallboard and the work-item webhook. Decisions reach it on the egress thread; it copies each one
 * and hands it to its {@link ChatHub} thread, so egress never waits on a socket. A configuration
 * applied during traffic reaches the hub the same way, in order with the decisions.
 */
public final class ChatGateway implements Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(ChatGateway.class);

    private final ChatSettings settings;
    private final ChatCounters counters = new ChatCounters();
    private ChatHub hub;
    private ChatServer server;
    private Webhook webhook;

    public ChatGateway(ChatSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public void start(GatewayContext context) throws Exception {
        webhook = new Webhook(settings, counters);
        hub = new ChatHub(settings, context.config(), context.publisher(), counters, webhook);
        server = new ChatServer(settings, hub, counters);
        server.start();
        LOG.info("chat gateway listening on {}://{}:{} ({})", settings.tls() ? "https" : "http",
                server.address().getHostString(), server.address().getPort(), settings);
    }

    /** Egress thread: copy and hand over; never blocks (the hub's queue is unbounded and lock-free to offer to). */
    @Override
    public void onDecision(Decision decision) {
        if (hub != null && ChatHub.wants(decision)) {
            Decision copy = new Decision().copyFrom(decision);
            hub.execute(() -> hub.onDecision(copy));
        }
    }

    /**
     * Egress thread, right behind the {@code CONFIGURATION_APPLIED} decision: the hub switches in the
     * same order as it takes decisions (its queue is FIFO), so the decisions it handles after the
     * switch are read with the new ids and its later commands carry them.
     */
    @Override
    public void onConfigApplied(LoadedConfig config) {
        if (hub != null) {
            hub.execute(() -> hub.configApplied(config));
        }
    }

    /** The bound address (the port is the real one when {@code chat.port=0}). */
    public InetSocketAddress address() {
        return server.address();
    }

    public ChatCounters counters() {
        return counters;
    }

    /** The hub, for tests that wait for a state. */
    ChatHub hub() {
        return hub;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (webhook != null) {
            webhook.close();
        }
    }
}
