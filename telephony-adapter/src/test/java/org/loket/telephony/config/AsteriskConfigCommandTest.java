package org.loket.telephony.config;

import static org.assertj.core.api.Assertions.assertThat;

import static org.loket.host.cli.Cli.execute;

import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loket asterisk-config} as an operator runs it: its mistakes read as every other command's. */
class AsteriskConfigCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseTheDefaultRegisterWithoutSecretsAsAnErrorAndSayItIsTheDefault() {
        StringWriter out = new StringWriter();
        int exit = execute(out, "asterisk-config", "--out", dir.resolve("etc").toString(), "--ami-secret-file", dir.resolve("ami").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).startsWith("error: --agent-contacts register (the default) needs --agent-secrets-file")
                .contains("(loket asterisk-config --help lists the options)");
        StringWriter wrong = new StringWriter();
        assertThat(execute(wrong, "asterisk-config", "--out", dir.resolve("etc").toString(), "--ami-secret-file",
                dir.resolve("ami").toString(), "--agent-contacts", "static:host")).isEqualTo(2);
        assertThat(wrong.toString()).startsWith("error: --agent-contacts 'static:host': expected static:HOST:BASEPORT");
        StringWriter help = new StringWriter();
        execute(help, "asterisk-config", "--help");
        assertThat(help.toString().replaceAll("\\s+", " ")).contains("(all at one port) (default: register)");
    }
}
