package org.loket.host.gateway;

/**
 * How adapters hand commands to the engine. Thread-safe; never waits for another thread.
 * <p>On a quiet engine the publishing thread runs the command through the core, the journal and
 * egress itself (a thread wake-up costs more than that work): every gateway's decision callbacks
 * may then run inside {@code tryPublish}, on the caller's thread. So do not publish while holding a
 * lock that a thread of yours may wait for while holding a lock your decision callbacks take.
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
