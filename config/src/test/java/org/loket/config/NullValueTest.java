package org.loket.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.loket.config.Refusals.problem;
import static org.loket.config.Refusals.refused;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of the format given without a value ({@code ~}, {@code null}, nothing after the colon
 * or the dash): a required one is refused as having no value, on its own line; an optional one loads
 * exactly as if it were left out.
 */
class NullValueTest {
    /** Every section and field family in block style, each line unique, so that each can be emptied alone. */
    private static final String BASE = """
            version: 2
            maxLiveContacts: 100
            languages:
              - nl
            skills:
              - s
              - t
            pauseReasons:
              - break
              - lunch
            wrapUpCodes:
              - done
            prompts:
              hello:
                nl: Hallo
                chat:
                  nl: Hoi
              bye:
                nl: Dag
            queues:
              - name: q
                channel: chat
                skill: s
                minLevel: 2
                priority: 3
                priorityAgingSeconds: 60
                offerTimeoutSeconds: 20
                wrapUpSeconds: 30
                serviceLevelSeconds: 20
                serviceLevelPercent: 90
                selection: most-skilled
                weight: 200
                deferrable: true
                preferredAgentSeconds: 60
                escalation:
                  - after: 60
                    widen: "s"
                  - after: 90
                    offerCallback: true
                  - after: 120
                    close: bye
                deflect:
                  maxWaiting: 5
                  close: hello
              - name: r
                channel: email
                requires: "t >= 1 or team:seniors"
            agents:
              - name: ann
                count: 2
                team: seniors
                extension: 100
                skills:
                  s: 3
                  t: 2
                capacity:
                  chat: 2
                shifts:
                  - start: "08:00"
                    end: "17:00"
                    count: 2
                    days:
                      - mon
                      - tue
                    except:
                      - 2027-01-05
                    breaks:
                      - minutes: 15
                        earliest: "10:00"
                        latest: "11:00"
                        reason: lunch
            flows:
              - name: menu
                kind: menu
                prompt: hello
                fallbackQueue: q
                inputTimeoutSeconds: 10
                maxRetries: 1
                inputTimeoutChannels:
                  - voice
                byChannel:
                  chat: q
                options:
                  "1": to-q
                  "2":
                    next: to-q
                    label:
                      nl: Medewerker
              - name: to-q
                kind: queue
                prompt: bye
                queue: q
                priority: 5
            entries:
              - name: web
                flow: menu
                numbers:
                  - "0881234567"
              - name: mail
                queue: r
            hours:
              zone: Europe/Amsterdam
              weekdays: "08:00-20:00"
              weekend: closed
              closedPrompt: bye
              holidayPrompt: bye
              holidays:
                - date: 2027-01-01
                  name: Nieuwjaar
              queues:
                r:
                  weekdays: "09:00-17:00"
                  weekend: "10:00-12:00"
            supervisors:
              - name: lead
                monitors:
                  - ann
                modes:
                  - listen
            """;

    /** The three ways to write YAML's null after a key or a list item's dash. */
    private static final List<String> NULLS = List.of("~", "null", "");

    @Test
    void shouldLoadTheBaseThatEveryCaseEmptiesOneLineOf() throws ConfigException {
        LoadedConfig base = ConfigLoader.parseOne("r.yaml", BASE);
        assertThat(base.routing().queues()).hasSize(2);
        assertThat(base.supervisors()).hasSize(1);
    }

