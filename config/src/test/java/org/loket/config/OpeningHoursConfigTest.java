package org.loket.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.loket.config.Refusals.problem;
import static org.loket.config.Refusals.refused;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code hours} section: zone, weekly hours, holidays, closed prompts, per-queue hours; every mistake. */
class OpeningHoursConfigTest {
    /** Line 1-4 are the same in every configuration below; {@code hours} starts on line 5. */
    private static final String BASE = """
            skills: [s]
            prompts: {closed: {nl: "Gesloten"}, feest: {nl: "Feestdag"}, belasting: {nl: "Belastingdienst"}}
            queues: [{name: q, channel: voice, skill: s}, {name: tax, channel: voice, skill: s}]
            agents: [{name: ann, skills: {s: 5}}]
            """;

    private static LoadedConfig load(String hours) throws ConfigException {
        return ConfigLoader.parseOne("r.yaml", BASE + hours);
    }

    private static List<ConfigProblem> problems(String hours) {
        return refused(() -> load(hours));
    }

    @Test
    void shouldReadZoneWeekHolidaysPromptsAndPerQueueHours() throws ConfigException {
        OpeningHours hours = load("""
                hours:
                  zone: Europe/Brussels
                  weekdays: "08:00-22:00"
                  weekend: "12:00-24:00"
                  closedPrompt: closed
                  holidayPrompt: feest
                  holidays: ["2026-12-25", {date: "2027-04-27", name: Koningsdag}]
                  queues:
                    tax: {weekdays: "09:00-17:00", weekend: closed, closedPrompt: belasting}
                """).hours();
        assertThat(hours.zone()).isEqualTo(ZoneId.of("Europe/Brussels"));
        assertThat(hours.holidays()).containsExactly(Map.entry(LocalDate.of(2026, 12, 25), ""),
                Map.entry(LocalDate.of(2027, 4, 27), "Koningsdag"));
        LocalDate monday = LocalDate.of(2027, 3, 1);
        LocalDate saturday = LocalDate.of(2027, 3, 6);
        assertThat(hours.on("q", monday)).isEqualTo(new Shift(8 * 60, 22 * 60));
        assertThat(hours.on("q", saturday)).isEqualTo(new Shift(12 * 60, 24 * 60));
        assertThat(hours.on("tax", monday)).isEqualTo(new Shift(9 * 60, 17 * 60));
        assertThat(hours.on("tax", saturday)).as("the queue's own weekend").isNull();
        assertThat(hours.on("q", LocalDate.of(2027, 4, 27))).as("a holiday closes every queue").isNull();
        assertThat(hours.closedPrompt("q", monday)).isEqualTo("closed");
        assertThat(hours.closedPrompt("tax", monday)).isEqualTo("belasting");
        assertThat(hours.closedPrompt("tax", LocalDate.of(2027, 4, 27))).as("the helpdesk's holiday prompt, inherited")
                .isEqualTo("feest");
    }

