package org.loket.host.bench;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.loket.core.command.Command;
import org.loket.host.journal.Journal;
import org.loket.host.journal.JournalPretoucher;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;
import org.loket.host.pipeline.WaitStrategies;
import org.loket.host.replay.Pace;
import org.loket.host.replay.ReplayReport;
import org.loket.host.replay.Replayer;

/**
 * {@code loket bench}: the raw pipeline and the full engine, side by side in one process, on the
 * same recorded workload and the same wait strategy, with journal files pre-touched by a
 * background thread in both. Each measured run follows an unmeasured warm-up run on a fresh
 * journal folder.
 */
public final class PipelineBench {
    private final CommandTape tape;
    private final Path workFolder;
    private final String waitStrategy;
    private final int ringSize;
    private final boolean pretouch;

    public PipelineBench(CommandTape tape, Path workFolder, String waitStrategy, int ringSize, boolean pretouch) {
        this.pretouch = pretouch;
        this.tape = tape;
        this.workFolder = workFolder;
        this.waitStrategy = waitStrategy;
        this.ringSize = ringSize;
    }

    /** Slot of the raw pipeline: the same command holder the engine's ring carries. */
    private static final class RawEvent {
        final Command command = new Command();
    }

    /**
     * Ring → Chronicle append of the same command bytes; no routing. Through the engine's own
     * {@link Journal.CommandWriter}, so its records are the engine's, checksum included: the ratio
     * compares like with like. @return commands per second
     */
    public long rawPipeline(String name) {
        Path folder = fresh(name);
        settle();
        try (Journal journal = Journal.open(folder); JournalPretoucher pretoucher = pretouch ? new JournalPretoucher(folder) : null) {
            AtomicLong done = new AtomicLong();
            Disruptor<RawEvent> disruptor = new Disruptor<>(RawEvent::new, ringSize, r -> daemon(r, "bench-raw"),
                    ProducerType.MULTI, WaitStrategies.of(waitStrategy));
            disruptor.handleEventsWith(new EventHandler<RawEvent>() {
                private Journal.CommandWriter writer;

                @Override
                public void onStart() {
                    writer = journal.commandWriter();
                }

                private int inBatch;

                @Override
                public void onEvent(RawEvent event, long sequence, boolean endOfBatch) {
                    // The same batching as the engine's journal stage: one record per batch of up to 256.
                    if (inBatch == 0) {
                        writer.begin();
                    }
                    writer.add(event.command);
                    if (endOfBatch || ++inBatch == 256) {
                        writer.end();
                        inBatch = 0;
                        done.lazySet(sequence + 1);
                    }
                }

                @Override
                public void onShutdown() {
                    writer.close();
                }
            });
            RingBuffer<RawEvent> ring = disruptor.start();
            int n = tape.size();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long sequence = ring.next();
                Command command = ring.get(sequence).command;
                tape.read(i, command);
                command.sequence = sequence + 1;
                ring.publish(sequence);
            }
            while (done.get() < n) {
                Thread.onSpinWait();
            }
            long elapsed = System.nanoTime() - start;
            disruptor.shutdown();
            return n * 1_000_000_000L / elapsed;
        } finally {
            delete(folder);
        }
    }

    /** Ring → journal ∥ core → egress. @return commands per second */
    public EngineRun engine(String name, long offeredRatePerSecond, boolean measure, boolean replayAfter) {
        Path folder = fresh(name);
        settle();
        EngineSettings settings = new EngineSettings(ringSize, waitStrategy, 0, measure, measure, true, pretouch,
                EngineSettings.DEFAULT_SAFETY_PARK_MS, 0, 0, false, Long.MAX_VALUE);
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(settings, journal);
            ThreadCpu cpu = new ThreadCpu();
            Command command = new Command();
            int n = tape.size();
            long start = System.nanoTime();
            long intervalNs = offeredRatePerSecond > 0 ? 1_000_000_000L / offeredRatePerSecond : 0;
            for (int i = 0; i < n; i++) {
                tape.read(i, command);
                long intended = start + i * intervalNs;
                if (intervalNs > 0) {
                    // A producer that sleeps rather than spins: spinning steals one of two vCPUs.
                    long wait = intended - System.nanoTime();
                    if (wait > 20_000) {
                        LockSupport.parkNanos(wait);
                    }
                } else {
                    intended = System.nanoTime();
                }
                engine.publishRecorded(command, intended);
            }
            try {
                engine.awaitQuiet(TimeUnit.MINUTES.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            long elapsed = System.nanoTime() - start;
            if (engine.failure().isDone()) {
                throw new IllegalStateException("engine failed during the benchmark", engine.failure().join());
            }
            java.util.Map<String, Double> cpuShare = cpu.sharesSince(elapsed);
            long commandsPerSecond = n * 1_000_000_000L / elapsed;
            long decisions = engine.decisions();
            var service = BenchReport.Percentiles.of(engine.serviceTimeNs(), 1);
            var latency = BenchReport.Percentiles.of(engine.latencyNs(), 1000.0);
            engine.close();
            ReplayReport replay = replayAfter ? Replayer.replay(folder, null, null, Pace.MAX, null) : null;
            return new EngineRun(commandsPerSecond, decisions, cpuShare, service, latency, replay);
        } finally {
            delete(folder);
        }
    }

    /** One engine run's figures. */
    public record EngineRun(long commandsPerSecond, long decisions, java.util.Map<String, Double> cpuShare,
                            BenchReport.Percentiles serviceNs,
                            BenchReport.Percentiles latencyMicros, ReplayReport replay) {
    }

    /** CPU time of the pipeline's threads and the producer over a run: where the time goes. */
    private static final class ThreadCpu {
        private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        private final java.util.Map<Long, Long> startNs = new java.util.HashMap<>();

        ThreadCpu() {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                startNs.put(t.threadId(), threads.getThreadCpuTime(t.threadId()));
            }
            startNs.put(Thread.currentThread().threadId(), threads.getThreadCpuTime(Thread.currentThread().threadId()));
        }

        /** Per pipeline thread (and "producer"), its CPU time as a share of the elapsed wall time. */
        java.util.Map<String, Double> sharesSince(long elapsedNs) {
            java.util.Map<String, Double> shares = new java.util.TreeMap<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                String name = t == Thread.currentThread() ? "producer" : t.getName();
                if (name.equals("producer") || name.startsWith("loket-")) {
                    long used = threads.getThreadCpuTime(t.threadId()) - startNs.getOrDefault(t.threadId(), 0L);
                    shares.put(name, Math.round(1000.0 * used / elapsedNs) / 1000.0);
                }
            }
            return shares;
        }
    }

    /** Collects the garbage of recording and earlier runs now, so no run pays for another's. */
    private static void settle() {
        System.gc();
    }

    private Path fresh(String name) {
        Path folder = workFolder.resolve(name);
        delete(folder);
        return folder;
    }

    private static void delete(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
