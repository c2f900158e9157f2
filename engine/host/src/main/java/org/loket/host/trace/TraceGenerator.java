package org.loket.host.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.statistics.distribution.ContinuousDistribution;
import org.apache.commons.statistics.distribution.ExponentialDistribution;
import org.apache.commons.statistics.distribution.GammaDistribution;
import org.apache.commons.statistics.distribution.LogNormalDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.PoissonDistribution;
import org.apache.commons.statistics.distribution.WeibullDistribution;
import org.loket.core.Channel;

/**
 * Generates a day of synthetic helpdesk traffic from {@link TrafficParams}: a doubly-stochastic
 * Poisson arrival process over the 15-minute intraday profile (a gamma day factor and an AR(1)
 * interval factor make counts over-dispersed), a channel and topic mix, IVR self-service, lognormal
 * handling times, Weibull or exponential patience, and potential redials.
 * <p>Same parameters, scenario, scale and seed give the same trace, on any machine (SplitMix64 and
 * Commons Statistics samplers, no hash order).
 */
public final class TraceGenerator {
    private final TrafficParams params;

    public TraceGenerator(TrafficParams params) {
        this.params = params;
    }

    /** The scenario names the parameters define. */
    public List<String> scenarios() {
        return List.copyOf(params.scenarios().keySet());
    }

    /**
     * The most contacts a day may have before the outage's and busyness' factors (the scenario's
     * volume times the scale): the trace is held in memory (a few hundred bytes a contact), and this
     * is several national days, more than a simulation of one day needs.
     */
    public static final int MAX_CONTACTS = 5_000_000;

