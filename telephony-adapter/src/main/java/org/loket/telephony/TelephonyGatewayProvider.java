package org.loket.telephony;

import java.util.Map;
import org.loket.host.gateway.Gateway;
import org.loket.host.gateway.GatewayProvider;

/** Creates the telephony gateway when {@code telephony.enabled=true} is set; otherwise declines. */
public final class TelephonyGatewayProvider implements GatewayProvider {
    @Override
    public Gateway create(Map<String, String> settings) {
        if (!GatewayProvider.flag(settings, TelephonySettings.PREFIX + "enabled", false)) {
            return null;
        }
        TelephonySettings parsed = TelephonySettings.from(settings);
        readable(parsed.amiSecretFile(), "telephony.ami.secretFile", "the AMI secret 'loket asterisk-config --ami-secret-file' wrote");
        readable(parsed.pseudonymKeyFile(), "telephony.pseudonymKeyFile",
                "make one once: head -c 32 /dev/urandom > FILE && chmod 600 FILE (a new key gives every caller a new pseudonym)");
        return new TelephonyGateway(parsed);
    }

    /** A file a setting names must be there at start, not found missing by the first call; null is "not given". */
    private static void readable(java.nio.file.Path file, String setting, String hint) {
        if (file != null && !java.nio.file.Files.isReadable(file)) {
            throw new IllegalArgumentException(setting + "=" + file + ": "
                    + (java.nio.file.Files.exists(file) ? "cannot be read" : "no such file") + "; " + hint);
        }
    }

    @Override
    public java.util.List<String> filesKeptForJournal(Map<String, String> settings) {
        return GatewayProvider.flag(settings, TelephonySettings.PREFIX + "enabled", false)
                ? TelephonySettings.filesKeptForJournal(settings) : java.util.List.of();
    }

    @Override
    public java.util.Set<String> settingKeys() {
        return TelephonySettings.KEYS;
    }
}
