package org.loket.host.sim;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.loket.core.command.Command;
import org.loket.host.gateway.CommandFiller;
import org.loket.host.gateway.Gateway;
import org.loket.host.gateway.GatewayContext;
import org.loket.host.pipeline.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway that plays a {@link SimulatedWorld} in real time against the live engine: a demo of
 * the whole pipeline without phones or browsers, and the traffic of the process-level crash tests.
 * Decisions arrive on the egress thread and are handed to the world's own thread.
 */
public final class SyntheticTraffic implements Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticTraffic.class);
    private static final CommandFiller<Command> COPY = (command, source) -> {
        long stamped = command.timestampNs;
        command.copyFrom(source);
        command.timestampNs = stamped;
    };

    private final WorldParams params;
    private final long seed;
    private final long firstContactId;
    private final ConcurrentLinkedQueue<org.loket.core.decision.Decision> decisions = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private Thread thread;

    /** @param firstContactId contact ids start here, above any id a previous run used */
    public SyntheticTraffic(WorldParams params, long seed, long firstContactId) {
        this.params = params;
        this.seed = seed;
        this.firstContactId = firstContactId;
    }

    @Override
    public String name() {
        return "synthetic-traffic";
    }

    @Override
    public void start(GatewayContext context) throws Exception {
        // The engine's clock: the decisions the world reacts to carry its time, which runs ahead of
        // the host's after a start on a journal that was.
        java.util.function.LongSupplier clock = context.engine() != null ? context.engine()::nowNs : new EpochClock()::nowNs;
        SimulatedWorld world = new SimulatedWorld(context.config().routing(), params, seed, clock.getAsLong(), Long.MAX_VALUE,
                firstContactId);
        if (context.engine() != null) {
            // A start on a journal that was: the agents the core recovered logged in are not logged in again.
            org.loket.core.AgentState[] presence = context.engine().query(core -> {
                org.loket.core.AgentState[] p = new org.loket.core.AgentState[core.agentCount()];
                for (int a = 0; a < p.length; a++) {
                    p[a] = core.agentPresence(a);
                }
                return p;
            }).get(30, java.util.concurrent.TimeUnit.SECONDS);
            world.recovered(a -> a < presence.length ? presence[a] : org.loket.core.AgentState.LOGGED_OUT);
        }
        thread = new Thread(() -> run(world, clock, context), "loket-synthetic-traffic");
        thread.setDaemon(true);
        thread.start();
        LOG.info("synthetic traffic: {} contacts/s, agents online {}", params.arrivalsPerSecond(),
                params.agentsOnline() < 0 ? "all" : params.agentsOnline());
    }

    private void run(SimulatedWorld world, java.util.function.LongSupplier clock, GatewayContext context) {
        Command pending = new Command();
        boolean hasPending = false;
        while (running) {
            for (org.loket.core.decision.Decision d = decisions.poll(); d != null; d = decisions.poll()) {
                world.onDecision(d);
            }
            long now = clock.getAsLong();
            while (running && (hasPending || world.poll(now, pending))) {
                hasPending = !context.publisher().tryPublish(COPY, pending);
                if (hasPending) {
                    break; // ring full: try again shortly, keeping the command
                }
            }
            long sleepNs = Math.min(world.nextDueNs() - clock.getAsLong(), 2_000_000L);
            LockSupport.parkNanos(Math.max(100_000L, sleepNs));
        }
    }

    @Override
    public void onDecision(org.loket.core.decision.Decision decision) {
        decisions.add(new org.loket.core.decision.Decision().copyFrom(decision));
    }

    /**
     * The simulated world is built on the start configuration's ids and does not follow a reload (a
     * demo): say so rather than drive the new configuration with old ids silently.
     */
    @Override
    public void onConfigApplied(org.loket.config.LoadedConfig config) {
        LOG.warn("synthetic traffic keeps the ids of the configuration it started with; configuration version {} may have "
                + "moved them: restart loket run to drive it", config.routing().version());
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