    /**
     * @param scenario a key of {@link TrafficParams#scenarios()}
     * @param scale    multiplies the scenario's volume (1.0 = as given)
     */
    public List<TraceContact> generate(String scenario, long seed, double scale) {
        TrafficParams.Scenario s = params.scenarios().get(scenario);
        if (s == null) {
            throw new IllegalArgumentException("no scenario '" + scenario + "'; valid: " + scenarios());
        }
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be above 0, not " + scale);
        }
        if (s.contacts() * scale > MAX_CONTACTS) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "scale %s makes about %,.0f contacts of scenario '%s';"
                    + " a trace is built in memory, at most %,d contacts: a scale up to %s here", scale, s.contacts() * scale, scenario,
                    MAX_CONTACTS, Math.floor((double) MAX_CONTACTS / s.contacts())));
        }
        UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(seed);
        // Callback choices draw from a stream of their own, so adding them left every other column as it was.
        Day day = new Day(s, rng, RandomSource.SPLIT_MIX_64.create(seed ^ 0x5DEECE66DL));
        double[] shares = params.intradayShares();
        double shareSum = 0;
        for (double share : shares) {
            shareSum += share;
        }
        TrafficParams.Busyness b = params.busyness();
        double dayFactor = gammaWithMeanOne(b.dayCv()).createSampler(rng).sample();
        double intervalSigma = Math.sqrt(Math.log(1 + b.intervalCv() * b.intervalCv()));
        var normal = NormalDistribution.of(0, 1).createSampler(rng);
        double z = normal.sample();
        List<TraceContact> contacts = new ArrayList<>();
        for (int bin = 0; bin < shares.length; bin++) {
            if (bin > 0) {
                z = b.intervalAr1() * z + Math.sqrt(1 - b.intervalAr1() * b.intervalAr1()) * normal.sample();
            }
            // A lognormal with the gamma's mean (1) and CV stands in for the interval factor.
            double intervalFactor = Math.exp(intervalSigma * z - intervalSigma * intervalSigma / 2);
            int startMinute = params.openMinute() + bin * params.binMinutes();
            double mean = s.contacts() * scale * shares[bin] / shareSum * dayFactor * intervalFactor
                    * day.outageMultiplier(startMinute);
            int count = mean <= 0 ? 0 : PoissonDistribution.of(mean).createSampler(rng).sample();
            long binStartMs = startMinute * 60_000L;
            long binMs = params.binMinutes() * 60_000L;
            long[] arrivals = new long[count];
            for (int i = 0; i < count; i++) {
                arrivals[i] = binStartMs + (long) (rng.nextDouble() * binMs);
            }
            java.util.Arrays.sort(arrivals);
            for (long arrivalMs : arrivals) {
                day.contact(arrivalMs, null, 1, contacts);
            }
        }
        contacts.sort(Comparator.comparingLong(TraceContact::arrivalMs));
        return contacts;
    }

    private static GammaDistribution gammaWithMeanOne(double cv) {
        double shape = 1 / (cv * cv);
        return GammaDistribution.of(shape, 1 / shape);
    }

    /** The samplers of one generated day. */
    private final class Day {
        private final TrafficParams.Scenario scenario;
        private final UniformRandomProvider rng;
        private final UniformRandomProvider callbackRng;
        private final double[] topicCdf;
        private final int outageTopic;
        private final long closeMs;
        private long nextId = 1;

        Day(TrafficParams.Scenario scenario, UniformRandomProvider rng, UniformRandomProvider callbackRng) {
            this.scenario = scenario;
            this.rng = rng;
            this.callbackRng = callbackRng;
            List<TrafficParams.Topic> topics = params.topics();
            topicCdf = new double[topics.size()];
            double sum = 0;
            for (int i = 0; i < topics.size(); i++) {
                sum += topics.get(i).share();
                topicCdf[i] = sum;
            }
            for (int i = 0; i < topicCdf.length; i++) {
                topicCdf[i] /= sum;
            }
            int outage = -1;
            if (scenario.outage() != null) {
                for (int i = 0; i < topics.size(); i++) {
                    if (topics.get(i).name().equals(scenario.outage().topic())) {
                        outage = i;
                    }
                }
                if (outage < 0) {
                    throw new IllegalArgumentException("the outage topic '" + scenario.outage().topic() + "' is not among the topics");
                }
            }
            outageTopic = outage;
            closeMs = (params.openMinute() + (long) params.intradayShares().length * params.binMinutes()) * 60_000L;
        }

        double outageMultiplier(int minute) {
            TrafficParams.Outage o = scenario.outage();
            if (o == null || minute < o.startMinute() || minute >= o.endMinute()) {
                return 1;
            }
            int part = (int) ((long) (minute - o.startMinute()) * o.multipliers().length / (o.endMinute() - o.startMinute()));
            return o.multipliers()[part];
        }

        private boolean inOutage(long ms) {
            TrafficParams.Outage o = scenario.outage();
            return o != null && ms >= o.startMinute() * 60_000L && ms < o.endMinute() * 60_000L;
        }

        /** Adds a contact (and, maybe, the redials it would make) to {@code into}. */
        void contact(long arrivalMs, TraceContact redialOf, int attempt, List<TraceContact> into) {
            Channel channel = redialOf != null ? redialOf.channel() : channel();
            int topic = redialOf != null ? topicOf(redialOf) : topic(arrivalMs);
            TrafficParams.Topic t = params.topics().get(topic);
            String queue = channel == Channel.VOICE ? t.voice() : params.channelQueues().get(channelKey(channel));
            String language = redialOf != null ? redialOf.language() : rng.nextDouble() < params.englishShare() ? "en" : "nl";
            boolean outageCaller = topic == outageTopic && inOutage(arrivalMs);
            long selfServiceMs = 0;
            boolean selfServed = false;
            if (channel == Channel.VOICE) {
                TrafficParams.SelfService ss = params.selfService();
                selfServiceMs = Math.round(lognormalByMedian(ss.medianS(), ss.sigma()) * 1000);
                double share = outageCaller ? scenario.outage().selfServiceShare() : ss.voiceShare();
                selfServed = rng.nextDouble() < share;
            }
            TrafficParams.Handling h = params.handling().get(channelKey(channel));
            double totalS = lognormalByMean(h.meanS() * t.handleFactor(), h.sigma());
            double wrapS = h.wrapUpMeanS() > 0 ? Math.min(totalS * 0.5, lognormalByMean(h.wrapUpMeanS(), 0.5)) : 0;
            long wrapUpMs = Math.round(wrapS * 1000);
            long handleMs = Math.max(1_000, Math.round(totalS * 1000) - wrapUpMs);
            long patienceMs = patienceMs(channel);
            TrafficParams.Callback cb = params.callback();
            long callbackAfterMs = cb != null && channel == Channel.VOICE && !selfServed && callbackRng.nextDouble() < cb.voiceShare()
                    ? Math.round(cb.afterS() * 1000) : -1;
            TraceContact contact = new TraceContact(0, arrivalMs, Long.toString(nextId++), channel, queue, -1, language,
                    selfServiceMs, selfServed, patienceMs, handleMs, wrapUpMs, redialOf == null ? null : redialOf.contactId(),
                    callbackAfterMs);
            into.add(contact);
            if (attempt >= params.redial().maxAttempts()) {
                return;
            }
            // A redial happens only if this contact does not reach an agent; the simulator decides that.
            TrafficParams.Redial r = params.redial();
            long delayMs = Math.round(lognormalByMedian(r.delayMedianS(), r.delaySigma()) * 1000);
            long redialAtMs = -1;
            if (selfServed && outageCaller && rng.nextDouble() < r.afterOutageMessage()) {
                redialAtMs = arrivalMs + selfServiceMs + delayMs;
            } else if (!selfServed && patienceMs >= 0 && rng.nextDouble() < r.afterAbandon()) {
                redialAtMs = arrivalMs + selfServiceMs + patienceMs + delayMs;
            }
            if (redialAtMs >= 0 && redialAtMs < closeMs) {
                contact(redialAtMs, contact, attempt + 1, into);
            }
        }

        private Channel channel() {
            double u = rng.nextDouble();
            double sum = 0;
            for (Channel c : Channel.values()) {
                sum += params.channels().get(channelKey(c));
                if (u < sum) {
                    return c;
                }
            }
            return Channel.VOICE;
        }

        private int topic(long arrivalMs) {
            if (outageTopic >= 0 && inOutage(arrivalMs) && rng.nextDouble() < scenario.outage().topicShare()) {
                return outageTopic;
            }
            double u = rng.nextDouble();
            for (int i = 0; i < topicCdf.length; i++) {
                if (u < topicCdf[i]) {
                    return i;
                }
            }
            return topicCdf.length - 1;
        }

        private int topicOf(TraceContact contact) {
            // A redial is about the same thing; its queue identifies the topic well enough.
            for (int i = 0; i < params.topics().size(); i++) {
                TrafficParams.Topic t = params.topics().get(i);
                if (contact.channel() != Channel.VOICE || t.voice().equals(contact.topic())) {
                    return i;
                }
            }
            return 0;
        }

        private long patienceMs(Channel channel) {
            TrafficParams.Patience p = params.patience() == null ? null : params.patience().get(channelKey(channel));
            if (p == null) {
                return -1;
            }
            ContinuousDistribution d = p.weibullK() != null
                    ? WeibullDistribution.of(p.weibullK(), p.weibullScaleS())
                    : ExponentialDistribution.of(p.exponentialMeanS());
            return Math.round(d.createSampler(rng).sample() * 1000);
        }

        private double lognormalByMean(double mean, double sigma) {
            return LogNormalDistribution.of(Math.log(mean) - sigma * sigma / 2, sigma).createSampler(rng).sample();
        }

        private double lognormalByMedian(double median, double sigma) {
            return LogNormalDistribution.of(Math.log(median), sigma).createSampler(rng).sample();
        }
    }

    static String channelKey(Channel channel) {
        return channel.name().toLowerCase(Locale.ROOT);
    }
}
