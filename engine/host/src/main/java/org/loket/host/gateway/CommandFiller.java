package org.loket.host.gateway;

import org.loket.core.command.Command;

/**
 * Fills a ring slot's command from an adapter's argument. Use a {@code static final} instance (a
 * capturing lambda allocates per call). The command arrives cleared; do not set its timestamp or
 * sequence: the host stamps them.
 */
@FunctionalInterface
public interface CommandFiller<A> {
    void fill(Command command, A argument);
}
