package org.loket.host.gateway;

import java.util.Map;
import org.loket.config.LoadedConfig;

/**
 * What the host gives a gateway at start.
 *
 * @param publisher where to publish commands
 * @param config    the configuration in force when the gateway starts (names, prompt texts); later ones
 *                  arrive through {@link Gateway#onConfigApplied}
 * @param settings  process settings given on the command line ({@code --set key=value})
 */
public record GatewayContext(CommandPublisher publisher, LoadedConfig config, Map<String, String> settings) {
}
