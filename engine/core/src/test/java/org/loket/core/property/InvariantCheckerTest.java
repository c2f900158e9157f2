package org.loket.core.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.core.decision.DecisionType;
import org.loket.core.routing.RoutingCore;
import org.loket.core.testkit.RandomTraffic;

/**
 * The checker must be able to fail: a correct core's decision stream, tampered with once, is
 * reported with its seed.
 */
class InvariantCheckerTest {
    private static final long SEED = 5;

    @Test
    void shouldReportAContactThatEndsTwice() {
        assertThatThrownBy(() -> run(decisions -> tamperFirst(decisions, DecisionType.END_CONTACT, d -> {
            decisions.add(decisions.indexOf(d) + 1, new Decision().copyFrom(d));
            return d;
        }))).hasMessageStartingWith("seed 5, command #").hasMessageContaining("after the contact ended");
    }

    @Test
    void shouldReportADecisionFromThePast() {
        assertThatThrownBy(() -> run(decisions -> tamperFirst(decisions, DecisionType.QUEUE_CONTACT, d -> {
            d.timestampNs -= 1;
            return d;
        }))).hasMessageStartingWith("seed 5, command #").hasMessageContaining("not at the core's time");
    }

    @Test
    void shouldReportAMissingRejection() {
        // A refused arrival that is not refused is caught as an arrival that neither started nor was refused.
        assertThatThrownBy(() -> run(decisions -> decisions.removeIf(d -> d.type == DecisionType.REJECT_COMMAND)))
                .hasMessageStartingWith("seed 5, command #")
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("expected the command to be refused",
                        "neither refused nor started"));
    }

    @Test
    void shouldReportAContactThatVanishesWithoutAnEnd() {
        assertThatThrownBy(() -> run(decisions -> decisions.removeIf(d -> d.type == DecisionType.END_CONTACT)))
                .hasMessageStartingWith("seed 5, command #").hasMessageContaining("without an end");
    }

    /** Runs random traffic, tampering with the decisions the checker sees (not those the core made). */
    private static void run(java.util.function.Consumer<List<Decision>> tamper) {
        RandomTraffic traffic = RandomTraffic.forSeed(SEED);
        List<Decision> decisions = new ArrayList<>();
        RoutingCore core = new RoutingCore(d -> {
            decisions.add(new Decision().copyFrom(d));
            traffic.onDecision(d);
        });
        InvariantChecker checker = new InvariantChecker(SEED, traffic.config());
        for (int i = 0; i < 2_000; i++) {
            Command command = traffic.next();
            decisions.clear();
            core.apply(command);
            if (i > 100) {
                tamper.accept(decisions);
            }
            checker.check(core, command, decisions, traffic.expectation());
        }
        checker.finish(core);
    }

    private static void tamperFirst(List<Decision> decisions, DecisionType type, UnaryOperator<Decision> change) {
        for (Decision d : decisions) {
            if (d.type == type) {
                change.apply(d);
                return;
            }
        }
    }
}
