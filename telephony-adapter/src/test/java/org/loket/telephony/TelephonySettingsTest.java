package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
        assertThat(read.asked()).allMatch(key -> key.startsWith("telephony.") || key.equals("loket.journal")
                || key.equals(org.loket.host.audit.OperatorAudit.RETENTION_DAYS_SETTING));
    }

    /**
     * Two Lokets on two journals in one folder share no callbacks and no monitoring log: each keeps
     * them in the folder named after its journal, unless a setting names another place.
     */
    @Test
    void shouldKeepCallbacksAndTheMonitoringLogPerJournal() throws Exception {
        Path secret = Files.writeString(folder.resolve("ami-secret"), "s3cret");
        TelephonySettings live = TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(), "loket.journal", "/srv/var/live"));
        TelephonySettings other = TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(), "loket.journal", "/srv/var/chatj"));
        assertThat(live.callbackFolder()).isEqualTo(Path.of("/srv/var/live.files/callbacks"));
        assertThat(live.monitoringLog()).isEqualTo(Path.of("/srv/var/live.files/monitoring.csv"));
        assertThat(other.callbackFolder()).isEqualTo(Path.of("/srv/var/chatj.files/callbacks"));
        assertThat(other.monitoringLog()).isEqualTo(Path.of("/srv/var/chatj.files/monitoring.csv"));
        TelephonyGatewayProvider provider = new TelephonyGatewayProvider();
        assertThat(provider.filesKeptForJournal(Map.of("telephony.enabled", "true")))
                .containsExactly("callbacks", "monitoring.csv", "monitoring-*.csv");
        assertThat(provider.filesKeptForJournal(Map.of("telephony.enabled", "true", "telephony.callbackFolder", "/srv/callbacks")))
                .as("a folder a setting names is not the journal's").containsExactly("monitoring.csv", "monitoring-*.csv");
        assertThat(provider.filesKeptForJournal(Map.of())).as("no phone channel").isEmpty();
    }

    /** The monitoring log is kept as the operators' audit is: {@code loket run --audit-retention-days} passes it on. */
    @Test
    void shouldKeepTheMonitoringLogAsLongAsTheAudit() throws Exception {
        Path secret = Files.writeString(folder.resolve("ami-secret"), "s3cret");
        assertThat(TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString())).monitoringLogRetentionDays())
                .as("without loket run's setting: every month kept").isZero();
        assertThat(TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(), "loket.auditRetentionDays", "400"))
                .monitoringLogRetentionDays()).isEqualTo(400);
        assertThatThrownBy(() -> TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(), "loket.auditRetentionDays", "a year")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("loket.auditRetentionDays='a year': a whole number of days");
    }

    /** A callback dials the caller ID the caller set: only numbers of telephony.callbackNumbers (Dutch, not premium, by default). */
    @Test
    void shouldCallBackOnlyNumbersItMayDial() throws Exception {
        Path secret = Files.writeString(folder.resolve("ami-secret"), "s3cret");
        TelephonySettings dutch = TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString()));
        assertThat(List.of("0612345678", "0201234567", "+31612345678", "0031612345678", "0881234567"))
                .allMatch(dutch::mayCallBack);
        assertThat(Arrays.asList("0900123456", "0906123456", "0800123456", "+441234567890", "anonymous", "", null, "061234567",
                "0612345678,30,U(evil)", "0612345678&PJSIP/1001")).noneMatch(dutch::mayCallBack);
        TelephonySettings wider = TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(),
                "telephony.callbackNumbers", "(\\+|00)(31|32|49)[1-9][0-9]{7,10}"));
        assertThat(wider.mayCallBack("+3222001234")).as("Belgium, when the site allows it").isTrue();
        assertThat(wider.mayCallBack("0612345678")).isFalse();
        TelephonySettings none = TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(), "telephony.callbackDigit", ""));
        assertThat(none.mayCallBack("0612345678")).as("no callbacks offered at all").isFalse();
        assertThatThrownBy(() -> TelephonySettings.from(Map.of("telephony.ami.secretFile", secret.toString(), "telephony.callbackNumbers", "(06")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("telephony.callbackNumbers='(06': not a regular expression");
    }

    /** A switch is on or off as written in any case, and anything else is refused: never a phone channel silently off. */
    @Test
    void shouldTakeTheSwitchInAnyCaseAndRefuseAnythingElse() {
        TelephonyGatewayProvider provider = new TelephonyGatewayProvider();
        assertThatThrownBy(() -> provider.create(Map.of("telephony.enabled", "TRUE")))
                .as("on: so its required settings are asked for").hasMessageContaining("telephony.ami.secretFile is required");
        assertThat(provider.create(Map.of("telephony.enabled", "False"))).isNull();
        assertThat(provider.create(Map.of())).isNull();
        for (String value : List.of("yes", "1", "on", "")) {
            assertThatThrownBy(() -> provider.create(Map.of("telephony.enabled", value)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("telephony.enabled='" + value + "': true or false");
        }
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
