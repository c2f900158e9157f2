package org.loket.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.loket.config.Refusals.problem;
import static org.loket.config.Refusals.refused;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loket.core.config.EscalationStep;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.Requirement;
import org.loket.core.config.RoutingConfig;

/** Skill requirement expressions, teams and escalation steps in YAML, and every mistake in them. */
class PolicyConfigTest {
    private static final String BASE = """
            languages: [nl, en]
            skills: [digid, senior, nl, en]
            prompts: {too-busy: {nl: "Te druk", en: "Too busy"}}
            queues:
            %s
            agents:
              - {name: ann, team: night, skills: {digid: 3, nl: 5}}
              - {name: bob, skills: {senior: 4, en: 5}}
            """;

    private static List<ConfigProblem> problems(String queues) {
        return refused("routing.yaml", BASE.formatted(queues));
    }

    @Test
    void shouldReadAnExpressionWithLanguageAndTeamIntoClauses() throws ConfigException {
        RoutingConfig config = ConfigLoader.parseOne("routing.yaml", BASE.formatted("""
                  - name: q
                    channel: voice
                    requires: "(digid >= 3 or senior) and language or team:night"
                """)).routing();
        QueueSpec q = config.queues().get(0);
        int digid = config.skills().indexOf("digid");
        int senior = config.skills().indexOf("senior");
        int night = config.skills().indexOf("team:night");
        assertThat(night).as("a team becomes a skill of its own").isPositive();
        assertThat(q.requirement()).isEqualTo(new Requirement(new int[][] {
                {digid, 3, Requirement.CONTACT_LANGUAGE, 1}, {senior, 1, Requirement.CONTACT_LANGUAGE, 1}, {night, 1}}));
        assertThat(config.agents().get(0).skillLevels()[night]).as("ann is in team night").isEqualTo(1);
        assertThat(q.requirement().describe(config.skills()))
                .isEqualTo("(digid>=3 and language) or (senior and language) or team:night");
        // ann: digid 3 + nl; bob: senior + en.
        assertThat(q.servedBy(config.agents().get(0), 0, config.languageSkill(0))).isTrue();
        assertThat(q.servedBy(config.agents().get(1), 0, config.languageSkill(0))).as("bob speaks no Dutch").isFalse();
        assertThat(q.servedBy(config.agents().get(1), 0, config.languageSkill(1))).isTrue();
    }

