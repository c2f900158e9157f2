package org.loket.core.testkit;

import org.loket.core.command.Command;
import org.loket.core.routing.RoutingCore;

/** A core with a recording sink that numbers the commands it applies, as the journal would. */
public final class CoreDriver {
    public final RecordingSink sink = new RecordingSink();
    public final RoutingCore core = new RoutingCore(sink);
    private long sequence;

    public CoreDriver apply(Command... commands) {
        for (Command command : commands) {
            command.sequence = ++sequence;
            core.apply(command);
        }
        return this;
    }
}
