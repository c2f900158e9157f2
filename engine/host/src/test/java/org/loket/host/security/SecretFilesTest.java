package org.loket.host.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {
    @TempDir
    Path folder;

    @Test
    void shouldReadNameSecretLinesAsWrittenFromAnOwnerOnlyFile() throws Exception {
        Path file = OwnerOnly.write(folder.resolve("secrets"), "# agents\n\nchat-desk-001 = pa:ss\\word=1 \nlead-1=x\n");
        assertThat(SecretFiles.nameValueLines(file, "chat.agent-secrets-file"))
                .containsExactly(Map.entry("chat-desk-001", "pa:ss\\word=1"), Map.entry("lead-1", "x"));
    }

    @Test
    void shouldRefuseAFileOthersMayReadAndALineWithoutAName() throws Exception {
        Path file = OwnerOnly.write(folder.resolve("secrets"), "lead-1=x\n");
        for (String shared : new String[] {"rw-r-----", "rw----r--"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(shared));
            assertThatThrownBy(() -> SecretFiles.nameValueLines(file, "chat.agent-secrets-file")).as(shared)
                    .hasMessage("chat.agent-secrets-file " + file + " holds secrets and others may read it: chmod 600 " + file);
        }
        Path bad = OwnerOnly.write(folder.resolve("bad"), "lead-1=x\njust-a-secret\n");
        assertThatThrownBy(() -> SecretFiles.nameValueLines(bad, "admin.operatorsFile"))
                .hasMessage("admin.operatorsFile " + bad + ":2: expected name=value");
        Path twice = OwnerOnly.write(folder.resolve("twice"), "lead-1=x\n# later\nlead-1 = y\n");
        assertThatThrownBy(() -> SecretFiles.nameValueLines(twice, "chat.agent-secrets-file"))
                .hasMessage("chat.agent-secrets-file " + twice + ":3: lead-1 given twice (first on line 1)");
        assertThatThrownBy(() -> SecretFiles.readNameValueLines(folder.resolve("missing"), "--settings"))
                .hasMessage("--settings " + folder.resolve("missing") + ": no such file");
        assertThatThrownBy(() -> SecretFiles.read(folder.resolve("missing"), "admin.tokenFile"))
                .hasMessageStartingWith("admin.tokenFile " + folder.resolve("missing") + " cannot be read");
    }
}
