package org.loket.perf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The tape benchmark's replay routes for real and is repeatable (the JMH run checks the same per iteration). */
class TapeReplayTest {

    @Test
    void replayingTheTapeOnAFreshCoreGivesTheSameDecisionsEveryTime() {
        TapeReplay replay = new TapeReplay(TapeReplay.AGENTS, TapeReplay.QUEUES, TapeReplay.SKILLS, 300_000, TapeReplay.SEED);
        replay.reset();
        replay.replay();
        TapeReplay.Result first = replay.result();
        replay.reset();
        replay.replay();

        assertThat(replay.result()).isEqualTo(first);
        assertThat(first.rejects()).isZero();
        assertThat(first.offers()).isGreaterThan(30_000);
        assertThat(first.decisions()).isGreaterThan(150_000);
    }
}
