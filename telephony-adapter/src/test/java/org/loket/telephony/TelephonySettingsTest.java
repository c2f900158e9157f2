package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.host.gateway.ReadKeys;

class TelephonySettingsTest {
    /** {@code loket run} refuses a key no provider declares: every key the telephony settings read must be declared. */
    @TempDir
    Path folder;

    @Test
    void shouldDeclareEverySettingItReads() throws Exception {
        Path secret = Files.writeString(folder.resolve("ami-secret"), "s3cret");
        ReadKeys read = new ReadKeys(Map.of("telephony.enabled", "true", "telephony.ami.secretFile", secret.toString()));
        TelephonyGatewayProvider provider = new TelephonyGatewayProvider();
        assertThat(provider.create(read)).isNotNull();
        assertThat(read.asked()).hasSizeGreaterThan(15);
        assertThat(provider.settingKeys()).containsAll(read.asked().stream().filter(key -> key.startsWith("telephony.")).toList());
        assertThat(read.asked()).allMatch(key -> key.startsWith("telephony.") || key.equals("loket.journal"));
    }

    @Test
    void shouldNameTheSettingOfAMissingFileBeforeAnythingStarts() throws Exception {
        TelephonyGatewayProvider provider = new TelephonyGatewayProvider();
        assertThatThrownBy(() -> provider.create(Map.of("telephony.enabled", "true")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("telephony.ami.secretFile is required");
        Path missing = folder.resolve("nothing-here");
        assertThatThrownBy(() -> provider.create(Map.of("telephony.enabled", "true", "telephony.ami.secretFile", missing.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("telephony.ami.secretFile=" + missing + ": no such file; the AMI secret 'loket asterisk-config --ami-secret-file' wrote");
        Path secret = Files.writeString(folder.resolve("ami-secret"), "s3cret");
        assertThatThrownBy(() -> provider.create(Map.of("telephony.enabled", "true", "telephony.ami.secretFile", secret.toString(),
                "telephony.pseudonymKeyFile", missing.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("telephony.pseudonymKeyFile=" + missing + ": no such file; make one once: head -c 32 /dev/urandom");
    }
}
