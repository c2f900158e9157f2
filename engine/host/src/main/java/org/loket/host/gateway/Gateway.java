package org.loket.host.gateway;

import org.loket.core.decision.Decision;

/**
 * An adapter plugged into the host: it turns outside events into commands through the
 * {@link CommandPublisher} and turns decisions into outside actions.
 * <p>Lifecycle: {@link #start} once before traffic, {@link #onDecision} on the egress thread for
 * every decision after its command is journaled, {@link #close} once at shutdown.
 */
public interface Gateway extends AutoCloseable {
    /** A short name for logs and metrics, e.g. "telephony". */
    String name();

    /** Binds sockets and starts threads. Must return promptly. */
    void start(GatewayContext context) throws Exception;

    /**
     * Called on the egress thread, in decision order. Must not block and must not throw: hand the
     * work to the adapter's own threads. The instance is reused: copy what you keep.
     */
    void onDecision(Decision decision);

    @Override
    void close();
}
