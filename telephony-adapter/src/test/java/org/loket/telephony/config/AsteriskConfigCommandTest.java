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

    /** A short password in the secrets file is the operator's mistake: said as an error (exit 1), no pjsip.conf written. */
    @Test
    void shouldRefuseAShortPhonePasswordAsAnError() throws Exception {
        Path secrets = org.loket.host.security.OwnerOnly.write(dir.resolve("phones"), "teamlead-phone=lead-1\n");
        StringWriter out = new StringWriter();
        int exit = execute(out, "asterisk-config", "--out", dir.resolve("etc").toString(), "--ami-secret-file", dir.resolve("ami").toString(),
                "--agent-contacts", "static:127.0.0.1:5100", "--agent-secrets-file", secrets.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).startsWith("error: the SIP password of 'teamlead-phone' is shorter than 12 characters");
        assertThat(dir.resolve("etc/pjsip.conf")).doesNotExist();
    }
}
