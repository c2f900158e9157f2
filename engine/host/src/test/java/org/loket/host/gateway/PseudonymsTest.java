package org.loket.host.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.command.Command;
import org.loket.host.security.OwnerOnly;

class PseudonymsTest {
    @TempDir
    Path dir;

    @Test
    void shouldGiveTheSameAddressTheSamePseudonymUnderOneKeyOnly() throws Exception {
        Pseudonyms a = Pseudonyms.load(OwnerOnly.write(dir.resolve("a"), "0123456789abcdef0123456789abcdef"), "key");
        Pseudonyms b = Pseudonyms.load(OwnerOnly.write(dir.resolve("b"), "fedcba9876543210fedcba9876543210"), "key");
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
        OwnerOnly.write(dir.resolve("short"), "01234567");
        assertThatThrownBy(() -> Pseudonyms.load(dir.resolve("short"), "chat.pseudonym-key-file"))
                .hasMessage("chat.pseudonym-key-file " + dir.resolve("short") + " has 8 bytes; it needs at least 16");
    }

    /** With the key, every caller number's pseudonym can be found by trying them all: a key others may read is refused. */
    @Test
    void shouldRefuseAKeyOthersMayRead() throws Exception {
        Path key = dir.resolve("readable");
        Files.writeString(key, "0123456789abcdef0123456789abcdef");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Pseudonyms.load(key, "telephony.pseudonymKeyFile")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("telephony.pseudonymKeyFile " + key + " holds secrets and others may read it: chmod 600 " + key);
    }
}