    /** E-mail and webcare take work items every day: a queue open on holidays needs no closed prompt of its own. */
    @Test
    void shouldKeepAQueueOpenOnHolidaysWhenItSaysSo() throws ConfigException {
        String hours = """
                hours:
                  weekdays: "08:00-22:00"
                  weekend: closed
                  closedPrompt: closed
                  holidays: [{date: "2027-04-27", name: Koningsdag}]
                  queues:
                    tax: {weekdays: "00:00-24:00", weekend: "00:00-24:00", openOnHolidays: true}
                """;
        OpeningHours opening = load(hours).hours();
        LocalDate koningsdag = LocalDate.of(2027, 4, 27);
        assertThat(opening.on("tax", koningsdag)).isEqualTo(Shift.ALL_DAY);
        assertThat(opening.on("q", koningsdag)).isNull();
        assertThat(opening.on("tax", LocalDate.of(2027, 3, 6))).as("its own weekend").isEqualTo(Shift.ALL_DAY);
        assertThat(problems(hours.replace("openOnHolidays: true", "openOnHolidays: yes"))).singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("hours.queues.tax.openOnHolidays"));
        assertThat(problems(hours.replace("  queues:", "  openOnHolidays: true\n  queues:"))).as("the helpdesk closes on holidays")
                .extracting(ConfigProblem::field).contains("hours.openOnHolidays");
    }

    @Test
    void shouldMeanAlwaysOpenInAmsterdamWithoutHours() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", BASE);
        assertThat(loaded.hours()).isEqualTo(OpeningHours.ALWAYS);
        assertThat(loaded.hours().zone()).isEqualTo(ZoneId.of("Europe/Amsterdam"));
    }

    @Test
    void shouldNeedNoClosedPromptWhenTheHoursNeverClose() throws ConfigException {
        assertThat(load("hours: {weekdays: \"00:00-24:00\", weekend: \"00:00-24:00\"}\n").hours().helpdesk().closeInAWeek()).isFalse();
    }

    @Test
    void shouldRefuseAnUnknownZone() {
        assertThat(problems("hours: {zone: Europe/Amsterdan, weekdays: closed, weekend: closed, closedPrompt: closed}\n"))
                .anySatisfy(p -> {
                    assertThat(p.file()).isEqualTo("r.yaml");
                    assertThat(p.line()).isEqualTo(5);
                    assertThat(p.field()).isEqualTo("hours.zone");
                    assertThat(p.value()).isEqualTo("Europe/Amsterdan");
                    assertThat(p.message()).contains("Europe/Amsterdam");
                });
    }

    @Test
    void shouldRequireWeekdaysAndWeekend() {
        assertThat(problems("hours:\n  closedPrompt: closed\n")).extracting(ConfigProblem::field)
                .contains("hours.weekdays", "hours.weekend");
        assertThat(problems("hours:\n  closedPrompt: closed\n")).allSatisfy(p -> {
            assertThat(p.line()).isEqualTo(6);
            assertThat(p.message()).contains("HH:MM-HH:MM").contains("'closed'");
        });
    }

    @Test
    void shouldRefuseMalformedBackwardsAndOutOfRangeHours() {
        List<ConfigProblem> problems = problems("""
                hours:
                  weekdays: "8-17"
                  weekend: "18:00-09:00"
                  closedPrompt: closed
                  queues:
                    tax: {weekdays: "09:00-24:30"}
                """);
        assertThat(problems).anySatisfy(problem(6, "hours.weekdays", null, "HH:MM"));
        assertThat(problems).anySatisfy(problem(7, "hours.weekend", "18:00-09:00", "later than the start (18:00)", "do not cross midnight"));
        assertThat(problems).anySatisfy(problem(10, "hours.queues.tax.weekdays", "24:30", "between 00:00 and 24:00"));
    }

    @Test
    void shouldRequireAClosedPromptWhenAQueueCanClose() {
        assertThat(problems("hours: {weekdays: \"08:00-22:00\", weekend: closed}\n")).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.field()).isEqualTo("hours.closedPrompt");
            assertThat(p.message()).contains("is required").contains("[closed, feest, belasting]");
        });
        assertThat(problems("""
                hours:
                  weekdays: "00:00-24:00"
                  weekend: "00:00-24:00"
                  queues: {tax: {weekend: closed}}
                """)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(8);
            assertThat(p.field()).isEqualTo("hours.queues.tax.closedPrompt");
        });
        assertThat(problems("hours: {weekdays: \"00:00-24:00\", weekend: \"00:00-24:00\", holidays: [\"2026-12-25\"]}\n"))
                .as("a holiday closes too").extracting(ConfigProblem::field).containsExactly("hours.closedPrompt");
    }

    @Test
    void shouldRefuseAnUnknownPrompt() {
        assertThat(problems("hours: {weekdays: closed, weekend: closed, closedPrompt: gesloten, holidayPrompt: kerst}\n"))
                .extracting(ConfigProblem::field, ConfigProblem::value)
                .contains(org.assertj.core.groups.Tuple.tuple("hours.closedPrompt", "gesloten"),
                        org.assertj.core.groups.Tuple.tuple("hours.holidayPrompt", "kerst"));
        assertThat(problems("hours: {weekdays: closed, weekend: closed, closedPrompt: gesloten}\n"))
                .anySatisfy(problem(0, null, null, "no such prompt", "[closed, feest, belasting]"));
    }

    @Test
    void shouldRefuseBadAndDuplicateHolidays() {
        List<ConfigProblem> problems = problems("""
                hours:
                  weekdays: "08:00-22:00"
                  weekend: closed
                  closedPrompt: closed
                  holidays:
                    - "2026-13-01"
                    - {name: Kerst}
                    - {date: "2026-12-25", name: Kerst, prompt: feest}
                    - "2026-12-25"
                """);
        assertThat(problems).anySatisfy(problem(10, "hours.holidays[0]", "2026-13-01", "YYYY-MM-DD"));
        assertThat(problems).anySatisfy(problem(11, "hours.holidays[1].date", null, "is required"));
        assertThat(problems).anySatisfy(problem(12, "hours.holidays[2].prompt", null, "[date, name]"));
        assertThat(problems).anySatisfy(problem(13, "hours.holidays[3]", "2026-12-25", "already a holiday"));
        assertThat(problems("hours: {weekdays: closed, weekend: closed, closedPrompt: closed, holidays: \"2026-12-25\"}\n"))
                .extracting(ConfigProblem::field).containsExactly("hours.holidays");
    }

    @Test
    void shouldRefuseHoursOfAnUnknownQueueAndUnknownFields() {
        List<ConfigProblem> problems = problems("""
                hours:
                  weekdays: "08:00-22:00"
                  weekend: closed
                  closedPrompt: closed
                  opens: "08:00"
                  queues:
                    taks: {weekdays: "09:00-17:00"}
                    tax: {weekdays: "09:00-17:00", saturday: closed}
                    q: "09:00-17:00"
                """);
        assertThat(problems).anySatisfy(problem(9, "hours.opens", null, "[zone, weekdays, weekend, closedPrompt, holidayPrompt, holidays, queues]"));
        assertThat(problems).anySatisfy(problem(11, "hours.queues.taks", "taks", "names no queue; valid: [q, tax]"));
        assertThat(problems).anySatisfy(problem(12, "hours.queues.tax.saturday", null, "[weekdays, weekend, closedPrompt, holidayPrompt, openOnHolidays]"));
        assertThat(problems).anySatisfy(problem(13, "hours.queues.q", null, "must be a mapping"));
        assertThat(problems("hours: [\"08:00-22:00\"]\n")).singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("hours"));
        assertThat(problems("hours: {weekdays: closed, weekend: closed, closedPrompt: closed, queues: [tax]}\n"))
                .extracting(ConfigProblem::field).containsExactly("hours.queues");
    }

    @Test
    void shouldShowChangedHoursInTheDiff() throws ConfigException {
        LoadedConfig a = load("""
                hours:
                  weekdays: "08:00-22:00"
                  weekend: closed
                  closedPrompt: closed
                  holidays: ["2026-12-25"]
                """);
        LoadedConfig b = load("""
                hours:
                  zone: Europe/Brussels
                  weekdays: "08:00-20:00"
                  weekend: closed
                  closedPrompt: closed
                  holidays: [{date: "2027-04-27", name: Koningsdag}]
                  queues: {tax: {weekdays: "09:00-17:00", closedPrompt: belasting}}
                """);
        assertThat(ConfigDiff.diff(a, b)).containsExactly(
                "+ hours of queue tax {weekdays=09:00-17:00, weekend=closed, closedPrompt=belasting, holidayPrompt=the closedPrompt}",
                "~ hours helpdesk: weekdays 08:00-22:00 -> 08:00-20:00",
                "~ hours helpdesk: zone Europe/Amsterdam -> Europe/Brussels",
                "+ holiday 2027-04-27 {name=Koningsdag}",
                "- holiday 2026-12-25 {name=-}");
    }
}