    /** A misspelt team in an alternative or a widening step never matches: a warning names it and the teams there are. */
    @Test
    void shouldWarnOfATeamNobodyIsIn() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("routing.yaml", BASE.formatted("""
                  - name: q
                    channel: voice
                    requires: "digid >= 3 or team:nigth"
                    escalation: [{after: 30, widen: "team:night"}]
                """));
        assertThat(loaded.warnings()).filteredOn(w -> w.message().contains("team")).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(7);
            assertThat(w.field()).isEqualTo("queues[0].requires");
            assertThat(w.message()).isEqualTo("no agent of the roster is in team:nigth; teams: [night]");
        });
    }

    @Test
    void shouldReadEscalationStepsOfEveryKind() throws ConfigException {
        RoutingConfig config = ConfigLoader.parseOne("routing.yaml", BASE.formatted("""
                  - name: q
                    channel: voice
                    requires: digid >= 3
                    escalation:
                      - {after: 30, widen: "digid or senior"}
                      - {after: 60, offerCallback: true}
                      - {after: 90, overflow: spill}
                      - {after: 600, close: too-busy}
                  - {name: spill, channel: voice, skill: senior}
                """)).routing();
        assertThat(config.queues().get(0).steps()).containsExactly(
                EscalationStep.widen(30_000, new Requirement(new int[][] {{0, 1}, {1, 1}})),
                EscalationStep.offerCallback(60_000),
                EscalationStep.overflow(90_000, 1),
                EscalationStep.close(600_000, 0));
        assertThat(config.problems()).isEmpty();
    }

    @Test
    void shouldPointAtTheColumnOfAMistakeInAnExpression() {
        assertThat(problems("  - {name: q, channel: voice, requires: \"digid >= 3 and (senior or\"}")).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("routing.yaml");
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.field()).isEqualTo("queues[0].requires");
            assertThat(p.value()).isEqualTo("digid >= 3 and (senior or");
            assertThat(p.message()).contains("column 26").contains("[digid, senior, nl, en]");
        });
        assertThat(problems("  - {name: q, channel: voice, requires: \"digdi >= 3\"}"))
                .anySatisfy(problem(0, null, null, "unknown skill 'digdi'", "column 1"));
        assertThat(problems("  - {name: q, channel: voice, requires: \"digid >= 11\"}"))
                .anySatisfy(problem(0, null, null, "level 11 is outside 1..10"));
        assertThat(problems("  - {name: q, channel: voice, requires: \"digid senior\"}"))
                .anySatisfy(problem(0, null, null, "expected 'and', 'or' or the end"));
        assertThat(problems("  - {name: q, channel: voice, requires: digid, skill: digid}"))
                .anySatisfy(problem(0, null, null, "either 'requires' or 'skill'"));
    }

    @Test
    void shouldNeedASkillPerLanguageForTheLanguageTerm() {
        String yaml = """
                languages: [nl, de]
                skills: [digid, nl]
                queues: [{name: q, channel: voice, requires: "digid and language"}]
                """;
        assertThat(refused("routing.yaml", yaml)).anySatisfy(problem(3, null, null, "skill named 'de'"));
    }

    @Test
    void shouldRefuseEveryKindOfEscalationMistake() {
        List<ConfigProblem> problems = problems("""
                  - name: q
                    channel: voice
                    skill: digid
                    escalation:
                      - {after: 60, widen: senior}
                      - {after: 30, offerCallback: true}
                      - {after: 90}
                      - {after: 100, overflow: q}
                      - {after: 110, overflow: chat}
                      - {after: 120, overflow: nowhere}
                      - {after: 130, close: no-such-prompt}
                      - {after: 140, widen: senior, close: too-busy}
                      - {widen: senior}
                      - {after: 150, offerCallback: maybe}
                  - {name: chat, channel: chat, skill: digid}
                """);
        assertThat(problems).anySatisfy(problem(10, "queues[0].escalation[1].after", null, "later than the previous step's 60 s"));
        assertThat(problems).anySatisfy(problem(0, "queues[0].escalation[2]", null, "has no action"));
        assertThat(problems).anySatisfy(problem(0, null, null, "cannot overflow into itself"));
        assertThat(problems).anySatisfy(problem(0, null, null, "same channel (voice)"));
        assertThat(problems).anySatisfy(problem(0, "queues[0].escalation[5].overflow", null, "valid: [q, chat]"));
        assertThat(problems).anySatisfy(problem(0, "queues[0].escalation[6].close", null));
        assertThat(problems).anySatisfy(problem(0, null, null, "has 2 actions"));
        assertThat(problems).anySatisfy(problem(0, "queues[0].escalation[8].after", null, "is required"));
        assertThat(problems).anySatisfy(problem(0, "queues[0].escalation[9].offerCallback", null));
    }

    @Test
    void shouldWarnAboutATeamNoQueueAsksFor() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("routing.yaml", BASE.formatted("  - {name: q, channel: voice, skill: digid}"));
        assertThat(loaded.warnings()).anySatisfy(problem(0, "agents[0].team", null, "no queue asks for team:night"));
    }

    @Test
    void shouldReadDeflectionSelectionAndWeight() throws ConfigException {
        RoutingConfig config = ConfigLoader.parseOne("routing.yaml", BASE.formatted("""
                  - name: q
                    channel: voice
                    skill: digid
                    selection: least-skilled
                    weight: 250
                    deflect: {maxWaiting: 40, maxWaitSeconds: 900, overflow: spill}
                    preferredAgentSeconds: 60
                  - {name: spill, channel: voice, skill: senior, deflect: {maxWaiting: 10, close: too-busy}}
                """)).routing();
        QueueSpec q = config.queues().get(0);
        assertThat(q.selection()).isEqualTo(org.loket.core.config.AgentSelection.LEAST_SKILLED);
        assertThat(q.weightPercent()).isEqualTo(250);
        assertThat(q.preferredAgentMs()).isEqualTo(60_000);
        assertThat(q.deflection()).isEqualTo(new org.loket.core.config.Deflection(40, 900_000, EscalationStep.Action.OVERFLOW, 1, -1));
        assertThat(config.queues().get(1).deflection())
                .isEqualTo(new org.loket.core.config.Deflection(10, 0, EscalationStep.Action.CLOSE, -1, 0));
    }

    @Test
    void shouldRefuseEveryKindOfDeflectionMistake() {
        List<ConfigProblem> problems = problems("""
                  - {name: a, channel: voice, skill: digid, selection: best, weight: 0, deflect: {close: too-busy}}
                  - {name: b, channel: voice, skill: digid, deflect: {maxWaiting: 5}}
                  - {name: c, channel: voice, skill: digid, deflect: {maxWaiting: 5, overflow: c}}
                  - {name: d, channel: voice, skill: digid, deflect: {maxWaiting: 5, overflow: e}}
                  - {name: e, channel: chat, skill: digid, deflect: {maxWaiting: 5, close: nope, offerCallback: true}}
                  - {name: f, channel: voice, skill: digid, deferrable: true}
                  - {name: g, channel: email, skill: digid, deferrable: maybe}
                """);
        assertThat(problems).anySatisfy(problem(0, "queues[0].selection", "best", "longest-idle, most-skilled, least-skilled, least-occupied, round-robin"));
        assertThat(problems).anySatisfy(problem(0, "queues[0].weight", null));
        assertThat(problems).anySatisfy(problem(0, "queues[0].deflect", null, "needs maxWaiting or maxWaitSeconds"));
        assertThat(problems).anySatisfy(problem(0, null, null, "has no action"));
        assertThat(problems).anySatisfy(problem(0, null, null, "cannot deflect into itself"));
        assertThat(problems).anySatisfy(problem(0, null, null, "same channel (voice)"));
        assertThat(problems).anySatisfy(problem(0, null, null, "has 2 actions"));
        assertThat(problems).anySatisfy(problem(0, "queues[5].deferrable", null, "a call cannot be deferred"));
        assertThat(problems).anySatisfy(problem(0, "queues[6].deferrable", null, "true or false"));
    }
}
