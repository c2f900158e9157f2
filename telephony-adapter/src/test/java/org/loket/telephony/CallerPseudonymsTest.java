package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallerPseudonymsTest {
    @TempDir
    Path dir;

    @Test
    void shouldGiveTheSameNumberTheSamePseudonymUnderOneKeyOnly() throws Exception {
        Files.write(dir.resolve("a"), "0123456789abcdef0123456789abcdef".getBytes());
        Files.write(dir.resolve("b"), "fedcba9876543210fedcba9876543210".getBytes());
        CallerPseudonyms a = CallerPseudonyms.load(dir.resolve("a"));
        CallerPseudonyms b = CallerPseudonyms.load(dir.resolve("b"));
        String number = "0612345678";
        assertThat(a.of(number)).hasSize(16).isEqualTo(a.of(number)).isNotEqualTo(b.of(number))
                .isNotEqualTo(a.of("0612345679")).doesNotContain("612345678");
        assertThat(a.of("")).isEqualTo("anonymous");
        assertThat(a.of("anonymous")).isEqualTo("anonymous");
    }

    @Test
    void shouldRefuseAShortKey() throws Exception {
        Files.write(dir.resolve("short"), new byte[8]);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CallerPseudonyms.load(dir.resolve("short")))
                .hasMessageContaining("needs at least 16");
    }
}
