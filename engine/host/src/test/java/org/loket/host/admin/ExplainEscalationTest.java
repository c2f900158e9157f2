package org.loket.host.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.LoadedConfig;
import org.loket.host.journal.Journal;
import org.loket.host.sim.DaySimulator;
import org.loket.host.sim.DaySimulatorEscalationTest;

/** Explain tells a contact's escalation story, from a simulated day's journal (DaySimulatorEscalationTest's citizens). */
class ExplainEscalationTest {

    @Test
    void shouldNameEveryStepWithItsQueueAndTheStepsPassedAtTheOffer(@TempDir Path folder) throws Exception {
        LoadedConfig config = DaySimulatorEscalationTest.config();
        try (Journal journal = Journal.open(folder)) {
            new DaySimulator(config, new DaySimulator.Settings(LocalDate.of(2027, 3, 1), ZoneOffset.UTC, 3_000, 5_000, 1.0, 7))
                    .run(DaySimulatorEscalationTest.trace(), journal, null);
        }
        // cb (contact 3): widened, offered a callback and took it, overflowed into spill, answered there.
        JsonNode cb = AdminServer.explain(folder, config.routing(), 3);
        JsonNode steps = cb.get("decisions");
        assertThat(steps.findValues("decision")).extracting(JsonNode::asText).containsExactly(
                "queue-contact", "escalate", "escalate", "callback-scheduled", "escalate", "end-contact");
        assertThat(steps.get(1).get("step").asInt()).isZero();
        assertThat(steps.get(1).get("action").asText()).isEqualTo("widen");
        assertThat(steps.get(1).get("widen").asText()).isEqualTo("s and language");
        assertThat(steps.get(1).get("afterSeconds").asDouble()).isEqualTo(30.0);
        assertThat(steps.get(2).get("action").asText()).isEqualTo("offer-callback");
        JsonNode overflow = steps.get(4);
        assertThat(overflow.get("step").asInt()).isEqualTo(2);
        assertThat(overflow.get("stepOfQueue").asText()).isEqualTo("q");
        assertThat(overflow.get("queue").asText()).as("where it waits afterwards").isEqualTo("spill");
        assertThat(overflow.get("overflowTo").asText()).isEqualTo("spill");
        assertThat(steps.get(5).get("outcome").asText()).isEqualTo("ANSWERED");
        JsonNode offer = cb.get("offers").get(0);
        assertThat(offer.get("queue").asText()).isEqualTo("spill");
        assertThat(offer.get("escalationStepsPassed").asInt()).as("spill's own steps: none").isZero();

        // w (contact 2): offered to bob after q's widening, one step passed.
        assertThat(AdminServer.explain(folder, config.routing(), 2).get("offers").get(0).get("escalationStepsPassed").asInt()).isEqualTo(1);

        // x (contact 4): closed by closing's step with its message.
        JsonNode x = AdminServer.explain(folder, config.routing(), 4).get("decisions");
        assertThat(x.get(1).get("action").asText()).isEqualTo("close");
        assertThat(x.get(1).get("closePrompt").asText()).isEqualTo("sorry");
        assertThat(x.get(2).get("outcome").asText()).isEqualTo("DEFLECTED");
        assertThat(AdminServer.explain(folder, config.routing(), 99)).isNull();
    }
}
