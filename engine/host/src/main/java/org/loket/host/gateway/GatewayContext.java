package org.loket.host.gateway;

import java.util.Map;
import org.loket.config.LoadedConfig;
import org.loket.host.pipeline.Engine;

/**
 * What the host gives a gateway at start.
 *
 * @param publisher where to publish commands
 * @param config    the configuration in force when the gateway starts (names, prompt texts); later ones
 *                  arrive through {@link Gateway#onConfigApplied}
 * @param settings  process settings given on the command line ({@code --set key=value})
 * @param engine    the engine behind the publisher, for reads of the core's state at start
 *                  ({@link Engine#query}); null under a test double
 */
public record GatewayContext(CommandPublisher publisher, LoadedConfig config, Map<String, String> settings, Engine engine) {
    /** Without an engine behind the publisher (a test double). */
    public GatewayContext(CommandPublisher publisher, LoadedConfig config, Map<String, String> settings) {
        this(publisher, config, settings, null);
    }
}