    /** Required fields and list items: (line as written, the field the problem names). */
    static Stream<Arguments> required() {
        String[][] cases = {
                {"  - nl", "languages[0]"},
                {"  - t", "skills[1]"},
                {"  - lunch", "pauseReasons[1]"},
                {"  - done", "wrapUpCodes[0]"},
                {"    nl: Hallo", "prompts.hello.nl"},
                {"      nl: Hoi", "prompts.hello.chat.nl"},
                {"  bye:", "prompts.bye"},
                {"  - name: q", "queues[0].name"},
                {"    channel: chat", "queues[0].channel"},
                {"    skill: s", "queues[0].skill"},
                {"    requires: \"t >= 1 or team:seniors\"", "queues[1].requires"},
                {"      - after: 60", "queues[0].escalation[0].after"},
                {"        widen: \"s\"", "queues[0].escalation[0].widen"},
                {"        offerCallback: true", "queues[0].escalation[1].offerCallback"},
                {"        close: bye", "queues[0].escalation[2].close"},
                {"      close: hello", "queues[0].deflect.close"},
                {"  - name: ann", "agents[0].name"},
                {"    skills:", "agents[0].skills"},
                {"      s: 3", "agents[0].skills.s"},
                {"      chat: 2", "agents[0].capacity.chat"},
                {"      - start: \"08:00\"", "agents[0].shifts[0].start"},
                {"        end: \"17:00\"", "agents[0].shifts[0].end"},
                {"          - mon", "agents[0].shifts[0].days[0]"},
                {"          - 2027-01-05", "agents[0].shifts[0].except[0]"},
                {"          - minutes: 15", "agents[0].shifts[0].breaks[0].minutes"},
                {"            earliest: \"10:00\"", "agents[0].shifts[0].breaks[0].earliest"},
                {"  - name: menu", "flows[0].name"},
                {"    kind: menu", "flows[0].kind"},
                {"    prompt: hello", "flows[0].prompt"},
                {"    fallbackQueue: q", "flows[0].fallbackQueue"},
                {"      - voice", "flows[0].inputTimeoutChannels"},
                {"      chat: q", "flows[0].byChannel.chat"},
                {"    options:", "flows[0].options"},
                {"      \"1\": to-q", "flows[0].options.1"},
                {"        next: to-q", "flows[0].options.2.next"},
                {"          nl: Medewerker", "flows[0].options.2.label.nl"},
                {"    queue: q", "flows[1].queue"},
                {"  - name: web", "entries[0].name"},
                {"    flow: menu", "entries[0].flow"},
                {"    queue: r", "entries[1].queue"},
                {"      - \"0881234567\"", "entries[0].numbers"},
                {"  weekdays: \"08:00-20:00\"", "hours.weekdays"},
                {"  weekend: closed", "hours.weekend"},
                {"  closedPrompt: bye", "hours.closedPrompt"},
                {"    - date: 2027-01-01", "hours.holidays[0].date"},
                {"    r:", "hours.queues.r"},
                {"  - name: lead", "supervisors[0].name"},
                // Left out, these two grant all agents and all modes: an empty one is refused, never read as all.
                {"    monitors:", "supervisors[0].monitors"},
                {"      - ann", "supervisors[0].monitors[0]"},
                {"    modes:", "supervisors[0].modes"},
                {"      - listen", "supervisors[0].modes[0]"},
        };
        return Stream.of(cases).flatMap(c -> NULLS.stream().map(n -> Arguments.of(c[0], c[1], n)));
    }

    @ParameterizedTest(name = "{1} = ''{2}''")
    @MethodSource("required")
    void shouldRefuseARequiredFieldWithoutAValueOnItsOwnLine(String line, String field, String nullWritten) {
        int lineNumber = lineOf(line);
        List<ConfigProblem> problems = refused("r.yaml", emptied(line, nullWritten));
        assertThat(problems).as(problems.toString()).anySatisfy(problem(lineNumber, field, nullWritten, "has no value"));
    }

