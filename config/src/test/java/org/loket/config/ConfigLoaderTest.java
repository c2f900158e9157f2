package org.loket.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.loket.config.Refusals.problem;
import static org.loket.config.Refusals.refused;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loket.core.Channel;
import org.loket.core.config.FlowNode;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.config.WorkingDays;

class ConfigLoaderTest {

    @Test
    void shouldLoadTheEmbeddedDefault() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.loadDefault();
        RoutingConfig config = loaded.routing();
        assertThat(config.problems()).isEmpty();
        assertThat(config.queues()).extracting(q -> q.name()).contains("login-voice", "misuse-voice", "digid-chat");
        assertThat(config.agents()).hasSizeGreaterThan(100);
        assertThat(config.agents().get(0).name()).isEqualTo("generalist-001");
        assertThat(config.entries().get(0).flowNodeId()).isEqualTo(0);
        FlowNode welcome = config.flowNodes().get(0);
        assertThat(welcome.kind()).isEqualTo(FlowNode.Kind.LANGUAGE);
        assertThat(welcome.languageByInput()[2]).isEqualTo(config.languages().indexOf("en"));
        assertThat(welcome.timesOut(Channel.VOICE.code())).as("a silent caller is asked again").isTrue();
        assertThat(welcome.timesOut(Channel.CHAT.code())).as("a chat citizen takes their time").isFalse();
        assertThat(loaded.promptTexts().get("welcome")).containsKeys("nl", "en");
        assertThat(RoutingConfigCodec.decode(RoutingConfigCodec.encode(config))).isEqualTo(config);
    }

    @Test
    void shouldNameFileLineFieldAndValidValuesForEveryProblem() {
        String yaml = """
                skills: [digid]
                queues:
                  - {name: q1, channel: fax, skill: digid}
                  - {name: q2, channel: voice, skill: nope, minLevel: 42}
                agents:
                  - {name: ann, skills: {digid: 5}, colour: blue}
                """;
        List<ConfigProblem> problems = refused("routing.yaml", yaml);
        assertThat(problems).anySatisfy(problem(3, "queues[0].channel", "fax", "voice, chat, email, social"));
        assertThat(problems).allSatisfy(p -> assertThat(p.file()).isEqualTo("routing.yaml"));
        assertThat(problems).anySatisfy(problem(4, "queues[1].skill", null, "[digid]"));
        assertThat(problems).anySatisfy(problem(0, "queues[1].minLevel", null));
        assertThat(problems).anySatisfy(problem(6, "agents[0].colour", null));
    }

    @Test
    void shouldReportBrokenYamlWithItsLine() {
        assertThatThrownBy(() -> ConfigLoader.parseOne("bad.yaml", "skills: [a\nqueues: {"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void shouldSayWhereABadIndentBreaksTheYamlAndWhatToCheck() {
        List<ConfigProblem> problems = refused("r.yaml", """
                skills: [s]
                queues:
                  - name: q
                    channel: voice
                   skill: s
                """);
        assertThat(problems).singleElement().satisfies(problem(5, "(yaml)", "", "not valid YAML at column 4",
                "expected <block end>", "that starts on line 3", "check the indentation of this line and the one before it"));
    }

    @Test
    void shouldReportAnUnclosedQuoteOnTheLineWhereItOpened() {
        // The quote runs on to the next quote (line 6), where the parser gives up.
        List<ConfigProblem> runaway = refused("r.yaml", """
                skills: [s]
                queues:
                  - name: q
                    requires: "s >= 2
                    channel: voice
                  - {name: r, channel: voice, requires: "s"}
                """);
        assertThat(runaway).singleElement().satisfies(problem(4, "(yaml)", "", "not valid YAML at line 6, column",
                "the quoted value opened on this line at column 15 runs on to line 6", "closing quote"));
        // No quote follows: the parser gives up at the end of the file.
        List<ConfigProblem> endless = refused("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                prompts:
                  hello: {nl: "Hallo}
                  bye: {nl: Dag}
                """);
        assertThat(endless).singleElement().satisfies(problem(4, "(yaml)", "", "the quoted value opened at column 15 is never closed",
                "end of stream on line 6", "add the closing quote"));
    }

    @Test
    void shouldExpandAgentCounts() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: chat, skill: s}]
                agents: [{name: team, count: 3, skills: {s: 2}, capacity: {chat: 5, voice: 0}}]
                """);
        assertThat(loaded.routing().agents()).extracting(a -> a.name()).containsExactly("team-001", "team-002", "team-003");
        assertThat(loaded.routing().agents().get(2).capacityPerChannel()[Channel.CHAT.code()]).isEqualTo(5);
    }

    @Test
    void shouldRefuseAKeyGivenTwiceInAnyMappingWithTheLinesOfBoth() {
        String yaml = """
                skills: [s]
                queues:
                  - name: q
                    channel: voice
                    skill: s
                    wrapUpSeconds: 180
                    wrapUpSeconds: 60
                agents: [{name: ann, skills: {s: 2, s: 3}}]
                skills: [t]
                """;
        List<ConfigProblem> problems = refused("r.yaml", yaml);
        assertThat(problems).anySatisfy(problem(7, "queues[0].wrapUpSeconds", "60", "given twice: first on line 6"));
        assertThat(problems).anySatisfy(problem(8, "agents[0].skills.s", "3", "given twice: first on line 8"));
        assertThat(problems).anySatisfy(problem(9, "skills", null, "given twice: first on line 1"));
        assertThat(problems).as("each duplicate once, the section too").hasSize(3);
    }

    @Test
    void shouldGiveEachAgentOfAGroupOneOfItsShifts() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - name: early
                    skills: {s: 2}
                    shifts: [{start: "08:00", end: "13:00", count: 2}, {start: "17:00", end: "22:00"}]
                  - {name: solo, skills: {s: 1}}
                prompts: {closed: {nl: "Gesloten"}}
                hours: {weekdays: "08:00-22:00", weekend: closed, closedPrompt: closed, holidays: ["2026-12-25"]}
                """);
        assertThat(loaded.routing().agents()).extracting(a -> a.name()).containsExactly("early-001", "early-002", "early-003", "solo");
        assertThat(loaded.plans()).extracting(AgentPlan::shift).containsExactly(new Shift(480, 780), new Shift(480, 780), new Shift(1020, 1320), Shift.ALL_DAY);
        assertThat(loaded.hours().on(java.time.LocalDate.of(2026, 11, 23))).isEqualTo(new Shift(480, 1320));
        assertThat(loaded.hours().on(java.time.LocalDate.of(2026, 11, 22))).as("a Sunday").isNull();
        assertThat(loaded.hours().on(java.time.LocalDate.of(2026, 12, 25))).as("a holiday").isNull();
    }

    @Test
    void shouldRefuseShiftsThatRunBackwardsOrDoNotAddUp() {
        String yaml = """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - name: late
                    count: 5
                    skills: {s: 2}
                    shifts: [{start: "22:00", end: "06:00", count: 2}, {start: "9:75", end: "12:00"}, {start: "08:00", end: "12:00"}]
                hours: {weekdays: "08:00-25:00", holidays: [tomorrow]}
                """;
        List<ConfigProblem> problems = refused("r.yaml", yaml);
        assertThat(problems).anySatisfy(problem(7, "agents[0].shifts[0].end", null, "do not cross midnight"));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[1].start", "9:75"));
        assertThat(problems).anySatisfy(problem(5, "agents[0].count", null));
        assertThat(problems).anySatisfy(problem(8, "hours.weekdays", "25:00"));
        assertThat(problems).anySatisfy(problem(0, "hours.holidays[0]", null));
    }

    @Test
    void shouldSpreadAShiftsBreaksOverItsAgents() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                pauseReasons: [break, training]
                agents:
                  - name: day
                    skills: {s: 2}
                    shifts:
                      - {start: "08:00", end: "17:00", count: 3, breaks: [{minutes: 15, earliest: "10:00", latest: "11:00"}, {minutes: 30, earliest: "12:00", latest: "13:30"}]}
                      - {start: "13:00", end: "17:00", breaks: [{minutes: 60, earliest: "14:00", reason: training}]}
                  - {name: solo, skills: {s: 1}}
                """);
        assertThat(loaded.plans()).extracting(AgentPlan::breaks).containsExactly(
                List.of(new PlannedBreak(new Shift(600, 615), "break"), new PlannedBreak(new Shift(720, 750), "break")),
                List.of(new PlannedBreak(new Shift(630, 645), "break"), new PlannedBreak(new Shift(765, 795), "break")),
                List.of(new PlannedBreak(new Shift(660, 675), "break"), new PlannedBreak(new Shift(810, 840), "break")),
                List.of(new PlannedBreak(new Shift(840, 900), "training")),
                List.of());
        assertThat(ConfigLoader.parseOne("r.yaml", "skills: [s]\nqueues: [{name: q, channel: voice, skill: s}]\nagents: [{name: a, skills: {s: 1}}]\n")
                .plans()).extracting(AgentPlan::breaks).containsExactly(List.of());
    }

    @Test
    void shouldRosterAShiftOnItsDaysOnlyAndNobodyOnAHoliday() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - name: desk
                    skills: {s: 2}
                    shifts:
                      - {start: "08:00", end: "17:00", days: weekdays}
                      - {start: "12:00", end: "22:00", days: weekend}
                      - {start: "09:00", end: "13:00", days: [mon, Wednesday, fri]}
                      - {start: "09:00", end: "13:00"}
                prompts: {closed: {nl: "Gesloten"}}
                hours: {weekdays: "08:00-22:00", weekend: "12:00-22:00", closedPrompt: closed, holidays: ["2026-12-25"]}
                """);
        java.time.LocalDate monday = java.time.LocalDate.of(2026, 11, 23);
        java.time.LocalDate tuesday = monday.plusDays(1);
        java.time.LocalDate saturday = monday.plusDays(5);
        java.time.LocalDate christmasFriday = java.time.LocalDate.of(2026, 12, 25);
        assertThat(rostered(loaded, monday)).containsExactly("desk-001", "desk-003", "desk-004");
        assertThat(rostered(loaded, tuesday)).containsExactly("desk-001", "desk-004");
        assertThat(rostered(loaded, saturday)).containsExactly("desk-002", "desk-004");
        assertThat(rostered(loaded, christmasFriday)).as("a holiday closes every queue: nobody is rostered").isEmpty();
        assertThat(loaded.plans()).extracting(AgentPlan::toString)
                .containsExactly("08:00-17:00 weekdays", "12:00-22:00 weekend", "09:00-13:00 mon,wed,fri", "09:00-13:00");
    }

    private static List<String> rostered(LoadedConfig loaded, java.time.LocalDate date) {
        List<String> names = new java.util.ArrayList<>();
        for (int a = 0; a < loaded.plans().size(); a++) {
            if (loaded.planOn(a, date) != null) {
                names.add(loaded.routing().agents().get(a).name());
            }
        }
        return names;
    }

    @Test
    void shouldRosterOneOffShiftsOnTheirDatesAndLeaveWeeklyShiftsOutOnTheirExceptions() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - name: desk
                    skills: {s: 2}
                    shifts:
                      - {start: "08:00", end: "17:00", days: weekdays, except: ["2026-11-25", "2026-11-28"]}
                      - {start: "17:00", end: "22:00", count: 2, dates: ["2026-11-23", "2026-11-24"]}
                      - {start: "18:00", end: "22:00", dates: ["2026-12-25"]}
                prompts: {closed: {nl: "Gesloten"}}
                hours: {weekdays: "08:00-22:00", weekend: "12:00-22:00", closedPrompt: closed, holidays: [{date: "2026-12-25", name: Kerst}]}
                """);
        java.time.LocalDate monday = java.time.LocalDate.of(2026, 11, 23);
        assertThat(rostered(loaded, monday)).containsExactly("desk-001", "desk-002", "desk-003");
        assertThat(rostered(loaded, monday.plusDays(1))).containsExactly("desk-001", "desk-002", "desk-003");
        assertThat(rostered(loaded, monday.plusDays(2))).as("the weekly shift's exception; no one-off shift").isEmpty();
        assertThat(rostered(loaded, monday.plusDays(3))).containsExactly("desk-001");
        assertThat(rostered(loaded, monday.plusDays(7))).as("a week later the one-off shift is gone").containsExactly("desk-001");
        assertThat(rostered(loaded, java.time.LocalDate.of(2026, 12, 25))).as("a holiday wins over a dated shift").isEmpty();
        assertThat(loaded.plans()).extracting(AgentPlan::toString).containsExactly("08:00-17:00 weekdays except 2026-11-25,2026-11-28",
                "17:00-22:00 on 2026-11-23,2026-11-24", "17:00-22:00 on 2026-11-23,2026-11-24", "18:00-22:00 on 2026-12-25");
        assertThat(loaded.warnings()).anySatisfy(w -> {
            assertThat(w.line()).isEqualTo(7);
            assertThat(w.field()).isEqualTo("agents[0].shifts[0].except[1]");
            assertThat(w.message()).contains("Saturday", "does not work anyway", "weekdays");
        });
        assertThat(loaded.warnings()).anySatisfy(w -> {
            assertThat(w.line()).isEqualTo(9);
            assertThat(w.field()).isEqualTo("agents[0].shifts[2].dates[0]");
            assertThat(w.message()).contains("holiday", "Kerst", "nobody is rostered");
        });
        assertThat(loaded.warnings()).noneMatch(w -> w.field().equals("agents[0].shifts[0].except[0]"));
    }

    @Test
    void shouldRefuseDatesThatAreNotDatesOrMixedWithDaysOrExceptions() {
        String yaml = """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - name: desk
                    skills: {s: 2}
                    shifts:
                      - {start: "08:00", end: "17:00", dates: ["2027-02-30", "2027-03-01", "2027-03-01"]}
                      - {start: "08:00", end: "17:00", days: weekdays, dates: ["2027-03-01"]}
                      - {start: "08:00", end: "17:00", dates: ["2027-03-01"], except: ["2027-03-02"]}
                      - {start: "08:00", end: "17:00", except: []}
                """;
        List<ConfigProblem> problems = refused("r.yaml", yaml);
        assertThat(problems).anySatisfy(problem(7, "agents[0].shifts[0].dates[0]", "2027-02-30", "YYYY-MM-DD"));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[0].dates[2]", null, "twice"));
        assertThat(problems).anySatisfy(problem(8, "agents[0].shifts[1].days", null, "not both"));
        assertThat(problems).anySatisfy(problem(9, "agents[0].shifts[2].except", null));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[3].except", null, "list of dates"));
    }

    @Test
    void shouldRefuseDaysThatAreNotDaysOfTheWeek() {
        String yaml = """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - name: desk
                    skills: {s: 2}
                    shifts:
                      - {start: "08:00", end: "17:00", days: workdays}
                      - {start: "08:00", end: "17:00", days: [mon, funday, mon]}
                      - {start: "08:00", end: "17:00", days: []}
                """;
        List<ConfigProblem> problems = refused("r.yaml", yaml);
        assertThat(problems).anySatisfy(problem(7, "agents[0].shifts[0].days", null, "weekdays, weekend, every day"));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[1].days[1]", "funday"));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[1].days[2]", null, "twice"));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[2].days", null));
    }

    @Test
    void shouldRefuseBreaksOutsideTheShiftOverlappingOrWithAnUnknownReason() {
        String yaml = """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                pauseReasons: [lunch, training]
                agents:
                  - name: day
                    skills: {s: 2}
                    shifts:
                      - {start: "08:00", end: "17:00", breaks: [{minutes: 15, earliest: "07:30", reason: lunch}]}
                      - {start: "08:00", end: "17:00", breaks: [{minutes: 30, earliest: "12:00", latest: "13:00", reason: lunch}, {minutes: 15, earliest: "13:15", reason: lunch}]}
                      - {start: "08:00", end: "17:00", breaks: [{minutes: 45, earliest: "16:00", latest: "16:30", reason: lunch}]}
                      - {start: "08:00", end: "17:00", breaks: [{minutes: 15, earliest: "11:00", latest: "10:00", reason: lunch}]}
                      - {start: "08:00", end: "17:00", breaks: [{minutes: 15, earliest: "11:00", reason: nap}, {earliest: "12:00"}]}
                      - {start: "08:00", end: "17:00", breaks: [{minutes: 0, earliest: "11:00", reason: lunch, at: "11:00"}, {minutes: 15, earliest: "12:00"}]}
                """;
        List<ConfigProblem> problems = refused("r.yaml", yaml);
        assertThat(problems).anySatisfy(problem(8, "agents[0].shifts[0].breaks[0].earliest", null, "within the shift 08:00-17:00"));
        assertThat(problems).anySatisfy(problem(9, "agents[0].shifts[1].breaks[1].earliest", "13:15", "overlaps the break before, which may run until 13:30"));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[2].breaks[0].latest", null, "45 minutes starting at 16:30 ends after the shift 08:00-17:00"));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[3].breaks[0].latest", null, "not be before earliest (11:00)"));
        assertThat(problems).anySatisfy(problem(12, "agents[0].shifts[4].breaks[0].reason", "nap", "valid: [lunch, training]"));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[4].breaks[1].minutes", null, "is required"));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[5].breaks[0].minutes", null));
        assertThat(problems).anySatisfy(problem(0, "agents[0].shifts[5].breaks[0].at", null));
        assertThat(problems).as("no reason given: 'break', which this configuration lacks").anySatisfy(problem(0, "agents[0].shifts[5].breaks[1].reason", null, "'break' is not a pause reason (the default when none is given)"));
    }

    /**
     * {@code team:NAME} is a skill only inside requirements: as an agent's skill key it made agents
     * team members for routing alone (supervisors' {@code monitors: [team:NAME]} left them out).
     */
    @Test
    void shouldRefuseATeamGivenAsAnAgentsSkillAndListNoTeamsAsValidSkills() {
        List<ConfigProblem> problems = refused("r.yaml", """
                skills: [s]
                queues:
                  - {name: q, channel: voice, skill: s}
                  - {name: m, channel: voice, requires: "s and team:security"}
                agents:
                  - {name: desk, skills: {"team:security": 1, s: 2}}
                  - {name: guard, team: security, skills: {s: 2, sx: 1}}
                """);
        assertThat(problems).filteredOn(p -> !p.warning()).hasSize(2);
        assertThat(problems).anySatisfy(problem(6, "agents[0].skills", "team:security",
                "'team:security' is a team, not a skill: teams are given with 'team: security' on the agent or group"));
        assertThat(problems).anySatisfy(problem(7, "agents[1].skills", "sx", "no such skill; valid: [s]"));
    }

    /**
     * A queue's {@code skill:} shorthand names a skill of {@code skills}: a team there was taken only
     * after another queue's {@code requires} had named it, and teams were listed as valid skills.
     */
    @Test
    void shouldRefuseATeamInAQueuesSkillShorthandAndListNoTeamsAsValidSkills() {
        List<ConfigProblem> problems = refused("r.yaml", """
                skills: [s]
                queues:
                  - {name: m, channel: voice, requires: "s and team:security"}
                  - {name: q, channel: voice, skill: "team:security"}
                  - {name: r, channel: voice, skill: sx}
                agents:
                  - {name: guard, team: security, skills: {s: 2}}
                """);
        assertThat(problems).filteredOn(p -> !p.warning()).hasSize(2);
        assertThat(problems).anySatisfy(problem(4, "queues[1].skill", "team:security",
                "'team:security' is a team, not a skill: a queue served by a team says so with requires: \"team:security\""));
        assertThat(problems).anySatisfy(problem(5, "queues[2].skill", "sx", "names nothing defined; valid: [s]"));
    }

    @Test
    void shouldWarnAboutAnAgentSkillNoQueueUses() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s, unused]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - {name: ann, skills: {s: 2, unused: 3}}
                """);
        assertThat(loaded.warnings()).anySatisfy(w -> {
            assertThat(w.line()).isEqualTo(4);
            assertThat(w.field()).isEqualTo("agents[0].skills.unused");
            assertThat(w.message()).contains("no queue needs this skill");
        });
    }

    @Test
    void shouldReadAQueuesServiceLevelTargetAndRefuseOneOutOfRange() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues:
                  - {name: mail, channel: email, skill: s, serviceLevelSeconds: 172800, serviceLevelPercent: 95}
                  - {name: call, channel: voice, skill: s}
                """);
        assertThat(loaded.routing().queues()).extracting(q -> q.serviceLevelTargetPercent()).containsExactly(95, 80);
        assertThatThrownBy(() -> ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues: [{name: mail, channel: email, skill: s, serviceLevelPercent: 101}]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("r.yaml:2").hasMessageContaining("serviceLevelPercent");
    }

    @Test
    void shouldCountAServiceLevelInWorkingDaysOfTheHoursZoneAndHolidays() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues:
                  - {name: mail, channel: email, skill: s, serviceLevelWorkingDays: 2, serviceLevelPercent: 95}
                  - {name: call, channel: voice, skill: s}
                prompts: {closed: {nl: "Gesloten."}}
                hours:
                  zone: Europe/Brussels
                  closedPrompt: closed
                  weekdays: "00:00-24:00"
                  weekend: "00:00-24:00"
                  holidays: ["2027-07-21", {date: "2027-01-01", name: Nieuwjaar}]
                """);
        QueueSpec mail = loaded.routing().queues().get(0);
        assertThat(mail.serviceLevelOnWorkingDays()).isTrue();
        assertThat(mail.serviceLevelMs()).isEqualTo(2 * 86_400_000L);
        assertThat(loaded.routing().queues().get(1).serviceLevelOnWorkingDays()).isFalse();
        assertThat(loaded.routing().workingDays()).isEqualTo(new WorkingDays("Europe/Brussels",
                List.of(LocalDate.of(2027, 1, 1), LocalDate.of(2027, 7, 21))));
        assertThat(ConfigLoader.parseOne("r.yaml", "skills: [s]\nqueues: [{name: q, channel: voice, skill: s}]\n").routing().workingDays())
                .as("without hours").isEqualTo(WorkingDays.WEEKDAYS);

        assertThatThrownBy(() -> ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues:
                  - {name: mail, channel: email, skill: s, serviceLevelSeconds: 3600, serviceLevelWorkingDays: 2}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("r.yaml:3")
                .hasMessageContaining("queues[0].serviceLevelWorkingDays").hasMessageContaining("not both");
        assertThatThrownBy(() -> ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues: [{name: mail, channel: email, skill: s, serviceLevelWorkingDays: 0}]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("queues[0].serviceLevelWorkingDays");
    }

    @Test
    void shouldWarnWhenVoiceQueuesLackThePromptsThePhoneChannelPlaysByName() throws ConfigException {
        String voice = """
                skills: [s]
                prompts:
                  agent-ready: {nl: "Klaar."}
                queues: [{name: q, channel: voice, skill: s}]
                """;
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", voice);
        assertThat(loaded.warnings()).filteredOn(w -> w.field().equals("prompts")).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(3);
            assertThat(w.message()).contains("agent-wrapped-up", "queue-position", "fallback-closed").doesNotContain("agent-ready");
        });
        LoadedConfig chatOnly = ConfigLoader.parseOne("r.yaml", voice.replace("channel: voice", "channel: chat"));
        assertThat(chatOnly.warnings()).noneMatch(w -> w.field().equals("prompts"));
        assertThat(ConfigLoader.loadDefault().warnings()).as("the default has them all").noneMatch(w -> w.field().equals("prompts"));
    }

    @Test
    void shouldReadTheChatbotsWordingAndOptionLabelsApartFromTheSpokenPrompts() throws ConfigException {
        String yaml = """
                languages: [nl, en]
                skills: [s]
                prompts:
                  menu:
                    nl: "Kies 1 voor inloggen."
                    en: "Press 1 for logging in."
                    chat: {nl: "Waarmee kunnen we helpen?", en: "What can we help with?"}
                  info: {nl: "Zie digid.nl.", en: "See digid.nl."}
                queues: [{name: q, channel: chat, skill: s}]
                flows:
                  - name: menu
                    kind: menu
                    prompt: menu
                    fallbackQueue: q
                    options:
                      "1": {next: info, label: {nl: "Inloggen", en: "Logging in"}}
                      "2": {next: to-q, label: {nl: "Een medewerker"}}
                      "3": to-q
                  - {name: info, kind: info, prompt: info}
                  - {name: to-q, kind: queue, prompt: info, queue: q}
                """;
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", yaml);
        assertThat(loaded.promptTexts().get("menu")).as("the spoken texts only").containsOnlyKeys("nl", "en");
        assertThat(loaded.chatbot().prompt("menu", "en", "nl")).isEqualTo("What can we help with?");
        assertThat(loaded.chatbot().prompt("info", "en", "nl")).as("no chat wording: the spoken text is used").isNull();
        assertThat(loaded.chatbot().optionLabel("menu", 1, "en", "nl")).isEqualTo("Logging in");
        assertThat(loaded.chatbot().optionLabel("menu", 2, "en", "nl")).as("the first language's label").isEqualTo("Een medewerker");
        assertThat(loaded.warnings()).anySatisfy(problem(17, "flows[0].options.2.label", null, "no text in 'en'"));
        assertThat(loaded.warnings()).anySatisfy(problem(16, "flows[0].options", null, "options [3] have no label"));

        assertThat(refused("r.yaml", yaml.replace("label: {nl: \"Inloggen\", en: \"Logging in\"}", "label: Inloggen")))
                .anySatisfy(problem(16, "flows[0].options.1.label", "Inloggen", "must map language codes to texts"));
        assertThat(refused("r.yaml", yaml.replace("en: \"What can we help with?\"", "de: \"Wobei?\"")))
                .anySatisfy(problem(7, "prompts.menu.chat", "de", "unknown language; valid: [nl, en]"));
        assertThat(refused("r.yaml", yaml.replace("\"Een medewerker\"", "\"\"")))
                .anySatisfy(problem(17, "flows[0].options.2.label.nl", "", "must not be empty"));

        String bothTimeOut = yaml.replace("    fallbackQueue: q\n", "    fallbackQueue: q\n    inputTimeoutChannels: [voice, chat]\n");
        assertThat(ConfigLoader.parseOne("r.yaml", bothTimeOut).routing().flowNodes().get(0).timesOut(Channel.CHAT.code())).isTrue();
        assertThat(refused("r.yaml", bothTimeOut.replace("[voice, chat]", "[voice, fax]")))
                .anySatisfy(problem(15, "flows[0].inputTimeoutChannels", "fax", "not a channel; valid: voice, chat, email, social"));
    }

    @Test
    void shouldReadPauseReasonsAsCodesFromSixteenAndRefuseDuplicates() throws ConfigException {
        String base = """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                """;
        LoadedConfig defaults = ConfigLoader.parseOne("r.yaml", base);
        assertThat(defaults.routing().pauseReasons()).containsExactly("break", "training", "meeting", "administration");
        LoadedConfig own = ConfigLoader.parseOne("r.yaml", base + "pauseReasons: [lunch, coaching]\n");
        assertThat(own.routing().pauseReasonCode("coaching")).isEqualTo(org.loket.core.PauseReason.FIRST_OPERATOR_CODE + 1);
        assertThat(own.routing().pauseReasonCode("break")).isEqualTo(-1);
        assertThat(own.routing().pauseReasonName(org.loket.core.PauseReason.FIRST_OPERATOR_CODE)).isEqualTo("lunch");
        assertThat(own.routing().pauseReasonName(org.loket.core.PauseReason.NO_ANSWER)).isEqualTo("no-answer");
        assertThat(own.routing().pauseReasonName(org.loket.core.PauseReason.PHONE_IN_USE)).isEqualTo("phone-in-use");
        assertThat(own.routing().pauseReasonName(99)).isEmpty();

        LoadedConfig ten = ConfigLoader.parseOne("r.yaml", base + "pauseReasons: [a, b, c, d, e, f, g, h, i, j]\n");
        assertThat(ten.warnings()).anySatisfy(w -> {
            assertThat(w.field()).isEqualTo("pauseReasons");
            assertThat(w.message()).contains("a phone can pause with the first nine only");
        });
        assertThatThrownBy(() -> ConfigLoader.parseOne("r.yaml", base + "pauseReasons: [lunch, coaching, lunch]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("r.yaml:3")
                .hasMessageContaining("pauseReasons[2]")
                .hasMessageContaining("duplicate name");
    }

    @Test
    void shouldRefuseCodeNamesTheReportsUseForTheCoresOwnReasons() {
        String base = """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                """;
        for (String taken : List.of("no-answer", "logout-pending", "phone-in-use", "none", "code-17")) {
            assertThatThrownBy(() -> ConfigLoader.parseOne("r.yaml", base + "pauseReasons: [lunch, " + taken + "]\n"))
                    .as(taken)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("r.yaml:3")
                    .hasMessageContaining("pauseReasons[1]")
                    .hasMessageContaining("'" + taken + "' is reserved");
        }
        assertThatThrownBy(() -> ConfigLoader.parseOne("r.yaml", base + "wrapUpCodes: [solved, code-2]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("wrapUpCodes[1]")
                .hasMessageContaining("the label of a wrap-up code");
        assertThatCode(() -> ConfigLoader.parseOne("r.yaml", base + "pauseReasons: [no-answer-training, codes]\nwrapUpCodes: [none]\n"))
                .as("names that only look alike are the operator's")
                .doesNotThrowAnyException();
    }

    @Test
    void shouldMapEntryPhoneNumbersAndRejectBadOrSharedOnes() throws ConfigException {
        String base = """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                """;
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", base + "entries: [{name: phone, queue: q, numbers: [\"0881234567\", \"+31881234567\"]}]\n");
        assertThat(loaded.entryByNumber()).containsEntry("0881234567", "phone").containsEntry("+31881234567", "phone");
        assertThatThrownBy(() -> ConfigLoader.parseOne("r.yaml", base
                + "entries: [{name: a, queue: q, numbers: [\"088-123\"]}, {name: b, queue: q, numbers: [\"0881\"]}, {name: c, queue: q, numbers: [\"0881\"]}]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'088-123' is not a phone number")
                .hasMessageContaining("'0881' already reaches entry 'b'");
    }

    @Test
    void shouldWarnAboutAQueueNoAgentCanServe() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues:
                  - {name: q, channel: voice, skill: s}
                  - {name: experts, channel: voice, skill: s, minLevel: 8}
                  - {name: chats, channel: chat, skill: s}
                agents:
                  - {name: ann, skills: {s: 5}, capacity: {chat: 0}}
                """);
        assertThat(loaded.warnings()).filteredOn(w -> w.message().contains("would wait for ever"))
                .extracting(ConfigProblem::line).containsExactly(4, 5);
    }

    @Test
    void shouldNotWarnAboutAnUnservedQueueItsContactsLeaveByOverflowOrClose() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s, none]
                prompts: {busy: {nl: "Bel later."}}
                queues:
                  - {name: q, channel: voice, skill: s}
                  - {name: to-q, channel: voice, skill: none, escalation: [{after: 5, overflow: q}]}
                  - {name: to-to-q, channel: voice, skill: none, escalation: [{after: 5, overflow: to-q}]}
                  - {name: closes, channel: voice, skill: none, escalation: [{after: 5, close: busy}]}
                  - {name: stuck, channel: voice, skill: none}
                  - {name: to-stuck, channel: voice, skill: none, escalation: [{after: 5, overflow: stuck}]}
                agents:
                  - {name: ann, skills: {s: 5}}
                """);
        assertThat(loaded.warnings()).filteredOn(w -> w.message().contains("would wait for ever"))
                .extracting(ConfigProblem::line).containsExactly(8, 9);
    }

    @Test
    void shouldResolveWhomEachSupervisorMonitorsByGroupTeamOrAll() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}, {name: m, channel: voice, requires: "team:sec"}]
                agents:
                  - {name: desk, count: 2, skills: {s: 2}}
                  - {name: guard, team: sec, skills: {s: 2}}
                supervisors:
                  - {name: lead, monitors: [desk]}
                  - {name: sec-lead, monitors: [team:sec], modes: [listen, whisper]}
                  - {name: coach}
                """);
        Supervisor lead = loaded.supervisors().get(0);
        assertThat(lead.agents()).containsExactlyInAnyOrder("desk-001", "desk-002");
        assertThat(lead.may("desk-002", Supervisor.Mode.BARGE)).isTrue();
        assertThat(lead.may("guard", Supervisor.Mode.LISTEN)).as("not in its groups").isFalse();
        Supervisor security = loaded.supervisors().get(1);
        assertThat(security.agents()).containsExactly("guard");
        assertThat(security.may("guard", Supervisor.Mode.WHISPER)).isTrue();
        assertThat(security.may("guard", Supervisor.Mode.BARGE)).as("not one of its modes").isFalse();
        assertThat(loaded.supervisors().get(2).agents()).containsExactlyInAnyOrder("desk-001", "desk-002", "guard");
        assertThat(ConfigLoader.loadDefault().supervisors()).extracting(Supervisor::name)
                .containsExactly("teamlead-phone", "teamlead-security", "quality-coach");
    }

    @Test
    void shouldRefuseSupervisorsWithUnknownGroupsOrModesOrAnAgentsName() {
        String yaml = """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - {name: desk, count: 2, skills: {s: 2}}
                supervisors:
                  - {name: lead, monitors: [dsk], modes: [listen, shout]}
                  - {name: desk-001}
                  - {name: lead, rank: high}
                """;
        List<ConfigProblem> problems = refused("r.yaml", yaml);
        assertThat(problems).anySatisfy(problem(6, "supervisors[0].monitors[0]", "dsk", "[all, desk]"));
        assertThat(problems).anySatisfy(problem(0, "supervisors[0].modes[1]", "shout", "listen, whisper, barge"));
        assertThat(problems).anySatisfy(problem(7, "supervisors[1].name", null, "agent's name"));
        assertThat(problems).anySatisfy(problem(8, null, null, "duplicate supervisor name"));
        assertThat(problems).anySatisfy(problem(0, "supervisors[2].rank", null));
    }

    @Test
    void shouldReportADuplicateQueueNameOnceWithoutShiftingTheQueuesAfterIt() {
        // Ids counted by name put 'chat' on the second 'phone' queue's channel: "'chat' is a voice queue".
        String yaml = """
                skills: [s]
                queues:
                  - {name: phone, channel: voice, skill: s}
                  - {name: phone, channel: voice, skill: s}
                  - {name: chat, channel: chat, skill: s, deflect: {maxWaiting: 5, overflow: chat2}}
                  - {name: chat2, channel: chat, skill: s}
                agents: [{name: ann, skills: {s: 2}, capacity: {voice: 1, chat: 2}}]
                prompts: {hello: {nl: Hallo}}
                flows: [{name: start, kind: queue, prompt: hello, queue: phone, byChannel: {chat: chat}}]
                entries: [{name: web, queue: chat}]
                """;
        assertThat(refused("r.yaml", yaml)).singleElement()
                .satisfies(problem(4, "queues[1].name", "phone", "duplicate queue name", "queues[0] on line 3"));
    }

    @Test
    void shouldReportDuplicateAgentGroupFlowNodeAndEntryNamesOnceEach() {
        String yaml = """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - {name: desk, count: 3, skills: {s: 2}, extension: 100}
                  - {name: desk, count: 2, skills: {s: 2}, extension: 101}
                prompts: {hello: {nl: Hallo}}
                flows:
                  - {name: menu, kind: menu, prompt: hello, options: {1: bye}, fallbackQueue: q}
                  - {name: menu, kind: info, prompt: hello}
                  - {name: bye, kind: info, prompt: hello}
                entries:
                  - {name: phone, flow: menu}
                  - {name: phone, queue: q}
                """;
        List<ConfigProblem> problems = refused("r.yaml", yaml);
        assertThat(problems).anySatisfy(problem(5, "agents[1].name", "desk", "duplicate agent names 'desk-001' .. 'desk-002' (2 agents)",
                "agents[0] has them already"));
        assertThat(problems).anySatisfy(problem(5, "agents[1].extension", "101", "desk-001 would have extension 101",
                "(and 1 more of this group's agents)"));
        assertThat(problems).anySatisfy(problem(9, "flows[1].name", "menu", "duplicate flow node name: flows[0] on line 8"));
        assertThat(problems).anySatisfy(problem(13, "entries[1].name", "phone", "duplicate entry name: entries[0] on line 12"));
        assertThat(problems).as("one problem per duplicate").hasSize(4);
    }

    @Test
    void shouldNumberAgentsByTheirGroupsExtensionsOrElseByRosterPlace() throws ConfigException {
        String roster = """
                skills: [s]
                queues: [{name: q, channel: voice, skill: s}]
                agents:
                  - {name: desk, count: 3, skills: {s: 2}%s}
                  - {name: chat, skills: {s: 2}, capacity: {voice: 0, chat: 2}}
                  - {name: guard, skills: {s: 2}%s}
                supervisors: [{name: lead}]
                """;
        LoadedConfig placed = ConfigLoader.parseOne("r.yaml", roster.formatted("", ""));
        assertThat(placed.agentNumbers()).containsEntry("desk-001", 1).containsEntry("desk-003", 3).containsEntry("guard", 5);
        LoadedConfig extended = ConfigLoader.parseOne("r.yaml", roster.formatted(", extension: 201", ", extension: 301"));
        assertThat(extended.agentNumbers()).containsOnly(Map.entry("desk-001", 201), Map.entry("desk-002", 202),
                Map.entry("desk-003", 203), Map.entry("guard", 301));
        LoadedConfig partly = ConfigLoader.parseOne("r.yaml", roster.formatted(", extension: 201", ""));
        assertThat(partly.agentNumbers()).doesNotContainKey("guard");
        assertThat(partly.warnings()).anySatisfy(w -> {
            assertThat(w.line()).isEqualTo(6);
            assertThat(w.message()).contains("'guard' takes calls but has no extension");
        });
        assertThatThrownBy(() -> ConfigLoader.parseOne("r.yaml", roster.formatted(", extension: 201", ", extension: 203")))
                .isInstanceOf(ConfigException.class).satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(problem(6, "agents[2].extension", null, "guard would have extension 203, which is desk-003's already")));
    }

    @Test
    void shouldWarnAboutEachFlowNodeNoEntryReachesAndStillLoad() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                prompts: {p: {nl: p}}
                queues: [{name: q, channel: chat, skill: s}]
                flows:
                  - {name: main, kind: menu, prompt: p, fallbackQueue: q, options: {"1": to-q, "2": main}}
                  - {name: to-q, kind: queue, prompt: p, queue: q}
                  - {name: staged, kind: menu, prompt: p, fallbackQueue: q, options: {"1": staged-info, "2": to-q}}
                  - {name: staged-info, kind: info, prompt: p}
                  - {name: orphan, kind: queue, prompt: p, queue: q}
                  - {name: nl-or-en, kind: language, prompt: p, fallbackQueue: q, options: {"1": {next: main, language: nl}}}
                entries: [{name: chat, flow: main}, {name: mail, queue: q}]
                """);
        List<ConfigProblem> unreached = loaded.warnings().stream().filter(w -> w.message().contains("reached from no entry")).toList();
        assertThat(unreached).extracting(ConfigProblem::line).containsExactly(7, 8, 9, 10);
        assertThat(unreached.get(0)).satisfies(problem(7, "flows[2]", null,
                "menu 'staged' is reached from no entry: no entry starts at it and no menu option leads to it"));
        assertThat(unreached.get(1)).satisfies(problem(8, "flows[3]", null,
                "info node 'staged-info' is reached from no entry: only options of [staged] lead to it, which no entry reaches either"));
        assertThat(unreached.get(2).message()).startsWith("queue node 'orphan' is reached from no entry");
        assertThat(unreached.get(3).message()).startsWith("language menu 'nl-or-en' is reached from no entry");
        assertThat(unreached).allSatisfy(w -> assertThat(w.warning()).isTrue());
    }

    @Test
    void shouldWarnAboutEachQueueOnlyTransfersReachAndStillLoad() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", """
                skills: [s]
                prompts: {p: {nl: p}}
                queues:
                  - {name: by-entry, channel: email, skill: s}
                  - {name: by-leaf, channel: voice, skill: s, escalation: [{after: 60, overflow: by-step}]}
                  - {name: by-step, channel: voice, skill: s, deflect: {maxWaiting: 5, overflow: by-deflect}}
                  - {name: by-deflect, channel: voice, skill: s}
                  - {name: by-fallback, channel: voice, skill: s}
                  - {name: by-chat, channel: chat, skill: s}
                  - {name: second-line, channel: voice, skill: s}
                  - {name: unwired, channel: voice, skill: s, escalation: [{after: 30, overflow: by-leaf}]}
                flows:
                  - {name: main, kind: menu, prompt: p, fallbackQueue: by-fallback, options: {"1": to-q}}
                  - {name: to-q, kind: queue, prompt: p, queue: by-leaf, byChannel: {chat: by-chat}}
                entries: [{name: phone, flow: main}, {name: mail, queue: by-entry}]
                """);
        List<ConfigProblem> transfersOnly = loaded.warnings().stream().filter(w -> w.message().contains("only agents' transfers")).toList();
        assertThat(transfersOnly).extracting(ConfigProblem::field).containsExactly("queues[6]", "queues[7]");
        assertThat(transfersOnly.getFirst()).satisfies(problem(10, "queues[6]", null, "queue 'second-line': no entry, flow leaf, menu"
                + " fallback, escalation step or deflection routes to it; only agents' transfers reach it"));
        assertThat(transfersOnly).allSatisfy(w -> assertThat(w.warning()).isTrue());
    }

    @Test
    void shouldReachEveryFlowNodeAndQueueOfTheDefaultAndTheExamples() throws Exception {
        List<LoadedConfig> shipped = new java.util.ArrayList<>(List.of(ConfigLoader.loadDefault()));
        try (var examples = java.nio.file.Files.list(java.nio.file.Path.of("examples"))) {
            for (java.nio.file.Path folder : examples.sorted().toList()) {
                shipped.add(ConfigLoader.load(folder));
            }
        }
        assertThat(shipped).hasSizeGreaterThan(1).allSatisfy(config -> assertThat(config.warnings()).as(config.source())
                .noneSatisfy(w -> assertThat(w.message()).containsAnyOf("reached from no entry", "only agents' transfers")));
    }

    /** A file saved as Windows-1252 is named with the line of its first such byte; the folder's other files are still read. */
    @Test
    void shouldNameTheFileAndLineOfTextThatIsNotUtf8(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder) throws Exception {
        java.nio.file.Files.write(folder.resolve("a.yaml"), "skills: [s]\nprompts:\n  p: {nl: Caf\u00e9}\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        java.nio.file.Files.write(folder.resolve("b.yml"), "queues:\n  - {name: q, channel: voice, skill: s}\n  - \u00e9\n"
                .getBytes(java.nio.charset.Charset.forName("windows-1252")));
        java.nio.file.Files.writeString(folder.resolve("c.yaml"), "agents: [{name: ann, skills: {s: 1}}]\n");
        List<ConfigProblem> problems = refused(() -> ConfigLoader.load(folder));
        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "error: a.yaml:3: not UTF-8 text at column 14 (byte 0xe9: saved as Windows-1252 or Latin-1?); save the file as UTF-8",
                "error: b.yml:3: not UTF-8 text at column 5 (byte 0xe9: saved as Windows-1252 or Latin-1?); save the file as UTF-8");
    }

    /** Notepad's "UTF-8 with BOM" is UTF-8; a folder without configuration files says which names count. */
    @Test
    void shouldReadAFileWithAByteOrderMarkAndNameBothExtensionsOfAnEmptyFolder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder)
            throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createDirectory(folder.resolve("empty"));
        assertThat(refused(() -> ConfigLoader.load(empty))).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("no *.yaml or *.yml files in this folder"));
        java.nio.file.Path bom = java.nio.file.Files.createDirectory(folder.resolve("bom"));
        java.nio.file.Files.writeString(bom.resolve("r.yaml"), "\uFEFFskills: [s]\nqueues: [{name: q, channel: chat, skill: s}]\n"
                + "agents: [{name: ann, skills: {s: 1}}]\n");
        assertThat(ConfigLoader.load(bom).routing().skills()).containsExactly("s");
    }

    /** Every section, each line a section, names used across the others: a section broken alone must give one error. */
    private static final String WHOLE = """
            languages: [nl, en]
            skills: [s, nl, en]
            pauseReasons: [break, lunch]
            prompts: {p: {nl: p, en: p, chat: {nl: c, en: c}}, closed: {nl: dicht, en: closed}}
            queues: [{name: q, channel: voice, requires: "s and language"}, {name: c, channel: chat, requires: "s or team:t"}]
            agents: [{name: desk, team: t, skills: {s: 2, nl: 1, en: 1}, shifts: [{start: "08:00", end: "17:00", breaks: [{minutes: 30, earliest: "12:00", reason: lunch}]}]}]
            flows: [{name: lang, kind: language, prompt: p, fallbackQueue: q, byChannel: {chat: c}, options: {"1": {next: menu, language: nl, label: {nl: NL, en: NL}}, "2": {next: menu, language: en, label: {nl: EN, en: EN}}}}, {name: menu, kind: menu, prompt: p, fallbackQueue: q, options: {"1": to-q}}, {name: to-q, kind: queue, prompt: p, queue: q}]
            entries: [{name: phone, flow: lang}, {name: direct, queue: q}]
            hours: {weekdays: "08:00-17:00", weekend: closed, closedPrompt: closed, queues: {q: {weekend: "10:00-12:00"}}}
            supervisors: [{name: lead, monitors: [desk, team:t]}]
            """;

    /**
     * A section of the wrong shape is the one mistake: the names it would define are not reported as
     * unknown wherever they are used (a scalar {@code languages} gave an error per prompt text, label
     * and language option, and warned that the language skills were unused).
     */
    @Test
    void shouldReportASectionOfTheWrongShapeOnceWithoutTheErrorsThatFollowFromIt() throws ConfigException {
        assertThat(ConfigLoader.parseOne("r.yaml", WHOLE).warnings()).as("the phone's prompts only")
                .singleElement().satisfies(problem(4, "prompts", null, "the phone channel plays"));
        Map<String, String> broken = Map.of(
                "languages", "languages: nl", "skills", "skills: s", "pauseReasons", "pauseReasons: lunch", "prompts", "prompts: p",
                "queues", "queues: q", "agents", "agents: desk", "flows", "flows: lang");
        broken.forEach((section, line) -> {
            String yaml = WHOLE.lines().map(l -> l.startsWith(section + ":") ? line : l).collect(java.util.stream.Collectors.joining("\n"));
            int at = WHOLE.lines().toList().indexOf(WHOLE.lines().filter(l -> l.startsWith(section + ":")).findFirst().orElseThrow()) + 1;
            assertThat(refused("r.yaml", yaml)).as(section).singleElement().satisfies(problem(at, section, null,
                    "checked once this is fixed"));
        });
        assertThat(refused("r.yaml", WHOLE.replace("languages: [nl, en]", "languages: nl"))).singleElement()
                .satisfies(problem(1, "languages", "nl", "must be a list of names: write [nl]"));
    }

    /**
     * A section given in two files is reported once, with both places, and the first file's items do
     * not make the second's names unknown everywhere (an operator splitting queues over two files).
     */
    @Test
    void shouldReportASectionGivenInTwoFilesOnceWithBothPlaces() {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put("extra.yaml", "# queues of the tax office\nqueues: [{name: tax, channel: voice, skill: s}]\n");
        files.put("routing.yaml", WHOLE);
        assertThat(refused(() -> ConfigLoader.parse(files, "folder"))).extracting(ConfigProblem::toString).containsExactly(
                "error: routing.yaml:5: queues: section given in two files: first in extra.yaml:2; give each section in one file"
                        + " (a section's items are not merged across files)");
        files.put("routing.yaml", WHOLE);
        files.put("routing-old.yaml", WHOLE);
        files.remove("extra.yaml");
        assertThat(refused(() -> ConfigLoader.parse(files, "folder"))).singleElement().satisfies(problem(1, "", null,
                "sections [languages, skills, pauseReasons, prompts, queues, agents, flows, entries, hours, supervisors] given in two files: "
                        + "first in routing.yaml, lines 1-10; give each section in one file (is one file a copy of the other?)"));
    }

    /** A file that is not YAML hides its sections: its own problem is the one to fix, not the names the others miss. */
    @Test
    void shouldReportOnlyTheFileThatIsNotYamlNotTheNamesItWouldDefine() {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put("queues.yaml", "queues:\n  - {name: q, channel: voice, skill: s\n");
        files.put("routing.yaml", WHOLE.lines().filter(l -> !l.startsWith("queues:")).collect(java.util.stream.Collectors.joining("\n")));
        assertThat(refused(() -> ConfigLoader.parse(files, "folder"))).singleElement()
                .satisfies(problem(0, "(yaml)", null, "not valid YAML")).satisfies(p -> assertThat(p.file()).isEqualTo("queues.yaml"));
    }
}
