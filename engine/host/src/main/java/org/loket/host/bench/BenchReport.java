package org.loket.host.bench;

/**
 * What {@code loket bench} measured, in one process on one workload.
 *
 * @param agents, queues, skills      the workload's shape
 * @param commands                    commands per throughput run
 * @param waitStrategy                the Disruptor wait strategy of both pipelines
 * @param rawCommandsPerSecond        ring → Chronicle append of the same command bytes, no routing
 * @param engineCommandsPerSecond     ring → journal ∥ core → egress (decision journal, hash)
 * @param ratio                       engine / raw
 * @param coreServiceNanos            the core's own time per command, measured inside the core stage
 * @param endToEndMicros              publish → egress at a steady offered rate, from the intended send time
 *                                    (coordinated-omission corrected)
 * @param offeredRatePerSecond        the steady rate of the latency run
 * @param decisionsPerCommand         decisions made per command in the engine run
 * @param engineCpuShare              CPU time per pipeline thread (and the producer) over the engine run,
 *                                    as a share of its wall time: where the time goes
 * @param replayCommandsPerSecond     {@code loket replay} of the engine run's journal: read, decode, core, hash
 * @param replayIdentical             whether that replay made exactly the recorded decisions
 * @param jvm, cpus                   where it ran
 */
public record BenchReport(int agents, int queues, int skills, int commands, String waitStrategy, long rawCommandsPerSecond,
                          long engineCommandsPerSecond, double ratio, Percentiles coreServiceNanos, Percentiles endToEndMicros,
                          long offeredRatePerSecond, double decisionsPerCommand, java.util.Map<String, Double> engineCpuShare,
                          long replayCommandsPerSecond, boolean replayIdentical, String jvm, int cpus) {

    /** Percentiles of one distribution, in the unit its field names. */
    public record Percentiles(double p50, double p90, double p99, double p999, double p9999, double max, long count) {
        static Percentiles of(org.HdrHistogram.Histogram h, double divisor) {
            return new Percentiles(h.getValueAtPercentile(50) / divisor, h.getValueAtPercentile(90) / divisor,
                    h.getValueAtPercentile(99) / divisor, h.getValueAtPercentile(99.9) / divisor,
                    h.getValueAtPercentile(99.99) / divisor, h.getMaxValue() / divisor, h.getTotalCount());
        }
    }
}
