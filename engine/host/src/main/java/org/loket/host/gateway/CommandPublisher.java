package org.loket.host.gateway;

/**
 * How adapters hand commands to the engine. Thread-safe; never blocks.
 */
public interface CommandPublisher {
    /**
     * Publishes one command if the ring has room.
     *
     * @return {@code false} when the ring is full: the adapter applies its overflow policy (send
     *     the call to the fallback route, tell the chat client to retry) and the host counts it
     */
    <A> boolean tryPublish(CommandFiller<A> filler, A argument);
}