    /** Optional fields and sections: the line as written (a key whose more indented lines go with it). */
    static Stream<Arguments> optional() {
        String[] cases = {
                "version: 2", "maxLiveContacts: 100", "wrapUpCodes:", "hours:", "supervisors:",
                "    chat:",
                "    minLevel: 2", "    priority: 3", "    priorityAgingSeconds: 60", "    offerTimeoutSeconds: 20",
                "    wrapUpSeconds: 30", "    serviceLevelSeconds: 20", "    serviceLevelPercent: 90", "    selection: most-skilled",
                "    weight: 200", "    deferrable: true", "    preferredAgentSeconds: 60", "    escalation:", "    deflect:",
                "    count: 2", "    team: seniors", "    extension: 100", "    capacity:", "    shifts:",
                "        days:", "        except:", "        breaks:", "            latest: \"11:00\"",
                "            reason: lunch",
                "    inputTimeoutSeconds: 10", "    maxRetries: 1", "    inputTimeoutChannels:", "    byChannel:", "        label:",
                "    priority: 5", "    numbers:",
                "  zone: Europe/Amsterdam", "  holidayPrompt: bye", "  holidays:", "      name: Nieuwjaar", "  queues:",
                "      weekend: \"10:00-12:00\"",
        };
        return Stream.of(cases).flatMap(c -> NULLS.stream().map(n -> Arguments.of(c, n)));
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("optional")
    void shouldReadAnOptionalFieldWithoutAValueAsLeftOut(String line, String nullWritten) throws ConfigException {
        LoadedConfig leftOut = ConfigLoader.parseOne("r.yaml", removed(line));
        LoadedConfig empty = ConfigLoader.parseOne("r.yaml", emptied(line, nullWritten));
        assertThat(empty.routing()).isEqualTo(leftOut.routing());
        assertThat(empty.plans()).isEqualTo(leftOut.plans());
        assertThat(empty.hours()).isEqualTo(leftOut.hours());
        assertThat(empty.supervisors()).isEqualTo(leftOut.supervisors());
        assertThat(empty.promptTexts()).isEqualTo(leftOut.promptTexts());
        assertThat(empty.chatbot()).isEqualTo(leftOut.chatbot());
        assertThat(empty.entryByNumber()).isEqualTo(leftOut.entryByNumber());
        assertThat(empty.agentNumbers()).isEqualTo(leftOut.agentNumbers());
        assertThat(empty.warnings()).extracting(ConfigProblem::message)
                .containsExactlyInAnyOrderElementsOf(leftOut.warnings().stream().map(ConfigProblem::message).toList());
    }

    @Test
    void shouldReadAQuotedTildeOrNullAsText() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.parseOne("r.yaml", BASE.replace("  - t\n", "  - t\n  - \"~\"\n")
                .replace("    nl: Hallo", "    nl: 'null'"));
        assertThat(loaded.routing().skills()).contains("~");
        assertThat(loaded.promptTexts().get("hello")).containsEntry("nl", "null");
    }

    /** 1-based line of {@code line}, which must occur once in {@link #BASE}. */
    private static int lineOf(String line) {
        List<String> lines = BASE.lines().toList();
        assertThat(lines).as("the case's line occurs once").containsOnlyOnce(line);
        return lines.indexOf(line) + 1;
    }

    /** {@link #BASE} with {@code line}'s value, and the more indented lines under it, replaced by {@code nullWritten}. */
    private static String emptied(String line, String nullWritten) {
        int at = lineOf(line) - 1;
        List<String> lines = new ArrayList<>(BASE.lines().toList());
        int colon = line.indexOf(':', line.indexOf(line.strip()));
        String key = line.startsWith("-", line.indexOf(line.strip())) && (colon < 0 || line.strip().startsWith("- \""))
                ? line.substring(0, line.indexOf('-') + 1) : line.substring(0, colon + 1);
        lines.set(at, (key + " " + nullWritten).stripTrailing());
        dropChildren(lines, at);
        return String.join("\n", lines) + "\n";
    }

    /** {@link #BASE} without {@code line} and the more indented lines under it. */
    private static String removed(String line) {
        int at = lineOf(line) - 1;
        List<String> lines = new ArrayList<>(BASE.lines().toList());
        dropChildren(lines, at);
        lines.remove(at);
        return String.join("\n", lines) + "\n";
    }

    private static void dropChildren(List<String> lines, int at) {
        int indent = indent(lines.get(at));
        while (at + 1 < lines.size() && indent(lines.get(at + 1)) > indent) {
            lines.remove(at + 1);
        }
    }

    /** Where a line's key begins: its first character after the spaces and a list item's dash. */
    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '-')) {
            i++;
        }
        return i;
    }
}
