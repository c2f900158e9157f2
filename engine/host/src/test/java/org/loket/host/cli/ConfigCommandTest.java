package org.loket.host.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.loket.host.cli.Cli.execute;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loket config check} and {@code loket config diff} as an operator runs them. */
class ConfigCommandTest {
    private static final String BASE = """
            skills: [s]
            prompts: {p: {nl: p}}
            queues: [{name: q, channel: chat, skill: s}]
            agents: [{name: ann, skills: {s: 2}, capacity: {voice: 0, chat: 1}}]
            flows:
              - {name: main, kind: menu, prompt: p, fallbackQueue: q, options: {"1": to-q}}
              - {name: to-q, kind: queue, prompt: p, queue: q}
            entries: [{name: chat, flow: main}]
            """;
    @TempDir
    Path folder;

    private Path config(String name, String yaml) throws java.io.IOException {
        Path dir = Files.createDirectories(folder.resolve(name));
        Files.writeString(dir.resolve("routing.yaml"), yaml);
        return dir;
    }

    @Test
    void shouldRefuseARequiredFieldWithoutAValueNamingFileLineAndField() throws Exception {
        StringWriter out = new StringWriter();
        int exit = execute(out, "config", "check", config("empty", BASE.replace("fallbackQueue: q", "fallbackQueue: ~")).toString());
        assertThat(exit).as(out.toString()).isEqualTo(1);
        assertThat(out.toString()).contains("error: routing.yaml:6: flows[0].fallbackQueue = '~': has no value; valid: [q]");
    }

    /** Without a folder (a script's unset variable) the check passes on the embedded default, and says so apart from its result. */
    @Test
    void shouldSayWhenItCheckedTheEmbeddedDefaultForWantOfAFolder() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.execute(out, err, "config", "check");
        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("ok: embedded default");
        assertThat(err.toString()).contains("no folder given, so the embedded default was checked");
        StringWriter named = new StringWriter();
        StringWriter quiet = new StringWriter();
        Cli.execute(named, quiet, "config", "check", "../../config/default");
        assertThat(quiet.toString()).as("a folder named: nothing to say").isEmpty();
    }

    @Test
    void shouldPassAStagedMenuWithAWarningNamingIt() throws Exception {
        StringWriter out = new StringWriter();
        int exit = execute(out, "config", "check", config("staged", BASE.replace("entries:",
                "  - {name: staged, kind: menu, prompt: p, fallbackQueue: q, options: {\"1\": to-q}}\nentries:")).toString());
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("warning: routing.yaml:8: flows[2]: menu 'staged' is reached from no entry", "ok: ");
    }

    @Test
    void shouldPassAQueueOnlyTransfersReachWithAWarningNamingIt() throws Exception {
        StringWriter out = new StringWriter();
        int exit = execute(out, "config", "check", config("second-line", BASE.replace("queues: [{name: q, channel: chat, skill: s}]",
                "queues: [{name: q, channel: chat, skill: s}, {name: second-line, channel: chat, skill: s}]")).toString());
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("warning: routing.yaml:3: queues[1]: queue 'second-line': no entry, flow leaf, menu fallback,"
                + " escalation step or deflection routes to it; only agents' transfers reach it", "ok: ");
    }

    @Test
    void shouldSayAheadThatALiveReloadDroppingAPauseReasonWaitsForAgentsPausedWithIt() throws Exception {
        StringWriter out = new StringWriter();
        int exit = execute(out, "config", "diff", config("a", BASE + "pauseReasons: [break, training]\n").toString(),
                config("b", BASE + "pauseReasons: [break]\n").toString());
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("- pause reason training",
                "pauseReasons: a live reload of this waits while an agent is paused with a reason it drops or moves");
    }

    /** Two invalid folders: the problems of both, each naming its folder (the file name alone does not say which). */
    @Test
    void shouldNameTheFolderOfEveryProblemOfADiffAndCheckBoth() throws Exception {
        Path a = config("a", BASE.replace("fallbackQueue: q", "fallbackQueue: nope"));
        Path b = config("b", BASE.replace("channel: chat", "channel: fax"));
        StringWriter out = new StringWriter();
        int exit = execute(out, "config", "diff", a.toString(), b.toString());
        assertThat(exit).as(out.toString()).isEqualTo(2);
        assertThat(out.toString()).contains("error: " + a.resolve("routing.yaml") + ":6: flows[0].fallbackQueue = 'nope'",
                "error: " + b.resolve("routing.yaml") + ":3: queues[0].channel = 'fax'");
        StringWriter missing = new StringWriter();
        assertThat(execute(missing, "config", "diff", a.toString(), folder.resolve("none").toString())).isEqualTo(2);
        assertThat(missing.toString()).contains("error: " + folder.resolve("none") + ": no such folder");
    }
}
