package org.loket.host.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.statistics.distribution.ExponentialDistribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.Channel;
import org.loket.host.kpi.KpiReport;
import org.loket.host.trace.TraceContact;

/**
 * The simulator against queueing theory. One queue, Poisson arrivals, exponential handling, agents
 * who answer at once: that is M/M/N, and Erlang C gives its probability of waiting, service level,
 * ASA and mean queue length exactly. With exponential patience it is M/M/N+M (Erlang A), solved
 * here as a birth-death chain.
 * <p>The statistics: the run is cut into 20 batches of equal length (the first, a warm-up from an
 * empty system, is dropped); the batch means give the estimate and its standard error, which
 * accounts for the correlation between consecutive contacts that a per-contact binomial error would
 * ignore. The theory must lie within 4 standard errors (a false alarm about once in 15,000 runs; the
 * seeds are fixed, so a run is repeatable), and the standard error must be small enough (under 3% of
 * the value for probabilities, 12% for mean waits and queue lengths) that this says something.
 */
class ErlangValidationTest {
    private static final int BATCHES = 20;
    private static final double Z = 4.0;
    private static final long AHT_MS = 120_000;
    private static final long SL_THRESHOLD_S = 20;

    @ParameterizedTest(name = "Erlang C: {0} agents, {1} Erlang offered")
    @CsvSource({"5, 3.5, 40000, 11", "10, 8.5, 100000, 12", "20, 18.0, 120000, 13"})
    void shouldMatchErlangC(int agents, double erlangs, int contacts, long seed) throws Exception {
        KpiReport kpis = simulate(agents, erlangs, contacts, -1, seed);
        double c = ErlangStaffing.probabilityOfWaiting(agents, erlangs); // textbook values: ErlangStaffingTest
        double serviceLevel = 1 - c * Math.exp(-(agents - erlangs) * SL_THRESHOLD_S * 1000.0 / AHT_MS);
        double asaMs = c * AHT_MS / (agents - erlangs);
        double meanQueue = c * erlangs / (agents - erlangs);
        Batches b = new Batches(kpis);
        b.check("service level in " + SL_THRESHOLD_S + " s", b.serviceLevel(), serviceLevel, 0.03);
        // Waits are strongly correlated from one contact to the next: their means converge slowly.
        b.check("ASA (ms)", b.asaMs(), asaMs, 0.12);
        b.check("mean queue length", b.meanQueueLength(), meanQueue, 0.12);
        assertThat(kpis.totals().abandoned()).isZero();
        assertThat(kpis.openAtEnd()).isZero();
    }

    @ParameterizedTest(name = "Erlang A: {0} agents, {1} Erlang offered, mean patience {2} s")
    @CsvSource({"10, 9.5, 180, 60000, 21", "20, 22.0, 300, 80000, 22"})
    void shouldMatchErlangA(int agents, double erlangs, int patienceS, int contacts, long seed) throws Exception {
        KpiReport kpis = simulate(agents, erlangs, contacts, patienceS * 1000L, seed);
        double[] theory = erlangA(agents, erlangs, AHT_MS / (patienceS * 1000.0));
        Batches b = new Batches(kpis);
        b.check("abandon rate", b.abandonRate(), theory[0], 0.03);
        b.check("mean queue length", b.meanQueueLength(), theory[1], 0.12);
    }

    /**
     * M/M/N+M by its birth-death chain: births λ, deaths kμ up to N, then Nμ + (k-N)θ.
     *
     * @param thetaOverMu patience rate over service rate
     * @return {abandon probability, mean number waiting}
     */
    static double[] erlangA(int n, double a, double thetaOverMu) {
        int states = 5_000;
        double[] p = new double[states];
        p[0] = 1;
        double sum = 1;
        for (int k = 1; k < states; k++) {
            double death = k <= n ? k : n + (k - n) * thetaOverMu; // in units of μ
            p[k] = p[k - 1] * a / death;
            sum += p[k];
        }
        double abandonRate = 0;
        double waiting = 0;
        for (int k = n + 1; k < states; k++) {
            abandonRate += p[k] / sum * (k - n) * thetaOverMu;
            waiting += p[k] / sum * (k - n);
        }
        return new double[] {abandonRate / a, waiting};
    }

