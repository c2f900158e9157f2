package org.loket.host.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.loket.core.command.Command;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.CommandPublisher;

/**
 * A starting gateway's publisher: holds the commands the gateway publishes before it is in egress
 * and puts them into the ring, in order, once it is ({@link #open}); from then on it publishes
 * straight through. So a gateway receives the decisions of every command it published, even of
 * those its {@code start} published (an agent login, a resynchronisation after connecting): were
 * they in the ring at once, a quick engine could hand their decisions out before the gateway was
 * added to egress, and they would be lost to it.
 */
final class StartingPublisher implements CommandPublisher {
    private static final CommandFiller<Command> COPY = (command, held) -> command.copyFrom(held);
    private static final long RING_FULL_RETRY_NS = 1_000_000L;

    private final CommandPublisher engine;
    private final List<Command> held = new ArrayList<>();
    private volatile boolean open;

    StartingPublisher(CommandPublisher engine) {
        this.engine = engine;
    }

    @Override
    public <A> boolean tryPublish(CommandFiller<A> filler, A argument) {
        if (!open) {
            synchronized (held) {
                if (!open) {
                    Command command = new Command();
                    filler.fill(command, argument);
                    held.add(command);
                    return true;
                }
            }
        }
        return engine.tryPublish(filler, argument);
    }

    /** The gateway is in egress: publishes what it held, then lets its commands through. */
    void open() {
        synchronized (held) {
            for (Command command : held) {
                while (!engine.tryPublish(COPY, command)) {
                    LockSupport.parkNanos(RING_FULL_RETRY_NS); // a start-up's few commands: the ring drains
                }
            }
            held.clear();
            open = true;
        }
    }
}
