package org.loket.host.gateway;

/**
 * Found with {@link java.util.ServiceLoader}: an adapter module registers its provider in
 * {@code META-INF/services/org.loket.host.gateway.GatewayProvider}, so the host never names an adapter.
 */
public interface GatewayProvider {
    /**
     * @param settings process settings; a provider may decline to create a gateway (e.g. when its
     *     port is not configured) by returning {@code null}
     */
    Gateway create(java.util.Map<String, String> settings);

    /**
     * Every {@code --set} key this provider and its gateway read, whether or not it is given (a key
     * ending in {@code .} stands for all keys that start with it), so that {@code loket run} can
     * refuse a misspelt one instead of silently ignoring it.
     */
    default java.util.Set<String> settingKeys() {
        return java.util.Set.of();
    }
}
