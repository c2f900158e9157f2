package org.loket.host.replay;

/**
 * What a replay found. Times in the latency fields are the core's service time per command, in
 * microseconds.
 *
 * @param journal            the journal folder
 * @param configOverride     the configuration folder given instead of the recorded one, or null
 * @param commands           commands replayed
 * @param decisions          decisions the fresh core made
 * @param decisionHash       running hash over those decisions (hex)
 * @param recordedDecisions  decisions in the journal
 * @param recordedHash       running hash over the journal's decisions (hex)
 * @param refusedCommands    commands the fresh core refused ({@code REJECT_COMMAND}): in a what-if, recorded answers to
 *                           offers the other configuration did not make, among others
 * @param recordedRefusedCommands commands the journal's decisions refused
 * @param identical          whether both hashes and counts match; null for a what-if (configuration override)
 * @param commandsPerSecond  replay throughput (journal read, decode, core, hash)
 * @param elapsedMs          wall time of the replay loop
 * @param stateHash          hash of the core's state at the end (hex)
 */
public record ReplayReport(String journal, String configOverride, long commands, long decisions, String decisionHash,
                           long recordedDecisions, String recordedHash, long refusedCommands, long recordedRefusedCommands,
                           Boolean identical, long commandsPerSecond,
                           long elapsedMs, String stateHash, Latency latencyMicros) {

    /** Percentiles in microseconds. */
    public record Latency(double p50, double p90, double p99, double p999, double max) {
    }
}
