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
}
