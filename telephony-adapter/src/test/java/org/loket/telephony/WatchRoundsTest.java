package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The watch loop {@link CallsLeftAtRestart} and {@link PhonesInUse} share, with a short period and
 * stand-ins for the AMI link: every wait is on a latch or semaphore, bounded by {@link #WAIT_S}.
 */
@Timeout(30)
class WatchRoundsTest {
    private static final long PERIOD_MS = 5;
    private static final long WAIT_S = 10;

    /** What is left to watch; every round takes one. */
    private final AtomicInteger left = new AtomicInteger();
    private final AtomicInteger rounds = new AtomicInteger();
    private final AtomicBoolean connected = new AtomicBoolean(true);
    /** One permit each time the loop asks whether the AMI is connected. */
    private final Semaphore asked = new Semaphore(0);
    private final BooleanSupplier link = () -> {
        asked.release();
        return connected.get();
    };
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /** Tasks handed to the executor, and one permit as each ends. */
    private final AtomicInteger tasks = new AtomicInteger();
    private final Semaphore tasksEnded = new Semaphore(0);
    private final Executor actions = task -> {
        tasks.incrementAndGet();
        threads.execute(() -> {
            try {
                task.run();
            } finally {
                tasksEnded.release();
            }
        });
    };

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private WatchRounds rounds(BooleanSupplier anyLeft) {
        return new WatchRounds(LoggerFactory.getLogger(WatchRoundsTest.class), "test", PERIOD_MS, anyLeft);
    }

    private Integer takeOne() {
        rounds.incrementAndGet();
        return left.decrementAndGet();
    }

    @Test
    void shouldRoundWhileConnectedUntilNothingIsLeft() throws Exception {
        left.set(3);
        rounds(() -> left.get() > 0).startIfNeeded(actions, link, this::takeOne);

        assertThat(tasksEnded.tryAcquire(WAIT_S, TimeUnit.SECONDS)).as("the run ended").isTrue();
        assertThat(rounds.get()).isEqualTo(3);
        assertThat(tasks.get()).as("one run, not started again with nothing left").isEqualTo(1);
    }

    @Test
    void shouldNotRoundWhileDisconnected() throws Exception {
        left.set(5);
        connected.set(false);
        rounds(() -> left.get() > 0).startIfNeeded(actions, link, this::takeOne);

        assertThat(asked.tryAcquire(3, WAIT_S, TimeUnit.SECONDS)).as("three periods passed").isTrue();
        assertThat(rounds.get()).as("no round while the AMI is down").isZero();
        assertThat(tasksEnded.availablePermits()).as("still watching").isZero();

        connected.set(true);
        assertThat(tasksEnded.tryAcquire(WAIT_S, TimeUnit.SECONDS)).as("the run ended").isTrue();
        assertThat(rounds.get()).isEqualTo(5);
    }

    @Test
    void shouldStartAgainOnDemandButNotWhileRunning() throws Exception {
        WatchRounds watch = rounds(() -> left.get() > 0);
        CountDownLatch inRound = new CountDownLatch(1);
        CountDownLatch finishRound = new CountDownLatch(1);
        left.set(1);
        watch.startIfNeeded(actions, link, () -> {
            inRound.countDown();
            finishRound.await(WAIT_S, TimeUnit.SECONDS);
            return takeOne();
        });
        assertThat(inRound.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        watch.startIfNeeded(actions, link, this::takeOne);
        assertThat(tasks.get()).as("not a second run while one runs").isEqualTo(1);
        finishRound.countDown();
        assertThat(tasksEnded.tryAcquire(WAIT_S, TimeUnit.SECONDS)).isTrue();

        watch.startIfNeeded(actions, link, this::takeOne);
        assertThat(tasks.get()).as("nothing left: not started").isEqualTo(1);

        left.set(2);
        watch.startIfNeeded(actions, link, this::takeOne);
        assertThat(tasksEnded.tryAcquire(WAIT_S, TimeUnit.SECONDS)).as("the second run ended").isTrue();
        assertThat(tasks.get()).isEqualTo(2);
        assertThat(rounds.get()).isEqualTo(3);
    }

    /**
     * Something added just as a run found nothing left: the start it asks for is refused (the run
     * is still on), and the run, ending, starts again for it.
     */
    @Test
    void shouldStartAgainForWhatWasAddedAsARunEnded() throws Exception {
        AtomicInteger tasksAsAdded = new AtomicInteger(-1);
        WatchRounds[] watch = new WatchRounds[1];
        watch[0] = rounds(() -> {
            boolean any = left.get() > 0;
            if (!any && tasksAsAdded.get() < 0) {
                left.set(1);
                CompletableFuture.runAsync(() -> watch[0].startIfNeeded(actions, link, this::takeOne), threads)
                        .orTimeout(WAIT_S, TimeUnit.SECONDS).join();
                tasksAsAdded.set(tasks.get());
            }
            return any;
        });
        left.set(1);
        watch[0].startIfNeeded(actions, link, this::takeOne);

        assertThat(tasksEnded.tryAcquire(2, WAIT_S, TimeUnit.SECONDS)).as("two runs ended").isTrue();
        assertThat(tasksAsAdded.get()).as("the start asked for as the first run ended was refused").isEqualTo(1);
        assertThat(tasks.get()).isEqualTo(2);
        assertThat(rounds.get()).isEqualTo(2);
        assertThat(left.get()).isZero();
    }

    @Test
    void shouldEndOnAnInterruptKeepingItsFlag() throws Exception {
        left.set(1);
        WatchRounds watch = rounds(() -> left.get() > 0);
        AtomicBoolean flagKept = new AtomicBoolean();
        Thread thread = Thread.ofVirtual().start(() -> {
            watch.run(link, () -> rounds.incrementAndGet());
            flagKept.set(Thread.currentThread().isInterrupted());
        });
        assertThat(asked.tryAcquire(WAIT_S, TimeUnit.SECONDS)).isTrue();
        thread.interrupt();

        assertThat(thread.join(Duration.ofSeconds(WAIT_S))).as("ended").isTrue();
        assertThat(flagKept.get()).isTrue();
        assertThat(left.get()).as("ended with something left").isEqualTo(1);
    }

    @Test
    void shouldEndWhenARoundThrows() {
        left.set(1);
        rounds(() -> left.get() > 0).run(link, () -> {
            rounds.incrementAndGet();
            throw new IllegalStateException("the engine did not answer");
        });

        assertThat(rounds.get()).isEqualTo(1);
    }

    /** The gateway closing shuts its executor down: a start then throws nothing, and a later one may run again. */
    @Test
    void shouldStartNothingOnAnExecutorShutDown() throws Exception {
        left.set(1);
        ExecutorService closed = Executors.newSingleThreadExecutor();
        closed.shutdown();
        WatchRounds watch = rounds(() -> left.get() > 0);
        watch.startIfNeeded(closed, link, this::takeOne);
        assertThat(rounds.get()).isZero();
        watch.startIfNeeded(actions, link, this::takeOne);
        assertThat(tasksEnded.tryAcquire(WAIT_S, TimeUnit.SECONDS)).as("a run after it").isTrue();
        assertThat(rounds.get()).isEqualTo(1);
    }
}
