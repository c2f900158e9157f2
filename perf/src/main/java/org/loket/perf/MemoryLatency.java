package org.loket.perf;

import java.util.Locale;
import java.util.Random;

/**
 * Diagnostic: this machine's latency of one dependent load by working-set size (a pointer chase
 * through a random cyclic permutation, one int per 64-byte line, so every step is a new line and
 * no prefetcher can guess it). It says what one cold agent row costs the routing core here, and
 * so the floor under {@link RoutingDecisionBenchmark}'s growth with roster size.
 * <p>Run: {@code PERF_MAIN=org.loket.perf.MemoryLatency perf/jmh.sh [MiB...]} (default 1 4 16 64 256).
 */
public final class MemoryLatency {
    private static final int LINE_INTS = 16;
    private static final int STEPS = 5_000_000;

    public static void main(String[] args) {
        int[] sizesMiB = args.length == 0 ? new int[] {1, 4, 16, 64, 256} : new int[args.length];
        for (int i = 0; i < args.length; i++) {
            sizesMiB[i] = Integer.parseInt(args[i]);
        }
        for (int mib : sizesMiB) {
            int lines = mib * 1024 * 1024 / 64;
            int[] next = new int[lines * LINE_INTS];
            int[] order = RoutingCycle.permutation(lines, new Random(mib));
            for (int i = 0; i < lines; i++) {
                next[order[i] * LINE_INTS] = order[(i + 1) % lines] * LINE_INTS;
            }
            int p = 0;
            for (int k = 0; k < STEPS / 2; k++) {
                p = next[p];
            }
            long startNs = System.nanoTime();
            for (int k = 0; k < STEPS; k++) {
                p = next[p];
            }
            long ns = System.nanoTime() - startNs;
            System.out.println(String.format(Locale.ROOT, "%4d MiB: %6.1f ns per dependent load (end %d)", mib, ns / (double) STEPS, p));
        }
    }
}
