package org.loket.host.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes the {@code TICK}s that let the core's timers fire: one when the core's earliest timer
 * falls due (an offer's time-out, an escalation step, the end of wrap-up), and one at least every
 * heartbeat so a quiet engine's clock still moves and reads of its state are answered.
 * <p>Why not ticks at a fixed rate: every tick is a journaled command and wakes three threads (this
 * one, the core and the IO thread), each wake-up costing 40-90 µs of CPU on the project's VMs; ten
 * ticks a second were most of an idle engine's cost and filled a quiet day's journal with 864,000
 * ticks, while a timer still fired up to a tick late. Here a timer fires within a wake-up of its
 * deadline. Replay is unaffected: ticks are journaled commands whenever they come.
 * <p>The core thread tells the ticker when a batch changed the earliest deadline ({@link #dueChanged});
 * the ticker then wakes if that deadline is earlier than the instant it sleeps until.
 */
public final class Ticker implements AutoCloseable {
    private static final long RING_FULL_RETRY_NS = 1_000_000L;

    private final Engine engine;
    private final long heartbeatNs;
    private final Thread thread;
    private final AtomicLong timerTicks = new AtomicLong();
    private final AtomicLong heartbeatTicks = new AtomicLong();
    private volatile boolean running = true;
    /** Engine-clock instant this thread sleeps until; {@code Long.MAX_VALUE} while awake. */
    private volatile long sleepUntilNs = Long.MAX_VALUE;

    private Ticker(Engine engine, long heartbeatMs) {
        if (heartbeatMs <= 0) {
            throw new IllegalArgumentException("heartbeat must be positive, was " + heartbeatMs + " ms");
        }
        this.engine = engine;
        this.heartbeatNs = TimeUnit.MILLISECONDS.toNanos(heartbeatMs);
        this.thread = new Thread(this::run, "loket-ticks");
        thread.setDaemon(true);
    }

    /** Starts ticking for {@code engine}; the engine stops it when it closes. */
    public static Ticker start(Engine engine, long heartbeatMs) {
        Ticker ticker = new Ticker(engine, heartbeatMs);
        engine.attach(ticker);
        ticker.thread.start();
        return ticker;
    }

    private void run() {
        long lastTickNs = engine.nowNs();
        long tickedForNs = Long.MIN_VALUE; // the deadline the last timer tick was for
        while (running) {
            long nowNs = engine.nowNs();
            long dueNs = engine.nextTimerNs();
            boolean timerDue = dueNs <= nowNs && dueNs != tickedForNs;
            if (timerDue || nowNs - lastTickNs >= heartbeatNs) {
                if (engine.publishTick()) {
                    (timerDue ? timerTicks : heartbeatTicks).incrementAndGet();
                    if (timerDue) {
                        tickedForNs = dueNs; // not again for this deadline: the core moves it when the tick fires it
                    }
                    lastTickNs = nowNs;
                } else {
                    LockSupport.parkNanos(RING_FULL_RETRY_NS);
                }
                continue;
            }
            long untilNs = lastTickNs + heartbeatNs;
            if (dueNs > nowNs && dueNs < untilNs) {
                untilNs = dueNs;
            }
            sleepUntilNs = untilNs;
            // Announce before looking again: a batch that lowered the deadline after the read above
            // either is seen here or sees the announcement and wakes this thread.
            if (engine.nextTimerNs() == dueNs) {
                LockSupport.parkNanos(untilNs - nowNs);
            }
            sleepUntilNs = Long.MAX_VALUE;
        }
    }

    /** Core thread, at the end of a batch that changed the earliest deadline. */
    void dueChanged(long dueNs) {
        if (dueNs < sleepUntilNs) {
            LockSupport.unpark(thread);
        }
    }

    /** Ticks published because a timer fell due. */
    public long timerTicks() {
        return timerTicks.get();
    }

    /** Ticks published because nothing else had been for a heartbeat. */
    public long heartbeatTicks() {
        return heartbeatTicks.get();
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
