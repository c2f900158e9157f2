package org.loket.perf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.loket.core.decision.DecisionType;

/** The benchmark cycles stay in steady state and really route (the JMH run checks the same per iteration). */
class CyclesTest {

    @Test
    void contactDrivenCycleOffersEveryTimeAndDoesNotGrow() {
        ContactDrivenCycle cycle = new ContactDrivenCycle(1_000, RoutingDecisionBenchmark.SEED);
        cycle.mark();
        long queuedBefore = cycle.sink.count(DecisionType.QUEUE_CONTACT);
        for (int i = 0; i < 50_000; i++) {
            cycle.cycle();
        }
        cycle.check("test");
        assertThat(cycle.backgroundContacts).isPositive();
        assertThat(cycle.sink.count(DecisionType.QUEUE_CONTACT) - queuedBefore).isEqualTo(50_000);
    }

    @Test
    void agentDrivenCycleOffersEveryTimeAndDoesNotGrow() {
        AgentDrivenCycle cycle = new AgentDrivenCycle(1_000, RoutingDecisionBenchmark.SEED);
        cycle.mark();
        for (int i = 0; i < 50_000; i++) {
            cycle.cycle();
        }
        cycle.check("test");
    }

    @Test
    void smallestRosterWorks() {
        ContactDrivenCycle contactSide = new ContactDrivenCycle(100, RoutingDecisionBenchmark.SEED);
        AgentDrivenCycle agentSide = new AgentDrivenCycle(100, RoutingDecisionBenchmark.SEED);
        for (int i = 0; i < 10_000; i++) {
            contactSide.cycle();
            agentSide.cycle();
        }
        contactSide.check("test");
        agentSide.check("test");
    }

    @Test
    void activeSubsetStillRoutesEveryCycle() {
        ContactDrivenCycle contactSide = new ContactDrivenCycle(2_000, RoutingDecisionBenchmark.SEED, 100);
        AgentDrivenCycle agentSide = new AgentDrivenCycle(2_000, RoutingDecisionBenchmark.SEED, 100);
        for (int i = 0; i < 10_000; i++) {
            contactSide.cycle();
            agentSide.cycle();
        }
        contactSide.check("test");
        agentSide.check("test");
    }
}
