package org.loket.host.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.LoadedConfig;
import org.loket.core.decision.Decision;
import org.loket.host.journal.Journal;
import org.loket.host.journal.JournalCodec;
import org.loket.host.journal.UnreadableRecords;
import org.loket.host.sim.DaySimulator;
import org.loket.host.sim.DaySimulatorEscalationTest;

/** Explain tells a contact's escalation story, from a simulated day's journal (DaySimulatorEscalationTest's citizens). */
class ExplainEscalationTest {

    @Test
    void shouldNameEveryStepWithItsQueueAndTheStepsPassedAtTheOffer(@TempDir Path folder) throws Exception {
        LoadedConfig config = simulatedDay(folder);
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

    @Test
    void shouldTellAStoryThatSpansDaysWithoutReadingTheDaysBeforeIt(@TempDir Path folder) throws Exception {
        LoadedConfig config = DaySimulatorEscalationTest.config();
        Path simulated = folder.resolve("simulated");
        try (Journal journal = Journal.open(simulated)) {
            new DaySimulator(config, new DaySimulator.Settings(LocalDate.of(2027, 3, 1), ZoneOffset.UTC, 3_000, 5_000, 1.0, 7))
                    .run(DaySimulatorEscalationTest.trace(), journal, null);
        }
        List<Decision> story = AdminServer.story(simulated, 3).decisions();
        assertThat(story).hasSizeGreaterThan(3);
        long firstCause = story.get(0).causeSequence;
        long middleCause = story.get(story.size() / 2).causeSequence;

        // The same decisions filed over four days: day 0 holds a record this Loket cannot read, day 1
        // what came before contact 3's first decision, days 2 and 3 the rest, split inside its story.
        Path days = folder.resolve("days");
        SetTimeProvider time = new SetTimeProvider();
        time.currentTimeMillis(LocalDate.of(2027, 3, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
        UnreadableRecords.append(days.resolve("decisions"), time);
        try (Journal from = Journal.openExisting(simulated); Journal.DecisionReader reader = from.decisionReader();
             Journal to = Journal.open(days, time); Journal.DecisionWriter writer = to.decisionWriter()) {
            while (reader.next()) {
                long cause = reader.decision(0).causeSequence;
                int day = cause < firstCause ? 1 : cause < middleCause ? 2 : 3;
                time.currentTimeMillis(LocalDate.of(2027, 3, 1 + day).atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli());
                Decision[] group = new Decision[reader.count()];
                for (int i = 0; i < group.length; i++) {
                    group[i] = new Decision().copyFrom(reader.decision(i));
                }
                writer.append(cause, group, group.length);
            }
            assertThat(to.decisionDays()).hasSize(4);
        }
        assertThat(AdminServer.explain(days, config.routing(), 3)).isEqualTo(AdminServer.explain(simulated, config.routing(), 3));
        assertThatThrownBy(() -> AdminServer.explain(days, config.routing(), 99))
                .as("an id the journal does not hold reads every day, the unreadable one too")
                .isInstanceOf(JournalCodec.FormatException.class);
    }

    /** A reload after the story that moves every id: the offer still names the agent and queue it was made with. */
    @Test
    void shouldNameEachDecisionByTheConfigurationItWasMadeUnder(@TempDir Path folder) throws Exception {
        LoadedConfig config = simulatedDay(folder);
        JsonNode before = AdminServer.explain(folder, config.routing(), 2).get("offers").get(0);
        assertThat(before.get("agent").asText()).isEqualTo("bob");

        // Version 2: the same helpdesk with its agents and queues listed the other way round, applied at the end of the day.
        String ann = "  - {name: ann, skills: {s: 5, t: 1, nl: 5}, shifts: [{start: \"08:00\", end: \"10:00\"}]}\n";
        String bob = "  - {name: bob, skills: {s: 2, nl: 5, en: 5}, shifts: [{start: \"08:00\", end: \"10:00\"}]}\n";
        String closing = "  - {name: closing, channel: voice, skill: t, escalation: [{after: 60, close: sorry}]}\n";
        String swapped = "version: 2\n" + DaySimulatorEscalationTest.YAML.replace(ann + bob, bob + ann).replace(closing, "")
                .replace("queues:\n", "queues:\n" + closing);
        assertThat(swapped).as("both swaps took").startsWith("version: 2").contains(bob + ann).contains("queues:\n" + closing);
        var moved = org.loket.config.ConfigLoader.parse(java.util.Map.of("routing.yaml", swapped), "test");
        org.loket.core.command.Command last = new org.loket.core.command.Command();
        try (Journal journal = Journal.openExisting(folder); var commands = journal.commandReader()) {
            while (commands.next(last)) {
                // to the last
            }
        }
        try (Journal journal = Journal.open(folder); var commands = journal.commandWriter(); var decisions = journal.decisionWriter()) {
            org.loket.core.command.Command reload = new org.loket.core.command.Command();
            reload.type = org.loket.core.command.CommandType.CONFIG_APPLIED;
            reload.sequence = last.sequence + 1;
            reload.timestampNs = last.timestampNs + 1_000_000_000L;
            reload.payload = org.loket.core.config.RoutingConfigCodec.encode(moved.routing());
            commands.append(reload);
            Decision applied = new Decision();
            applied.type = org.loket.core.decision.DecisionType.CONFIGURATION_APPLIED;
            applied.causeSequence = reload.sequence;
            applied.timestampNs = reload.timestampNs;
            decisions.append(reload.sequence, new Decision[] {applied}, 1);
        }
        JsonNode after = AdminServer.explain(folder, moved.routing(), 2).get("offers").get(0);
        assertThat(after.get("agent").asText()).as("not ann, who has bob's old id now").isEqualTo("bob");
        assertThat(after.get("queue").asText()).isEqualTo(before.get("queue").asText());
    }

    /** DaySimulatorEscalationTest's day, journaled in {@code folder}; its configuration. */
    private static LoadedConfig simulatedDay(Path folder) throws Exception {
        LoadedConfig config = DaySimulatorEscalationTest.config();
        try (Journal journal = Journal.open(folder)) {
            new DaySimulator(config, new DaySimulator.Settings(LocalDate.of(2027, 3, 1), ZoneOffset.UTC, 3_000, 5_000, 1.0, 7))
                    .run(DaySimulatorEscalationTest.trace(), journal, null);
        }
        return config;
    }
}
