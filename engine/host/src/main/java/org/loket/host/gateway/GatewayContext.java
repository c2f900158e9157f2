package org.loket.host.gateway;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
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
 * @param metrics   where the gateway registers its counters for operators' Prometheus (the admin
 *                  API's {@code GET /metrics}); names start with {@code loket_<gateway>_}
 */
public record GatewayContext(CommandPublisher publisher, LoadedConfig config, Map<String, String> settings, Engine engine,
                             PrometheusRegistry metrics) {
    /** With the engine's own registry, or a registry of its own under a test double. */
    public GatewayContext(CommandPublisher publisher, LoadedConfig config, Map<String, String> settings, Engine engine) {
        this(publisher, config, settings, engine, engine == null ? new PrometheusRegistry() : engine.metrics());
    }

    /**
     * Where a gateway with an operator interface (the wallboard) records who changed what: the
     * engine's audit beside the journal, or the process log only under a test double.
     */
    public org.loket.host.audit.OperatorAudit audit() {
        return engine == null ? new org.loket.host.audit.OperatorAudit(null) : engine.audit();
    }

    /** Offers a service to the other gateways (nothing under a test double). */
    public <T> void offer(Class<T> type, T service) {
        if (engine != null) {
            engine.offer(type, service);
        }
    }

    /** A service another gateway offered, if any; ask when it is needed (gateways start in any order). */
    public <T> java.util.Optional<T> service(Class<T> type) {
        return engine == null ? java.util.Optional.empty() : engine.service(type);
    }

    /** Without an engine behind the publisher (a test double). */
    public GatewayContext(CommandPublisher publisher, LoadedConfig config, Map<String, String> settings) {
        this(publisher, config, settings, null);
    }
}
