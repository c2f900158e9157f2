package org.loket.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
    private static final String BASE = """
            version: %d
            skills: [s, t]
            prompts: {menu: {nl: "%s"}, hold: {nl: "h"}}
            queues:
              - {name: q, channel: voice, skill: s, wrapUpSeconds: %d}
              %s
            agents: [{name: ann, skills: {s: 5}, shifts: [{start: "08:00", end: "%s"}]}]
            flows:
              - {name: menu, kind: menu, prompt: menu, fallbackQueue: q, options: {"1": to-q%s}}
              - {name: to-q, kind: queue, prompt: hold, queue: q}
            entries: [{name: phone, flow: menu}]
            hours: {weekdays: "08:00-%s", weekend: closed, closedPrompt: hold}
            """;

    private static LoadedConfig config(int version, String menuText, int wrapUp, String extraQueue, String shiftEnd,
                                       String extraOption, String close) throws ConfigException {
        return ConfigLoader.parse(Map.of("r.yaml", BASE.formatted(version, menuText, wrapUp, extraQueue, shiftEnd, extraOption, close)), "x");
    }

    @Test
    void shouldListEveryChangeByNameAndField() throws Exception {
        LoadedConfig a = config(1, "Kies 1", 30, "", "16:00", "", "22:00");
        LoadedConfig b = config(2, "Kies 1 of 2", 60, "- {name: r, channel: chat, skill: t}", "17:00", ", \"2\": to-q", "20:00");
        assertThat(ConfigDiff.diff(a, b)).containsExactly(
                "version: 1 -> 2",
                "~ prompt menu: nl \"Kies 1\" -> \"Kies 1 of 2\"",
                "+ queue r {channel=chat, requires=t, priority=0, priorityAgingSeconds=0, offerTimeoutSeconds=15, wrapUpSeconds=0, serviceLevelSeconds=40}",
                "~ queue q: wrapUpSeconds 30 -> 60",
                "~ agent ann: shift 08:00-16:00 -> 08:00-17:00",
                "~ flow node menu: options {1: to-q} -> {1: to-q, 2: to-q}",
                "~ hours helpdesk: weekdays 08:00-22:00 -> 08:00-20:00");
    }

    @Test
    void shouldShowPauseReasonsAndWrapUpCodesAddedRemovedAndMoved() throws Exception {
        String base = "skills: [s]\nqueues: [{name: q, channel: voice, skill: s}]\n";
        LoadedConfig a = ConfigLoader.parseOne("r.yaml", base + "pauseReasons: [break, training]\n");
        assertThat(ConfigDiff.diff(a, ConfigLoader.parseOne("r.yaml", base + "pauseReasons: [break, training, coaching]\n")))
                .containsExactly("+ pause reason coaching");
        assertThat(ConfigDiff.diff(a, ConfigLoader.parseOne("r.yaml", base + "pauseReasons: [training, break]\n")))
                .containsExactly("pauseReasons: [break, training] -> [training, break] (the journal holds positions: a code now "
                        + "names another pause reason, in reports too)",
                        "pauseReasons: a live reload of this waits while an agent is paused with a reason it drops or moves (and names them)");
        assertThat(ConfigDiff.diff(a, ConfigLoader.parseOne("r.yaml", base + "pauseReasons: [break]\n")))
                .containsExactly("- pause reason training",
                        "pauseReasons: a live reload of this waits while an agent is paused with a reason it drops or moves (and names them)");
        assertThat(ConfigDiff.diff(a, ConfigLoader.parseOne("r.yaml", base + "pauseReasons: [break, training]\nwrapUpCodes: [solved]\n")))
                .containsExactly("+ wrap-up code solved", "- wrap-up code resolved", "- wrap-up code referred",
                        "- wrap-up code callback-needed", "- wrap-up code no-action",
                        "wrapUpCodes: [resolved, referred, callback-needed, no-action] -> [solved] (a code is its place: from the reload"
                                + " on, an agent's phone dialling *57N gives another wrap-up code; codes given before keep their names in"
                                + " reports)");
    }

    @Test
    void shouldShowTheChatbotsWordingAndButtonLabels() throws Exception {
        String base = """
                skills: [s]
                prompts: {menu: {nl: "Kies 1"%s}, hold: {nl: "h"}}
                queues: [{name: q, channel: chat, skill: s}]
                flows:
                  - {name: menu, kind: menu, prompt: menu, fallbackQueue: q, options: {"1": {next: to-q%s}}}
                  - {name: to-q, kind: queue, prompt: hold, queue: q}
                """;
        LoadedConfig a = ConfigLoader.parseOne("r.yaml", base.formatted("", ""));
        LoadedConfig b = ConfigLoader.parseOne("r.yaml", base.formatted(", chat: {nl: \"Waarmee?\"}", ", label: {nl: \"Medewerker\"}"));
        assertThat(ConfigDiff.diff(a, b)).containsExactly(
                "~ prompt menu: chat.nl (none) -> \"Waarmee?\"",
                "~ flow node menu: options.1.label.nl (none) -> \"Medewerker\"");
    }

    /** The what-if examples are the default with their own change: its texts and flow stay the default's. */
    @Test
    void shouldFindTheExamplesToKeepTheDefaultsPromptsFlowAndEntries() throws Exception {
        LoadedConfig base = ConfigLoader.load(java.nio.file.Path.of("default"));
        try (var examples = java.nio.file.Files.list(java.nio.file.Path.of("examples"))) {
            java.util.List<java.nio.file.Path> folders = examples.sorted().toList();
            assertThat(folders).isNotEmpty();
            for (java.nio.file.Path folder : folders) {
                assertThat(ConfigDiff.diff(base, ConfigLoader.load(folder))).as(folder.toString())
                        .isNotEmpty().noneMatch(line -> line.matches("[~+-] (prompt|flow node|entry) .*"));
            }
        }
    }

    @Test
    void shouldShowSupervisorsAddedAndWhatTheyMayDo() throws Exception {
        String base = "skills: [s]\nqueues: [{name: q, channel: voice, skill: s}]\nagents: [{name: desk, count: 2, skills: {s: 2}}]\n";
        LoadedConfig a = ConfigLoader.parseOne("r.yaml", base + "supervisors: [{name: lead}]\n");
        assertThat(ConfigDiff.diff(a, ConfigLoader.parseOne("r.yaml", base + "supervisors: [{name: lead, modes: [listen]}, {name: coach}]\n")))
                .containsExactly("+ supervisor coach {monitors=all, modes=listen, whisper, barge}",
                        "~ supervisor lead: modes listen, whisper, barge -> listen");
    }

    @Test
    void shouldShowPlannedBreaksAddedToAShift() throws Exception {
        String base = "skills: [s]\nqueues: [{name: q, channel: voice, skill: s}]\nagents: [{name: ann, skills: {s: 5}, shifts: [{start: \"08:00\", end: \"17:00\"%s}]}]\n";
        LoadedConfig a = ConfigLoader.parseOne("r.yaml", base.formatted(""));
        LoadedConfig b = ConfigLoader.parseOne("r.yaml", base.formatted(", breaks: [{minutes: 30, earliest: \"12:00\"}]"));
        assertThat(ConfigDiff.diff(a, b)).containsExactly("~ agent ann: breaks (none) -> [12:00-12:30 break]");
        LoadedConfig weekdays = ConfigLoader.parseOne("r.yaml", base.formatted(", days: weekdays"));
        assertThat(ConfigDiff.diff(a, weekdays)).containsExactly("~ agent ann: days (none) -> weekdays");
        assertThat(ConfigDiff.diff(weekdays, ConfigLoader.parseOne("r.yaml", base.formatted(", days: [sat, mon]"))))
                .containsExactly("~ agent ann: days weekdays -> mon,sat");
        assertThat(ConfigDiff.diff(weekdays, ConfigLoader.parseOne("r.yaml", base.formatted(", days: weekdays, except: [\"2027-04-30\"]"))))
                .containsExactly("~ agent ann: days weekdays -> weekdays except 2027-04-30");
        assertThat(ConfigDiff.diff(a, ConfigLoader.parseOne("r.yaml", base.formatted(", dates: [\"2027-03-01\"]"))))
                .containsExactly("~ agent ann: days (none) -> on 2027-03-01");
    }

    @Test
    void shouldSumUpOneFieldChangedForManyAgentsInOneLine() throws Exception {
        String base = "skills: [s]\nqueues: [{name: q, channel: voice, skill: s}]\n"
                + "agents: [{name: a, skills: {s: 5}, shifts: [{start: \"08:00\", end: \"%s\", count: 7}]}, {name: b, skills: {s: %d}}]\n";
        LoadedConfig before = ConfigLoader.parseOne("r.yaml", base.formatted("16:00", 5));
        LoadedConfig after = ConfigLoader.parseOne("r.yaml", base.formatted("17:00", 6));
        assertThat(ConfigDiff.diff(before, after)).containsExactly(
                "~ agent b: skills {s:5} -> {s:6}",
                "~ 7 agents: shift changed (a-001..007; e.g. a-001: 08:00-16:00 -> 08:00-17:00)");
    }

    /** A group's count changed: the agents it adds, as ranges of its numbers, all of them while short. */
    @Test
    void shouldShowManyNamesAsRangesOfARosterGroupsNumbers() {
        assertThat(ConfigDiff.shown(List.of("evening-102", "evening-103", "evening-104", "app-031", "app-033", "ann"), 5))
                .isEqualTo("evening-102..104, app-031, app-033, ann");
        assertThat(ConfigDiff.shown(List.of("x-9", "x-10", "x-11", "x-012"), 5)).as("the number's width is part of the name").isEqualTo("x-9, x-10..11, x-012");
        List<String> scattered = java.util.stream.IntStream.range(0, 12).mapToObj(i -> "a-" + (i * 2)).toList();
        assertThat(ConfigDiff.shown(scattered, 5)).isEqualTo("a-0, a-2, a-4, a-6, a-8, ... (7 more)");
        List<String> runs = java.util.stream.IntStream.range(0, 11).boxed()
                .flatMap(g -> java.util.stream.Stream.of("g" + g + "-01", "g" + g + "-02", "g" + g + "-03")).toList();
        assertThat(ConfigDiff.shown(runs, 5)).as("names left, not ranges").endsWith("g4-01..03, ... (18 more)");
    }

    /** The README's what-if: the evening's roster groups with 15 % more agents show as the numbers they add. */
    @Test
    void shouldShowTheAgentsAnEveningWithMoreAgentsAdds() throws Exception {
        LoadedConfig more = ConfigLoader.load(java.nio.file.Path.of("examples/evening-plus-15"));
        assertThat(ConfigDiff.diff(ConfigLoader.loadDefault(), more)).containsExactly("version: 1 -> 2",
                "+ agents (13): generalist-102..104, app-specialist-032..033, mijnoverheid-026..027, machtigen-029..030, english-desk-011,"
                        + " security-015, chat-desk-030..031");
    }

    @Test
    void shouldFindNothingBetweenAConfigurationAndItself() throws Exception {
        assertThat(ConfigDiff.diff(ConfigLoader.loadDefault(), ConfigLoader.loadDefault())).isEmpty();
    }
}