    private static KpiReport simulate(int agents, double erlangs, int contacts, long meanPatienceMs, long seed) throws Exception {
        LoadedConfig config = ConfigLoader.parse(Map.of("routing.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s, serviceLevelSeconds: %d}]
                agents: [{name: a, count: %d, skills: {s: 1}}]
                entries: [{name: phone, queue: q}]
                maxLiveContacts: 100000
                """.formatted(SL_THRESHOLD_S, agents)), "erlang");
        UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(seed);
        var interArrival = ExponentialDistribution.of(AHT_MS / erlangs).createSampler(rng);
        var handle = ExponentialDistribution.of(AHT_MS).createSampler(rng);
        var patience = meanPatienceMs > 0 ? ExponentialDistribution.of(meanPatienceMs).createSampler(rng) : null;
        List<TraceContact> trace = new ArrayList<>(contacts);
        double t = 0;
        for (int i = 0; i < contacts; i++) {
            t += interArrival.sample();
            trace.add(new TraceContact(0, Math.round(t), Integer.toString(i), Channel.VOICE, "q", -1, null, 0, false,
                    patience == null ? -1 : Math.max(1, Math.round(patience.sample())), Math.max(1, Math.round(handle.sample())),
                    0, null, -1));
        }
        var settings = new DaySimulator.Settings(LocalDate.of(2027, 3, 1), ZoneOffset.UTC, 0, 0);
        return new DaySimulator(config, settings).run(trace, null, null).kpis();
    }

    /** Batch means over the run's 15-minute intervals. */
    private static final class Batches {
        private final List<List<KpiReport.Interval>> batches = new ArrayList<>();

        Batches(KpiReport kpis) {
            // Intervals after the last arrival only drain the queue; they are not steady state.
            List<KpiReport.Interval> intervals = kpis.intervals().stream().filter(i -> i.figures().offered() > 0).toList();
            int per = intervals.size() / BATCHES;
            for (int b = 1; b < BATCHES; b++) { // batch 0 is the warm-up
                batches.add(intervals.subList(b * per, (b + 1) * per));
            }
        }

        double[] serviceLevel() {
            return each(list -> sum(list, i -> i.figures().answeredWithinThreshold())
                    / sum(list, i -> i.figures().answered() + i.figures().abandoned() - i.figures().shortAbandoned()));
        }

        double[] asaMs() {
            return each(list -> sum(list, i -> i.figures().asaMs() == null ? 0 : i.figures().asaMs() * i.figures().answered())
                    / sum(list, i -> i.figures().answered()));
        }

        double[] abandonRate() {
            return each(list -> sum(list, i -> i.figures().abandoned()) / sum(list, i -> i.figures().answered() + i.figures().abandoned()));
        }

        double[] meanQueueLength() {
            return each(list -> sum(list, KpiReport.Interval::meanQueueLength) / list.size());
        }

        /** @param precision the widest standard error, relative to the theory, at which the check means something */
        void check(String what, double[] values, double theory, double precision) {
            double mean = 0;
            for (double v : values) {
                mean += v;
            }
            mean /= values.length;
            double variance = 0;
            for (double v : values) {
                variance += (v - mean) * (v - mean);
            }
            double standardError = Math.sqrt(variance / (values.length - 1) / values.length);
            System.out.printf("%-24s simulated %12.5g ± %-10.3g theory %12.5g  (%+.2f standard errors)%n", what, mean,
                    standardError, theory, (mean - theory) / standardError);
            assertThat(standardError).as("%s: standard error %.4g of %.4g is too wide to judge", what, standardError, theory)
                    .isLessThan(precision * Math.abs(theory));
            assertThat(Math.abs(mean - theory)).as("%s: simulated %.5g ± %.2g, theory %.5g", what, mean, standardError, theory)
                    .isLessThanOrEqualTo(Z * standardError);
        }

        private double[] each(java.util.function.ToDoubleFunction<List<KpiReport.Interval>> f) {
            return batches.stream().mapToDouble(f).toArray();
        }

        private static double sum(List<KpiReport.Interval> list, java.util.function.ToDoubleFunction<KpiReport.Interval> f) {
            return list.stream().mapToDouble(f).sum();
        }
    }
}
