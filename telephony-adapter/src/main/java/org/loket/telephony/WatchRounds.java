package org.loket.telephony;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * Watching something in Asterisk in rounds: one round every {@code periodMs} while the AMI is
 * connected (the first after one period; none while it is down), for as long as anything is left to
 * watch. The round asks the AMI and publishes what ended, and takes from what is left; what is left
 * is asked before every wait (so it may also empty elsewhere). Ends when nothing is left, when the
 * thread is interrupted (the flag is kept), or when a round throws, logged at warn as
 * "telephony: watching {what} stopped: ..." on the owner's logger (a run started on demand is
 * started again while something is left, so a round that keeps failing logs once a period). Used by
 * {@link CallsLeftAtRestart#watch} and {@link PhonesInUse}. Thread-safe.
 */
final class WatchRounds {
    private final Logger log;
    private final String what;
    private final long periodMs;
    private final BooleanSupplier anyLeft;
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * @param log      the owner's logger, for the line a round that throws leaves
     * @param what     what is watched, for that line ("phones in use")
     * @param periodMs the wait before every round
     * @param anyLeft  whether anything is left to watch; asked before every wait, on the watching thread
     */
    WatchRounds(Logger log, String what, long periodMs, BooleanSupplier anyLeft) {
        this.log = log;
        this.what = what;
        this.periodMs = periodMs;
        this.anyLeft = anyLeft;
    }

    /** Rounds on this thread until nothing is left (then at once), an interrupt or a round that throws. */
    void run(BooleanSupplier connected, Callable<?> round) {
        try {
            while (anyLeft.getAsBoolean()) {
                TimeUnit.MILLISECONDS.sleep(periodMs);
                if (connected.getAsBoolean()) {
                    round.call();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("telephony: watching {} stopped: {}", what, e.toString());
        }
    }

    /**
     * On demand (something new to watch): {@link #run} on one task of {@code executor}, unless nothing
     * is left or this already runs there. When a run ends, however it ended, it asks again, for
     * something added while it was ending. An executor shut down (the gateway closing) ends it quietly.
     */
    void startIfNeeded(Executor executor, BooleanSupplier connected, Callable<?> round) {
        if (!anyLeft.getAsBoolean() || !running.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    run(connected, round);
                } finally {
                    running.set(false);
                }
                startIfNeeded(executor, connected, round);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            running.set(false); // the gateway is closing: nothing more to watch for
        }
    }
}
