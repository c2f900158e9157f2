package org.loket.host.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.command.Command;

class PseudonymsTest {
    @TempDir
    Path dir;

    @Test
    void shouldGiveTheSameAddressTheSamePseudonymUnderOneKeyOnly() throws Exception {
        Files.write(dir.resolve("a"), "0123456789abcdef0123456789abcdef".getBytes());
        Files.write(dir.resolve("b"), "fedcba9876543210fedcba9876543210".getBytes());
        Pseudonyms a = Pseudonyms.load(dir.resolve("a"));
        Pseudonyms b = Pseudonyms.load(dir.resolve("b"));
        String number = "0612345678";
        assertThat(a.of(number)).isEqualTo(a.of(number)).isNotEqualTo(b.of(number)).isNotEqualTo(a.of("0612345679"))
                .isNotEqualTo(Command.UNKNOWN_CITIZEN);
        assertThat(Pseudonyms.text(a.of(number))).hasSize(16).doesNotContain("612345678");
        assertThat(a.of("")).isEqualTo(Command.UNKNOWN_CITIZEN);
        assertThat(a.of("anonymous")).isEqualTo(Command.UNKNOWN_CITIZEN);
        assertThat(Pseudonyms.text(Command.UNKNOWN_CITIZEN)).isEqualTo("anonymous");
    }

    @Test
    void shouldRefuseAShortKey() throws Exception {
        Files.write(dir.resolve("short"), new byte[8]);
        assertThatThrownBy(() -> Pseudonyms.load(dir.resolve("short"))).hasMessageContaining("needs at least 16");
    }
}
