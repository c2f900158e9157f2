package org.loket.host.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WaitStrategiesTest {
    @Test
    void shouldListEveryNameInTheHelpConstantAndResolveEachForBothLoops() {
        assertThat(WaitStrategies.NAMES.split(", ")).containsExactly(
                Arrays.stream(WaitStrategies.values()).map(WaitStrategies::settingName).toArray(String[]::new));
        for (String name : WaitStrategies.NAMES.split(", ")) {
            assertThat(WaitStrategies.of(name.toUpperCase())).isNotNull();
            assertThat(WaitStrategies.coreIdle(name)).isNotNull();
        }
        assertThat(WaitStrategies.of("phased")).isInstanceOf(PhasedBackoffWaitStrategy.class);
        assertThat(WaitStrategies.coreIdle("phased")).isEqualTo(new CoreIdle(2_000, 20_000, true));
        assertThat(WaitStrategies.coreIdle("busy-spin").parks()).isFalse();
    }

    @Test
    void shouldNameTheValidChoicesForAnUnknownName() {
        assertThatThrownBy(() -> WaitStrategies.of("lazy")).hasMessageContaining("unknown wait strategy 'lazy'; valid: yielding, sleeping");
    }
}
