package org.loket.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DebounceTest {
    private static final long MS = 1_000_000;

    @Test
    void shouldActOnceWhenABurstOfSavesHasBeenQuietLongEnough() {
        Debounce debounce = new Debounce(500 * MS, 5_000 * MS);
        assertThat(debounce.remainingNs(0)).as("nothing pending").isEqualTo(Debounce.IDLE);
        debounce.event(0);
        debounce.event(100 * MS);
        debounce.event(300 * MS);
        assertThat(debounce.takeDue(700 * MS)).as("only 400 ms quiet").isFalse();
        assertThat(debounce.remainingNs(700 * MS)).isEqualTo(100 * MS);
        assertThat(debounce.takeDue(800 * MS)).isTrue();
        assertThat(debounce.takeDue(900 * MS)).as("once per burst").isFalse();
        assertThat(debounce.remainingNs(900 * MS)).isEqualTo(Debounce.IDLE);
    }

    @Test
    void shouldStartANewBurstAfterActing() {
        Debounce debounce = new Debounce(500 * MS, 5_000 * MS);
        debounce.event(0);
        assertThat(debounce.takeDue(500 * MS)).isTrue();
        debounce.event(10_000 * MS);
        assertThat(debounce.takeDue(10_499 * MS)).isFalse();
        assertThat(debounce.takeDue(10_500 * MS)).isTrue();
    }

    @Test
    void shouldActAtTheMaximumDelayWhenEventsNeverStop() {
        Debounce debounce = new Debounce(500 * MS, 2_000 * MS);
        for (long t = 0; t < 1_900 * MS; t += 100 * MS) {
            debounce.event(t);
            assertThat(debounce.takeDue(t)).isFalse();
        }
        assertThat(debounce.remainingNs(1_900 * MS)).isEqualTo(100 * MS);
        assertThat(debounce.takeDue(2_000 * MS)).isTrue();
    }

    @Test
    void shouldRefuseAQuietTimeLongerThanTheMaximumDelay() {
        assertThatThrownBy(() -> new Debounce(500 * MS, 100 * MS)).isInstanceOf(IllegalArgumentException.class);
    }
}
