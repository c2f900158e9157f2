package org.loket.host.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.loket.core.Channel;

class TraceGeneratorTest {
    private final TrafficParams params = TrafficParams.shipped();
    private final TraceGenerator generator = new TraceGenerator(params);

    @Test
    void shouldGiveTheSameTraceForTheSameSeedAndAnotherForAnother() {
        assertThat(generator.generate("normal", 7, 1)).isEqualTo(generator.generate("normal", 7, 1));
        assertThat(generator.generate("normal", 8, 1)).isNotEqualTo(generator.generate("normal", 7, 1));
    }

    @Test
    void shouldFollowTheScenarioVolumeAndChannelMix() {
        List<TraceContact> firstAttempts = generator.generate("peak", 3, 1).stream().filter(c -> c.redialOf() == null).toList();
        // The day factor has a CV of 11%: the volume is 12,000 give or take a few thousand.
        assertThat(firstAttempts.size()).isBetween(9_000, 15_000);
        Map<Channel, Long> byChannel = firstAttempts.stream().collect(Collectors.groupingBy(TraceContact::channel, Collectors.counting()));
        assertThat(byChannel.get(Channel.VOICE) / (double) firstAttempts.size()).isBetween(0.69, 0.75);
        assertThat(byChannel.get(Channel.CHAT) / (double) firstAttempts.size()).isBetween(0.11, 0.15);
        assertThat(firstAttempts).allSatisfy(c -> assertThat(c.arrivalMs()).isBetween(8 * 3_600_000L, 22 * 3_600_000L));
        assertThat(firstAttempts.stream().filter(c -> c.channel() == Channel.EMAIL)).allSatisfy(c -> assertThat(c.abandons()).isFalse());
        double selfServed = firstAttempts.stream().filter(c -> c.channel() == Channel.VOICE && c.selfServed()).count()
                / (double) byChannel.get(Channel.VOICE);
        assertThat(selfServed).isBetween(0.13, 0.17);
    }

    @Test
    void shouldMakeArrivalsOverDispersedAcrossDays() {
        // Var/mean of a 15-minute count over many days, in the busiest bin: Poisson would give 1.
        int bin = 3;
        long binStart = (params.openMinute() + bin * params.binMinutes()) * 60_000L;
        long binEnd = binStart + params.binMinutes() * 60_000L;
        double[] counts = new double[60];
        for (int day = 0; day < counts.length; day++) {
            counts[day] = generator.generate("normal", 100 + day, 1).stream()
                    .filter(c -> c.redialOf() == null && c.arrivalMs() >= binStart && c.arrivalMs() < binEnd).count();
        }
        double mean = java.util.Arrays.stream(counts).average().orElseThrow();
        double variance = java.util.Arrays.stream(counts).map(c -> (c - mean) * (c - mean)).sum() / (counts.length - 1);
        assertThat(variance / mean).isGreaterThan(1.3);
    }

    @Test
    void shouldAddOutageTrafficAndRedialsOnlyAfterFailures() {
        List<TraceContact> outage = generator.generate("outage", 5, 1);
        List<TraceContact> peak = generator.generate("peak", 5, 1);
        long outageMorning = outage.stream().filter(c -> c.redialOf() == null && c.arrivalMs() < 11 * 3_600_000L).count();
        long peakMorning = peak.stream().filter(c -> c.redialOf() == null && c.arrivalMs() < 11 * 3_600_000L).count();
        assertThat(outageMorning).isGreaterThan(peakMorning * 3 / 2);
        double meanRows = java.util.stream.LongStream.range(0, 6).map(seed -> generator.generate("outage", seed, 1).size())
                .average().orElseThrow();
        assertThat(meanRows).as("about 26,000 rows with redials on average").isBetween(23_000.0, 29_000.0);
        Map<String, TraceContact> byId = outage.stream().collect(Collectors.toMap(TraceContact::contactId, c -> c));
        assertThat(outage.stream().filter(c -> c.redialOf() != null)).allSatisfy(redial -> {
            TraceContact first = byId.get(redial.redialOf());
            assertThat(first.arrivalMs()).isLessThan(redial.arrivalMs());
            assertThat(first.abandons() || first.selfServed()).as("only a contact that can fail is redialled").isTrue();
        });
    }

    /** A scale that would fill the memory is refused up front with the largest that fits, not after minutes of drawing. */
    @Test
    void shouldRefuseAScaleBeyondWhatATraceInMemoryHolds() {
        assertThatThrownBy(() -> generator.generate("peak", 1, 1e9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scale 1.0E9 makes about 12,000,000,000,000 contacts of scenario 'peak'")
                .hasMessageContaining("at most 5,000,000 contacts: a scale up to 416.0 here");
        assertThatThrownBy(() -> generator.generate("peak", 1, 0)).hasMessageContaining("scale must be above 0");
    }

    @Test
    void shouldRefuseAnUnknownScenario() {
        assertThatThrownBy(() -> generator.generate("holiday", 1, 1)).hasMessageContaining("valid: [normal, peak, outage]");
    }
}
