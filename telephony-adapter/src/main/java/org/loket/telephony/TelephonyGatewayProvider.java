package org.loket.telephony;

import java.util.Map;
import org.loket.host.gateway.Gateway;
import org.loket.host.gateway.GatewayProvider;

/** Creates the telephony gateway when {@code telephony.enabled=true} is set; otherwise declines. */
public final class TelephonyGatewayProvider implements GatewayProvider {
    @Override
    public Gateway create(Map<String, String> settings) {
        if (!"true".equals(settings.get(TelephonySettings.PREFIX + "enabled"))) {
            return null;
        }
        return new TelephonyGateway(TelephonySettings.from(settings));
    }
}
